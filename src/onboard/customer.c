/* SPDX-License-Identifier: MIT */
/* Customers of the MSP and the accounts they own: see onboard.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "onboard/internal.h"

#define CUSTOMER_ACCOUNTS_MAX	(ONBOARD_PAGE_MAX * 10)

int
tax_rate_parse(const char *s, int64_t *out)
{
	int64_t	 whole = 0, frac = 0;
	int	 nw = 0, nf = 0;

	if (s == NULL)
		return (-1);
	for (; isdigit((unsigned char)*s); s++, nw++) {
		if (nw >= 3)
			return (-1);
		whole = whole * 10 + (*s - '0');
	}
	if (nw == 0)
		return (-1);
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, nf++) {
			if (nf >= 4)
				return (-1);
			frac = frac * 10 + (*s - '0');
		}
		if (nf == 0)
			return (-1);
	}
	if (*s != '\0')
		return (-1);
	for (; nf < 4; nf++)
		frac *= 10;
	if (whole > 100 || (whole == 100 && frac > 0))
		return (-1);
	*out = whole * 10000 + frac;
	return (0);
}

void
tax_rate_format(int64_t v, char *buf, size_t len)
{
	char	 frac[8];
	int	 i;

	snprintf(frac, sizeof(frac), "%04lld", (long long)(v % 10000));
	for (i = 3; i >= 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	if (frac[0] == '\0')
		snprintf(buf, len, "%lld", (long long)(v / 10000));
	else
		snprintf(buf, len, "%lld.%s", (long long)(v / 10000), frac);
}

static int
customer_id_valid(const char *s)
{
	return (s != NULL && strlen(s) == CUSTOMER_ID_LEN &&
	    strncmp(s, "cus-", 4) == 0 &&
	    strspn(s + 4, ALPHA_LOWER_DIGITS) == 10);
}

/* Applies in to c (checked); create fills the defaults first. */
static int
customer_apply(struct customer *c, const struct customer_input *in,
    struct err *e)
{
	size_t	 i;
	int64_t	 rate;

	if (in->name != NULL) {
		size_t n = strlen(in->name);
		if (n == 0 || !utf8_valid(in->name, n) ||
		    utf8_chars(in->name) > CUSTOMER_NAME_MAX ||
		    n >= sizeof(c->name))
			return (err_set(e, ERR_INVALID, NULL, NULL, "name: "
			    "expected 1 to %d characters", CUSTOMER_NAME_MAX));
		for (i = 0; i < n; i++)
			if ((unsigned char)in->name[i] < 0x20)
				return (err_set(e, ERR_INVALID, NULL, NULL,
				    "name: control characters are not "
				    "allowed"));
		snprintf(c->name, sizeof(c->name), "%s", in->name);
	}
	if (in->contact_email != NULL) {
		if (!email_valid(in->contact_email))
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "contact: not a valid e-mail address"));
		snprintf(c->contact_email, sizeof(c->contact_email), "%s",
		    in->contact_email);
	}
	if (in->currency != NULL) {
		if (strlen(in->currency) != 3)
			goto badcur;
		for (i = 0; i < 3; i++) {
			if (!isalpha((unsigned char)in->currency[i]))
				goto badcur;
			c->currency[i] = (char)toupper(
			    (unsigned char)in->currency[i]);
		}
		c->currency[3] = '\0';
	}
	if (in->tax_rate != NULL) {
		if (tax_rate_parse(in->tax_rate, &rate) == -1)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "tax rate: expected a percentage from 0 to 100 "
			    "with at most 4 decimals, like 10 or 8.875"));
		c->tax_rate = rate;
	}
	if (in->address != NULL) {
		if (!utf8_valid(in->address, strlen(in->address)) ||
		    utf8_chars(in->address) > MSP_ADDRESS_MAX ||
		    strlen(in->address) >= sizeof(c->address))
			return (err_set(e, ERR_INVALID, NULL, NULL, "address: "
			    "at most %d characters", MSP_ADDRESS_MAX));
		snprintf(c->address, sizeof(c->address), "%s", in->address);
	}
	if (in->tax_id != NULL) {
		if (!utf8_valid(in->tax_id, strlen(in->tax_id)) ||
		    strlen(in->tax_id) > TAX_ID_MAX ||
		    strpbrk(in->tax_id, "\r\n\t") != NULL)
			return (err_set(e, ERR_INVALID, NULL, NULL, "tax id: "
			    "one line of at most %d characters", TAX_ID_MAX));
		snprintf(c->tax_id, sizeof(c->tax_id), "%s", in->tax_id);
	}
	if (in->payment_terms != NULL) {
		if (in->payment_terms[0] == '\0' ||
		    strcmp(in->payment_terms, "default") == 0)
			c->payment_terms_days = -1;
		else if ((c->payment_terms_days =
		    payment_terms_parse(in->payment_terms)) == -1)
			return (err_set(e, ERR_INVALID, NULL, NULL, "payment "
			    "terms: expected days from 0 to 365 (like 30 or "
			    "\"Net 30\") or \"default\" for the MSP's"));
	}
	if (in->payment_instructions != NULL) {
		if (!utf8_valid(in->payment_instructions,
		    strlen(in->payment_instructions)) ||
		    utf8_chars(in->payment_instructions) > PAYMENT_TEXT_MAX ||
		    strlen(in->payment_instructions) >=
		    sizeof(c->payment_instructions))
			return (err_set(e, ERR_INVALID, NULL, NULL, "payment "
			    "instructions: at most %d characters",
			    PAYMENT_TEXT_MAX));
		snprintf(c->payment_instructions,
		    sizeof(c->payment_instructions), "%s",
		    in->payment_instructions);
	}
	return (0);
badcur:
	return (err_set(e, ERR_INVALID, NULL, NULL,
	    "currency: expected an ISO 4217 code of 3 letters, like USD"));
}

static int
name_taken(struct err *e, const char *name)
{
	return (err_set(e, ERR_CONFLICT, "CustomerExists", NULL,
	    "a customer named '%s' already exists", name));
}

/* The audit line of a customer's create or update, in the caller's
 * transaction. */
static int
customer_audit(struct store *st, const struct principal *who,
    const char *action, const struct customer *c, struct err *e)
{
	char	 rate[24], detail[400];

	tax_rate_format(c->tax_rate, rate, sizeof(rate));
	snprintf(detail, sizeof(detail), "name '%s' contact %s currency %s "
	    "tax %s%%", c->name, c->contact_email, c->currency, rate);
	return (store_audit_append(st, onb_actor(who), action, c->id, detail,
	    e));
}

int
customer_create(struct store *st, const struct principal *who,
    const struct customer_input *in, struct customer *out, struct err *e)
{
	struct customer	 c;

	memset(&c, 0, sizeof(c));
	snprintf(c.currency, sizeof(c.currency), "USD");
	c.payment_terms_days = -1;
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	/* Who asks comes first: a stranger learns nothing from the input
	 * checks. */
	if (msp_require(st, who, NULL, e) == -1)
		goto fail;
	if (in->name == NULL || in->contact_email == NULL) {
		err_set(e, ERR_INVALID, NULL, NULL,
		    "a customer needs a name and a billing contact e-mail");
		goto fail;
	}
	if (customer_apply(&c, in, e) == -1)
		goto fail;
	onb_new_id("cus-", c.id, sizeof(c.id));
	c.created_at = c.updated_at = store_now(st);
	if (store_customer_insert(st, &c, e) == -1) {
		if (e->code == ERR_CONFLICT)
			name_taken(e, c.name);
		goto fail;
	}
	if (customer_audit(st, who, "customer.create", &c, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	*out = c;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
customer_update(struct store *st, const struct principal *who,
    const char *id, const struct customer_input *in, struct customer *out,
    struct err *e)
{
	struct customer	 c;

	if (!customer_id_valid(id))
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %.20s does not exist", id));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (msp_require(st, who, NULL, e) == -1 ||
	    store_customer_get(st, id, &c, e) == -1 ||
	    customer_apply(&c, in, e) == -1)
		goto fail;
	c.updated_at = store_now(st);
	if (store_customer_update(st, &c, e) == -1) {
		if (e->code == ERR_CONFLICT)
			name_taken(e, c.name);
		goto fail;
	}
	if (customer_audit(st, who, "customer.update", &c, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	*out = c;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
customer_get(struct store *st, const struct principal *who, const char *id,
    struct customer *out, struct err *e)
{
	int	 rc;

	if (!customer_id_valid(id))
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %.20s does not exist", id));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = msp_require(st, who, NULL, e);
	if (rc == 0)
		rc = store_customer_get(st, id, out, e);
	store_rollback(st);
	return (rc);
}

int
customer_list(struct store *st, struct arena *a, const struct principal *who,
    const char *after, size_t limit, struct customer **out, size_t *n_out,
    int *more_out, struct err *e)
{
	int	 rc;

	if (limit == 0 || limit > ONBOARD_PAGE_MAX)
		limit = ONBOARD_PAGE_MAX;
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = msp_require(st, who, NULL, e);
	if (rc == 0)
		rc = store_customer_list(st, a, after != NULL ? after : "",
		    limit + 1, out, n_out, e);
	store_rollback(st);
	if (rc == -1)
		return (-1);
	*more_out = *n_out > limit;
	if (*more_out)
		*n_out = limit;
	return (0);
}

int
customer_add_account(struct store *st, const struct orgport *org,
    const struct principal *who, const char *customer_id,
    const char *account_id, struct err *e)
{
	struct msp		 m;
	struct customer		 c;
	struct customer_account	 ca;
	struct orgport_standing	 s;
	struct orgport_org	 o, src;
	int			 paid = 0;

	if (!customer_id_valid(customer_id))
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %.20s does not exist", customer_id));
	if (!account_id_valid(account_id))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "account id: expected 12 digits"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (msp_require(st, who, &m, e) == -1 ||
	    store_customer_get(st, customer_id, &c, e) == -1)
		goto fail;
	if (onb_msp_org(org, m.account_id, &o, e) == -1 ||
	    orgport_account_standing(org, account_id, &s, e) == -1)
		goto fail;
	/* An account the MSP pays for: in its organization (a member or its
	 * management account; every port knows the MSP's own organization,
	 * so UNKNOWN means "not in it"), or in one whose bill it pays by a
	 * billing transfer. */
	if (s.kind == ORGPORT_CASE_MEMBER || s.kind == ORGPORT_CASE_MANAGEMENT ||
	    s.kind == ORGPORT_CASE_UNKNOWN) {
		/* Its organization's management account, where the port can
		 * tell (a live one cannot, for a foreign account). */
		memset(&src, 0, sizeof(src));
		if (s.kind == ORGPORT_CASE_MANAGEMENT)
			snprintf(src.management_id, sizeof(src.management_id),
			    "%s", account_id);
		else if (s.kind == ORGPORT_CASE_MEMBER &&
		    orgport_describe_organization(org, account_id, &src,
		    NULL) == -1)
			memset(&src, 0, sizeof(src));
		if (strcmp(s.org_id, o.id) != 0 && onb_transfer_paid_by(org,
		    m.account_id, s.org_id, src.management_id, &paid, e) == -1)
			goto fail;
	}
	if (!paid && ((s.kind != ORGPORT_CASE_MEMBER &&
	    s.kind != ORGPORT_CASE_MANAGEMENT) ||
	    strcmp(s.org_id, o.id) != 0)) {
		err_set(e, ERR_CONFLICT, NULL, NULL, "account %s is not in the "
		    "MSP's organization %s, nor in one whose bill it pays by a "
		    "billing transfer; onboard it with payerlink onboard "
		    "request", account_id, o.id);
		goto fail;
	}
	if (store_customer_account_get(st, account_id, &ca, NULL) == 0) {
		if (strcmp(ca.customer_id, c.id) == 0)
			goto done;
		err_set(e, ERR_CONFLICT, NULL, NULL, "account %s belongs to "
		    "customer %s", account_id, ca.customer_id);
		goto fail;
	}
	memset(&ca, 0, sizeof(ca));
	snprintf(ca.account_id, sizeof(ca.account_id), "%s", account_id);
	snprintf(ca.customer_id, sizeof(ca.customer_id), "%s", c.id);
	ca.since = store_now(st);
	if (store_customer_account_insert(st, &ca, e) == -1 ||
	    store_audit_append(st, onb_actor(who), "customer.add_account",
	    c.id, account_id, e) == -1)
		goto fail;
done:
	return (store_commit(st, e));
fail:
	store_rollback(st);
	return (-1);
}

int
customer_accounts(struct store *st, struct arena *a,
    const struct principal *who, const char *customer_id,
    struct customer_account **out, size_t *n_out, struct err *e)
{
	struct customer	 c;
	int		 rc;

	if (!customer_id_valid(customer_id))
		return (err_set(e, ERR_NOT_FOUND, NULL, NULL,
		    "customer %.20s does not exist", customer_id));
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = msp_require(st, who, NULL, e);
	if (rc == 0)
		rc = store_customer_get(st, customer_id, &c, e);
	if (rc == 0)
		rc = store_customer_accounts(st, a, customer_id,
		    CUSTOMER_ACCOUNTS_MAX, out, n_out, e);
	store_rollback(st);
	return (rc);
}
