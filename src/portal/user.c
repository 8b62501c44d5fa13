/* SPDX-License-Identifier: MIT */
/* Portal users: creation (argon2id passwords) and sign-in. See portal.h. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "onboard/onboard.h"
#include "portal/portal.h"

static void
new_id(const char *prefix, char *out, size_t len)
{
	static const char	 set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char		 b[10];
	size_t			 i, p = strlen(prefix);

	random_bytes(b, sizeof(b));
	snprintf(out, len, "%s", prefix);
	for (i = 0; i < 10 && p + i + 1 < len; i++)
		out[p + i] = set[b[i] % (sizeof(set) - 1)];
	out[p + i] = '\0';
}

void	ce_new_id(const char *, char *, size_t);

void
ce_new_id(const char *prefix, char *out, size_t len)
{
	new_id(prefix, out, len);
}

int
portal_user_create(struct store *st, const char *customer_id,
    const char *role, const char *email, const char *password,
    struct portal_user *out, struct err *e)
{
	struct portal_user	 u;
	struct customer		 c;
	size_t			 i, plen;

	memset(&u, 0, sizeof(u));
	if (email == NULL || strlen(email) > EMAIL_MAX ||
	    strchr(email, '@') == NULL || strlen(email) < 3)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "email: not an e-mail address"));
	plen = password != NULL ? strlen(password) : 0;
	if (plen < 8 || plen > 128)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "password: must be 8 to 128 characters"));
	if (customer_id != NULL && *customer_id != '\0') {
		if (role != NULL && *role != '\0' &&
		    strcmp(role, "customer") != 0)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "a customer user has no MSP role"));
		if (customer_find(st, customer_id, &c, e) == -1)
			return (-1);
		snprintf(u.customer_id, sizeof(u.customer_id), "%s", c.id);
		snprintf(u.role, sizeof(u.role), "customer");
	} else {
		if (role == NULL || !portal_role_known(role))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "role: " PORTAL_ROLES " (or --customer for a "
			    "customer user)"));
		snprintf(u.role, sizeof(u.role), "%s", role);
	}
	for (i = 0; email[i] != '\0'; i++)
		u.email[i] = (char)tolower((unsigned char)email[i]);
	if (sodium_init() < 0 || crypto_pwhash_str(u.password_hash, password,
	    plen, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "password hashing failed"));
	new_id("usr-", u.id, sizeof(u.id));
	u.created_at = store_now(st);
	if (store_portal_user_insert(st, &u, e) == -1)
		return (-1);
	if (out != NULL)
		*out = u;
	return (0);
}

int
portal_user_authenticate(struct store *st, const char *email,
    const char *password, struct portal_user *out, struct err *e)
{
	char	 low[EMAIL_MAX + 1];
	size_t	 i;

	if (strlen(email) > EMAIL_MAX)
		return (err_set(e, ERR_AUTH, NULL, NULL,
		    "wrong e-mail address or password"));
	for (i = 0; email[i] != '\0'; i++)
		low[i] = (char)tolower((unsigned char)email[i]);
	low[i] = '\0';
	if (store_portal_user_by_email(st, low, out, e) == -1) {
		if (e->code != ERR_NOT_FOUND)
			return (-1);
		return (err_set(e, ERR_AUTH, NULL, NULL,
		    "wrong e-mail address or password"));
	}
	if (crypto_pwhash_str_verify(out->password_hash, password,
	    strlen(password)) != 0)
		return (err_set(e, ERR_AUTH, NULL, NULL,
		    "wrong e-mail address or password"));
	return (0);
}

/* The MSP's roles and the sections each may change ("*": all). */
static const struct {
	const char	*role;
	const char	*changes;	/* " section section " */
} staff_roles[] = {
	{ "admin",	"*" },
	{ "operator",	" onboarding customers " },
	{ "billing",	" invoices pricing imports portal " },
	{ "read-only",	"" },
};

int
portal_role_known(const char *role)
{
	size_t	 i;

	for (i = 0; i < sizeof(staff_roles) / sizeof(staff_roles[0]); i++)
		if (strcmp(role, staff_roles[i].role) == 0)
			return (1);
	return (0);
}

int
portal_role_may_change(const char *role, const char *section)
{
	const char	*p;
	size_t		 i, n = strlen(section);

	if (n == 0)
		return (0);
	for (i = 0; i < sizeof(staff_roles) / sizeof(staff_roles[0]); i++) {
		if (strcmp(role, staff_roles[i].role) != 0)
			continue;
		if (strcmp(staff_roles[i].changes, "*") == 0)
			return (1);
		for (p = staff_roles[i].changes; (p = strstr(p, section)) !=
		    NULL; p += n)
			if (p[-1] == ' ' && p[n] == ' ')
				return (1);
		return (0);
	}
	return (0);
}

int
portal_user_can_write(const struct portal_user *u)
{
	return (strcmp(u->role, "customer") == 0 ||
	    portal_role_may_change(u->role, "portal"));
}
