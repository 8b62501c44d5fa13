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
int	 store_web_failures_put(struct store *,
	    const struct web_signin_failures *, struct err *);
int	 store_web_failures_clear(struct store *, const char *email,
	    struct err *);

#endif
