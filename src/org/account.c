/* SPDX-License-Identifier: MIT */
/* Accounts, keys, passwords: see account.h. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codec.h"
#include "core/message.h"
#include "core/sigv4.h"
#include "org/account.h"

const char *
account_state(const struct account *a)
{
	if (strcmp(a->status, "SUSPENDED") == 0)
		return ("CLOSED");
	if (strcmp(a->status, "PENDING_CLOSURE") == 0)
		return ("PENDING_CLOSURE");
	return ("ACTIVE");
}

int
account_id_valid(const char *id)
{
	return (strlen(id) == ACCOUNT_ID_LEN && str_is_digits(id));
}

/* AWS's pattern: 6..64 characters, [^\s@]+@[^\s@]+\.[^\s@]+ */
int
email_valid(const char *s)
{
	const char	*at, *dot, *p;
	size_t		 len = strlen(s);

	if (len < 6 || len > EMAIL_MAX)
		return (0);
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return (0);
	if ((at = strchr(s, '@')) == NULL || at == s || strchr(at + 1, '@'))
		return (0);
	dot = strrchr(at, '.');
	return (dot != NULL && dot > at + 1 && dot[1] != '\0');
}

static int
key_new(struct store *st, const char *account_id, struct access_key *k,
    struct err *e)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->id, "AKPL", 4);
	random_chars(k->id + 4, 16, ALPHA_UPPER_DIGITS);
	random_chars(k->secret, 40,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
	snprintf(k->account_id, sizeof(k->account_id), "%s", account_id);
	k->created_at = store_now(st);
	return (store_key_insert(st, k, e));
}

static int
password_hash(const char *password, char *out, struct err *e)
{
	size_t	 len = strlen(password);

	if (len < PASSWORD_MIN || len > PASSWORD_MAX)
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    NULL,
		    "password: must be %d to %d characters", PASSWORD_MIN,
		    PASSWORD_MAX));
	if (sodium_init() < 0 || crypto_pwhash_str(out, password, len,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "password hashing failed"));
	return (0);
}

int
account_create(struct store *st, const char *id, const char *email,
    const char *name, const char *password, struct account *out,
    struct access_key *key_out, struct err *e)
{
	struct account	 a;
	int		 tries;

	memset(&a, 0, sizeof(a));
	if (email == NULL || !email_valid(email))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "INVALID_EMAIL_ADDRESS_TARGET",
		    "email: not a valid e-mail address"));
	if (name == NULL)
		name = email;
	if (*name == '\0' || utf8_chars(name) > ACCOUNT_NAME_MAX ||
	    strlen(name) >= sizeof(a.name) || !utf8_valid(name, strlen(name)))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    NULL,
		    "name: must be 1 to %d characters", ACCOUNT_NAME_MAX));
	if (id != NULL && !account_id_valid(id))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    NULL,
		    "id: an account id is 12 digits"));
	snprintf(a.email, sizeof(a.email), "%s", email);
	snprintf(a.name, sizeof(a.name), "%s", name);
	snprintf(a.status, sizeof(a.status), "ACTIVE");
	if (password != NULL && password_hash(password, a.password_hash, e))
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	a.created_at = store_now(st);
	if (store_account_by_email(st, email, out, NULL) == 0) {
		store_rollback(st);
		return (err_set(e, ERR_CONFLICT,
		    AWSERR(DuplicateAccountException),
		    NULL, "email: an account with e-mail %s already exists",
		    email));
	}
	for (tries = 0; ; tries++) {
		if (id != NULL)
			snprintf(a.id, sizeof(a.id), "%s", id);
		else
			random_chars(a.id, ACCOUNT_ID_LEN, ALPHA_DIGITS);
		if (store_account_insert(st, &a, e) == 0)
			break;
		if (e->code != ERR_CONFLICT || id != NULL || tries == 5)
			goto fail;
	}
	if (key_new(st, a.id, key_out, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	*out = a;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
account_get(struct store *st, const char *id, struct account *out,
    struct err *e)
{
	if (!account_id_valid(id))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "INVALID_PATTERN", "account id: must be 12 digits"));
	if (store_account_get(st, id, out, e) == -1) {
		if (e != NULL && e->code == ERR_NOT_FOUND)
			e->aws_type = AWSERR(AccountNotFoundException);
		return (-1);
	}
	return (0);
}

int
account_key_create(struct store *st, const char *account_id,
    struct access_key *out, struct err *e)
{
	struct account	 a;

	if (account_get(st, account_id, &a, e) == -1)
		return (-1);
	return (key_new(st, account_id, out, e));
}

int
account_key_delete(struct store *st, const char *account_id,
    const char *key_id, struct err *e)
{
	return (store_key_delete(st, account_id, key_id, e));
}

int
account_set_billing_info(struct store *st, const char *account_id,
    const char *payment_method, const char *phone, struct err *e)
{
	struct account	 a;

	if (payment_method != NULL && strlen(payment_method) >=
	    sizeof(a.payment_method))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "MAX_LENGTH_EXCEEDED", "payment method: at most %zu "
		    "characters", sizeof(a.payment_method) - 1));
	if (phone != NULL && (strlen(phone) >= sizeof(a.phone) ||
	    strspn(phone, "+0123456789 -()") != strlen(phone)))
		return (err_set(e, ERR_INVALID, AWSERR(InvalidInputException),
		    "INVALID_PATTERN", "phone: at most %zu digits, spaces, "
		    "+, - and parentheses", sizeof(a.phone) - 1));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (account_get(st, account_id, &a, e) == -1)
		goto fail;
	if (payment_method != NULL)
		snprintf(a.payment_method, sizeof(a.payment_method), "%s",
		    payment_method);
	if (phone != NULL)
		snprintf(a.phone, sizeof(a.phone), "%s", phone);
	if (store_account_update(st, &a, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
account_set_password(struct store *st, const char *account_id,
    const char *password, struct err *e)
{
	struct account	 a;
	char		 hash[PASSWORD_HASH_MAX];

	if (password_hash(password, hash, e) == -1)
		return (-1);
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (account_get(st, account_id, &a, e) == -1)
		goto fail;
	snprintf(a.password_hash, sizeof(a.password_hash), "%s", hash);
	if (store_account_update(st, &a, e) == -1)
		goto fail;
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
account_authenticate(struct store *st, const char *email,
    const char *password, struct account *out, struct err *e)
{
	/* A fixed hash so an unknown e-mail costs as much as a wrong password. */
	static char	 dummy[PASSWORD_HASH_MAX];
	struct account	 a;
	int		 found;

	if (dummy[0] == '\0' && (sodium_init() < 0 ||
	    crypto_pwhash_str(dummy, "not a password", 14,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0))
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "password hashing failed"));
	found = store_account_by_email(st, email, &a, NULL) == 0 &&
	    a.password_hash[0] != '\0';
	if (crypto_pwhash_str_verify(found ? a.password_hash : dummy,
	    password, strlen(password)) != 0 || !found)
		return (err_set(e, ERR_AUTH, NULL, NULL,
		    "wrong e-mail or password"));
	*out = a;
	return (0);
}

int
account_ensure_default(struct store *st, struct err *e)
{
	struct account		 a;
	struct access_key	 k;

	if (store_account_get(st, DEFAULT_ACCOUNT_ID, &a, NULL) == 0)
		return (0);
	if (account_create(st, DEFAULT_ACCOUNT_ID, DEFAULT_ACCOUNT_EMAIL,
	    DEFAULT_ACCOUNT_NAME, NULL, &a, &k, e) == -1 &&
	    e->code != ERR_CONFLICT)
		return (-1);
	return (0);
}

int
account_from_signature(struct store *st, const struct request *r,
    const char *service, int flags, struct principal *who, struct err *e)
{
	struct sigv4_auth	 sig;
	struct access_key	 key;
	struct account		 acct;

	if (request_header_count(r, "Authorization") > 1)
		return (err_set(e, ERR_AUTH,
		    AWSERR(IncompleteSignatureException),
		    NULL, "the request has more than one Authorization header"));
	if (sigv4_parse_auth(request_header(r, "Authorization"), &sig,
	    e) == -1)
		return (-1);
	if (store_key_get(st, sig.access_key, &key, e) == -1) {
		if (e->code != ERR_NOT_FOUND)
			return (-1);
		if (!(flags & ACCOUNT_SIG_EMULATOR))
			return (err_set(e, ERR_AUTH,
			    AWSERR(UnrecognizedClientException), NULL,
			    "The security token included in the request is "
			    "invalid."));
		snprintf(who->account_id, sizeof(who->account_id), "%s",
		    account_id_valid(sig.access_key) && store_account_get(st,
		    sig.access_key, &acct, NULL) == 0 ? acct.id :
		    DEFAULT_ACCOUNT_ID);
		return (0);
	}
	if (sigv4_verify(r, &sig, key.secret, service, clock_real_ms(),
	    e) == -1)
		return (-1);
	snprintf(who->account_id, sizeof(who->account_id), "%s",
	    key.account_id);
	return (0);
}

const char *
principal_actor(const struct principal *who)
{
	if (who == NULL)
		return ("cli");
	return (who->person[0] != '\0' ? who->person : who->account_id);
}
