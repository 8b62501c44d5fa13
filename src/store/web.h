/* SPDX-License-Identifier: MIT */
/*
 * Web console sessions and sign-in limits in the store (src/web's
 * session domain).
 */
#ifndef STORE_WEB_H
#define STORE_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "store/org.h"

/* A web console session: the server keeps the hash of the cookie's token. */
#define WEB_TOKEN_HASH_LEN	64	/* hex SHA-256 */
#define WEB_CSRF_LEN		43	/* base64url of 32 bytes */
#define WEB_FLASH_MAX		512

struct web_session {
	char	 token_hash[WEB_TOKEN_HASH_LEN + 1];
	char	 account_id[ACCOUNT_ID_LEN + 1];
	char	 csrf[WEB_CSRF_LEN + 1];
	int64_t	 created_at;			/* real time, ms */
	int64_t	 expires_at;			/* absolute end */
	int64_t	 last_seen;			/* for the idle timeout */
	char	 flash[WEB_FLASH_MAX + 1];	/* one message for the next page */
};

/* Failed sign-ins for one e-mail (lowercased), for the lockout. */
struct web_signin_failures {
	char	 email[EMAIL_MAX + 1];
	int64_t	 failures;
	int64_t	 last_failure_at;
	int64_t	 locked_until;			/* 0: not locked */
};

/* What limits sign-ins (serve --signin-per-address, --signin-global). */
struct signin_rules {
	int64_t	 window_ms;		/* of the rate limits */
	int64_t	 per_address;		/* attempts per window, one address */
	int64_t	 global;		/* attempts per window, everyone */
	int64_t	 lock_failures;		/* failures in a row that lock */
	int64_t	 lock_ms;		/* for this long */
};

enum signin_refusal {
	SIGNIN_ADMITTED = 0,
	SIGNIN_LOCKED,			/* the e-mail, after its failures */
	SIGNIN_ADDRESS,			/* the address's rate */
	SIGNIN_GLOBAL			/* everyone's rate */
};

struct signin_admission {
	enum signin_refusal	 refused;
	int64_t			 until;	/* refused: retry then; locks: lock end */
	int			 locks;	/* admitted: a failure now locks */
};

/*
 * Web sessions. Times are real (clock_real_ms), not the business clock.
 * store_web_session_get fails with ERR_NOT_FOUND for an unknown token hash;
 * expiry is the caller's to judge. take_flash returns the session's flash
 * message into out (cleared in the store) or "" when none.
 */
int	 store_web_session_insert(struct store *, const struct web_session *,
	    struct err *);
int	 store_web_session_get(struct store *, const char *token_hash,
	    struct web_session *out /* OUT */, struct err *);
int	 store_web_session_touch(struct store *, const char *token_hash,
	    int64_t last_seen, struct err *);
int	 store_web_session_set_flash(struct store *, const char *token_hash,
	    const char *flash, struct err *);
int	 store_web_session_take_flash(struct store *, const char *token_hash,
	    char *out /* OUT */, size_t size, struct err *);
int	 store_web_session_delete(struct store *, const char *token_hash,
	    struct err *);
/* Deletes every session that ended before `now`. */
int	 store_web_session_purge(struct store *, int64_t now, struct err *);
/* Sign-in failures per e-mail; get fails with ERR_NOT_FOUND when none. */
int	 store_web_failures_get(struct store *, const char *email,
	    struct web_signin_failures *out /* OUT */, struct err *);
int	 store_web_failures_clear(struct store *, const char *email,
	    struct err *);

/*
 * Sign-in limits (real time). store_signin_admit decides, in one write
 * transaction, whether an attempt for email (NULL: not an e-mail address)
 * from client address addr may have its password checked, and counts it
 * before the check, as a failure: so parallel attempts cannot all pass on
 * the same count, whatever the backend or the number of servers. Refused
 * (out->refused, out->until when to retry) while the e-mail is locked,
 * past rules->per_address attempts of the address in its window or
 * rules->global of everyone's. The attempt that makes lock_failures in a
 * row locks the e-mail until out->until (out->locks) should it fail.
 * store_signin_succeeded forgets the e-mail's failures and takes the
 * attempt back from the address's and everyone's counts.
 */
int	 store_signin_admit(struct store *, const char *email,
	    const char *addr, int64_t now, const struct signin_rules *,
	    struct signin_admission *out /* OUT */, struct err *);
int	 store_signin_succeeded(struct store *, const char *email,
	    const char *addr, struct err *);

#endif
