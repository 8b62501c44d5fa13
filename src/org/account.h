/* SPDX-License-Identifier: MIT */
/*
 * Accounts: payerlink's own (AWS has no API to sign up an account), their
 * access keys, passwords (argon2id) and standalone billing information.
 * The principal is who asks: every domain call takes one and checks it.
 */
#ifndef ORG_ACCOUNT_H
#define ORG_ACCOUNT_H

#include "core/arena.h"
#include "core/err.h"
#include "store/org.h"
#include "store/store.h"

#define DEFAULT_ACCOUNT_ID	"123456789012"	/* the emulator's default */
#define DEFAULT_ACCOUNT_EMAIL	"master@example.com"
#define DEFAULT_ACCOUNT_NAME	"master"
#define PASSWORD_MIN		8
#define PASSWORD_MAX		128

struct principal {
	char	account_id[ACCOUNT_ID_LEN + 1];
	/* "" when the account acts itself; else the person acting for it
	   (a staff user of the MSP in live mode: "alice@msp.example
	   (admin)"), whom the audit log names. */
	char	person[AUDIT_ACTOR_MAX + 1];
};

/* Who the audit log names for who: the person, the account, or "cli"
 * (who NULL: the local operator). */
const char	*principal_actor(const struct principal *who);

/*
 * Creates an account with a new random 12-digit id (or `id` when not NULL,
 * for the emulator's default account) and one access key. password may be
 * NULL (no console sign-in). Fails with ERR_INVALID naming the field, or
 * ERR_CONFLICT when the e-mail is taken.
 */
int	account_create(struct store *, const char *id, const char *email,
	    const char *name, const char *password,
	    struct account *out /* OUT */, struct access_key *key_out /* OUT */,
	    struct err *);
int	account_get(struct store *, const char *id,
	    struct account *out /* OUT */, struct err *);
int	account_key_create(struct store *, const char *account_id,
	    struct access_key *out /* OUT */, struct err *);
int	account_key_delete(struct store *, const char *account_id,
	    const char *key_id, struct err *);
/* Payment method and phone: what an account needs to stand alone. */
int	account_set_billing_info(struct store *, const char *account_id,
	    const char *payment_method, const char *phone, struct err *);
int	account_set_password(struct store *, const char *account_id,
	    const char *password, struct err *);
/* Checks an e-mail and password; fills *out on success (constant time). */
int	account_authenticate(struct store *, const char *email,
	    const char *password, struct account *out /* OUT */, struct err *);

/*
 * Who signed r: the account owning the access key of its SigV4
 * Authorization header, verified for `service` at real time. The caller
 * answers a missing header in its own protocol's words. With
 * ACCOUNT_SIG_EMULATOR an unknown key acts as the account whose id the key
 * is (12 digits) or else as the default account, unverified. Fails with
 * IncompleteSignatureException, UnrecognizedClientException or
 * InvalidSignatureException.
 */
#define ACCOUNT_SIG_EMULATOR	(1 << 0)
struct request;
int	account_from_signature(struct store *, const struct request *r,
	    const char *service, int flags, struct principal *who /* OUT */,
	    struct err *);

/* Creates the emulator's default account 123456789012 if it is missing. */
int	account_ensure_default(struct store *, struct err *);

/*
 * The account's State (PENDING_ACTIVATION, ACTIVE, SUSPENDED,
 * PENDING_CLOSURE, CLOSED), which AWS shows beside Status, retiring on 9
 * September 2026. payerlink suspends an account only when it closes
 * (CloseAccount: PENDING_CLOSURE, then SUSPENDED), so Status SUSPENDED is
 * State CLOSED; the rest read the same.
 */
const char	*account_state(const struct account *);

/* Format checks shared by the API and the CLI. */
int	account_id_valid(const char *);
int	email_valid(const char *);

/*
 * Reads inside the caller's transaction, for the other domains and the
 * protocol layers (which have checked who asks): the rows as the store
 * keeps them, under this domain's name, so that nobody above opens this
 * domain's tables itself.
 */
static inline int
account_by_email(struct store *st, const char *email, struct account *out,
    struct err *e)
{
	return (store_account_by_email(st, email, out, e));
}
/* One page by id after `after` ("" first). */
static inline int
account_page(struct store *st, struct arena *a, const char *after,
    size_t limit, struct account **out, size_t *n_out, struct err *e)
{
	return (store_account_list(st, a, after, limit, out, n_out, e));
}
static inline int
account_key_get(struct store *st, const char *key_id, struct access_key *out,
    struct err *e)
{
	return (store_key_get(st, key_id, out, e));
}
static inline int
account_keys(struct store *st, struct arena *a, const char *account_id,
    struct access_key **out, size_t *n_out, struct err *e)
{
	return (store_key_list(st, a, account_id, out, n_out, e));
}
/* The account's memberships, oldest first. */
static inline int
account_memberships(struct store *st, struct arena *a, const char *account_id,
    struct membership **out, size_t *n_out, struct err *e)
{
	return (store_membership_history(st, a, account_id, out, n_out, e));
}

#endif
