/* SPDX-License-Identifier: MIT */
/*
 * The MSP (one row), who may ask (the MSP's account or the local CLI),
 * the audit log's reader, and small shared helpers. See onboard.h.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/codec.h"
#include "onboard/internal.h"

static const char *const state_names[ONBOARD_NSTATES] = {
	"INVITED", "IN_PROGRESS", "LINKED", "DECLINED", "EXPIRED", "CANCELED"
};

const char *
onboard_state_name(enum onboard_state s)
{
	return ((unsigned)s < ONBOARD_NSTATES ? state_names[s] : "UNKNOWN");
}

int
onboard_state_parse(const char *s, enum onboard_state *out)
{
	int	 i;

	for (i = 0; i < ONBOARD_NSTATES; i++)
		if (strcasecmp(s, state_names[i]) == 0) {
			*out = (enum onboard_state)i;
			return (0);
		}
	if (strcasecmp(s, "CANCELLED") == 0) {
		*out = ONBOARD_CANCELED;
		return (0);
	}
	return (-1);
}

const char *
onb_actor(const struct principal *who)
{
	return (who != NULL ? principal_actor(who) : ACTOR_CLI);
}

void
onb_new_id(const char *prefix, char *out, size_t len)
{
	size_t	 p = strlen(prefix);

	snprintf(out, len, "%s", prefix);
	if (len > p + 10)
		random_chars(out + p, 10, ALPHA_LOWER_DIGITS);
}

int
onb_msp_org(const struct orgport *org, const char *msp_account_id,
    struct orgport_org *out, struct err *e)
{
	if (orgport_describe_organization(org, msp_account_id, out, e) == -1)
		return (-1);
	if (strcmp(out->management_id, msp_account_id) != 0)
		return (err_set(e, ERR_DENIED, AWSERR(AccessDeniedException),
		    NULL,
		    "You don't have permissions to access this resource."));
	return (0);
}

void
onb_token_hash(const char *token, char *hash)
{
	unsigned char	 md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, (const unsigned char *)token, strlen(token));
	hex_encode(md, sizeof(md), hash);
}

void
onb_new_token(char *token, char *hash)
{
	unsigned char	 raw[32];

	/* Never a leading '-': `payerlink onboard plan TOKEN` would take the
	 * token for an option (drawn again: 1 in 64). */
	do {
		random_bytes(raw, sizeof(raw));
		b64url_encode(raw, sizeof(raw), token);
	} while (token[0] == '-');
	onb_token_hash(token, hash);
}

void
onb_plan_url(const struct msp *m, const char *token, char *url, size_t len)
{
	snprintf(url, len, "%s/plan/%s", m->public_url[0] != '\0' ?
	    m->public_url : ONBOARD_DEFAULT_URL, token);
}

int
onboard_parse_duration(const char *s, int64_t *ms_out)
{
	char		*end;
	long long	 v;
	int64_t		 unit;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return (-1);
	v = strtoll(s, &end, 10);
	if (v < 0 || v > 100000)
		return (-1);
	if (strcmp(end, "d") == 0 || *end == '\0')
		unit = 86400000LL;
	else if (strcmp(end, "h") == 0)
		unit = 3600000LL;
	else if (strcmp(end, "m") == 0)
		unit = 60000LL;
	else if (strcmp(end, "s") == 0)
		unit = 1000LL;
	else
		return (-1);
	*ms_out = v * unit;
	return (0);
}

int
onboard_parse_time(const char *s, int64_t *ms_out)
{
	int		 y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t		 len;

	if (s == NULL || (len = strlen(s)) < 10 || len > 24)
		return (-1);
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return (-1);
	s += 10;
	if (*s == 'T' || *s == ' ') {
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
			return (-1);
		s += 6;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &sec, &n) != 1 || n != 2)
				return (-1);
			s += 3;
		}
		if (strcmp(s, "Z") != 0 && strcmp(s, "+00:00") != 0)
			return (-1);
	} else if (*s != '\0')
		return (-1);
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0)
		return (-1);
	*ms_out = ((clock_days_from_civil(y, (unsigned)mo, (unsigned)d) *
	    86400) + h * 3600 + mi * 60 + sec) * 1000LL;
	return (0);
}

static int
denied(struct err *e)
{
	return (err_set(e, ERR_DENIED, AWSERR(AccessDenied), NULL,
	    "only the MSP's management account may do this"));
}

int
msp_get(struct store *st, struct msp *out, struct err *e)
{
	return (store_msp_get(st, out, e));
}

int
msp_require(struct store *st, const struct principal *who, struct msp *out,
    struct err *e)
{
	struct msp	 m;

	if (store_msp_get(st, &m, e) == -1) {
		if (e->code == ERR_NOT_FOUND && who != NULL)
			return (denied(e));
		return (-1);
	}
	if (who != NULL && strcmp(who->account_id, m.account_id) != 0)
		return (denied(e));
	if (out != NULL)
		*out = m;
	return (0);
}

int
onb_url_valid(const char *u)
{
	size_t	 i;

	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return (0);
	if (strlen(u) > MSP_URL_MAX || strlen(u) < 10)
		return (0);
	for (i = 0; u[i] != '\0'; i++)
		if (!isgraph((unsigned char)u[i]) || strchr("\"'<>\\`",
		    u[i]) != NULL)
			return (0);
	return (1);
}

static int
text_ok(const char *s, size_t max)
{
	return (utf8_valid(s, strlen(s)) && utf8_chars(s) <= max);
}

int
msp_set(struct store *st, const struct orgport *org,
    const struct principal *who, const struct msp_input *in, struct msp *out,
    struct err *e)
{
	struct msp		 m, cur;
	struct orgport_org	 o;
	struct account		 a;
	int			 have;
	char			 detail[256];

	if (in->account_id == NULL || !account_id_valid(in->account_id))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "account id: expected 12 digits"));
	if (in->name != NULL && (in->name[0] == '\0' ||
	    !text_ok(in->name, MSP_NAME_MAX)))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "name: expected 1 to %d characters", MSP_NAME_MAX));
	if (in->address != NULL && !text_ok(in->address, MSP_ADDRESS_MAX))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "address: at most %d characters", MSP_ADDRESS_MAX));
	if (in->public_url != NULL && !onb_url_valid(in->public_url))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "url: expected http(s)://host[:port][/path]"));
	if (in->legal_name != NULL && !text_ok(in->legal_name, MSP_NAME_MAX))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "legal name: at most %d characters", MSP_NAME_MAX));
	if (in->tax_id != NULL && !text_ok(in->tax_id, TAX_ID_MAX))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "tax id: at most %d characters", TAX_ID_MAX));
	if (in->payment_terms != NULL &&
	    payment_terms_parse(in->payment_terms) == -1)
		return (err_set(e, ERR_INVALID, NULL, NULL, "payment terms: "
		    "expected days from 0 to 365, like 30 or \"Net 30\""));
	if (in->payment_instructions != NULL &&
	    !text_ok(in->payment_instructions, PAYMENT_TEXT_MAX))
		return (err_set(e, ERR_INVALID, NULL, NULL, "payment "
		    "instructions: at most %d characters", PAYMENT_TEXT_MAX));
	if (in->hourly_resource_data != NULL &&
	    strcmp(in->hourly_resource_data, "on") != 0 &&
	    strcmp(in->hourly_resource_data, "off") != 0)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "hourly resource data: expected on or off"));
	if (in->gap_threshold_min < -1 || in->gap_threshold_min > 10080)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "gap threshold: expected 0 to 10080 minutes"));
	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	have = store_msp_get(st, &cur, NULL) == 0;
	if (who != NULL && (!have || strcmp(who->account_id,
	    cur.account_id) != 0)) {
		denied(e);
		goto fail;
	}
	if (account_get(st, in->account_id, &a, e) == -1) {
		if (e->code == ERR_NOT_FOUND)
			err_set(e, ERR_INVALID, NULL, NULL,
			    "account %s does not exist", in->account_id);
		goto fail;
	}
	if (onb_msp_org(org, a.id, &o, e) == -1) {
		err_set(e, ERR_INVALID, NULL, NULL, "account %s does not "
		    "manage an organization: the MSP's account must be the "
		    "management account of a live organization", a.id);
		goto fail;
	}
	memset(&m, 0, sizeof(m));
	snprintf(m.account_id, sizeof(m.account_id), "%s", a.id);
	snprintf(m.name, sizeof(m.name), "%s", in->name != NULL ? in->name :
	    have ? cur.name : a.name);
	snprintf(m.address, sizeof(m.address), "%s", in->address != NULL ?
	    in->address : have ? cur.address : "");
	snprintf(m.public_url, sizeof(m.public_url), "%s",
	    in->public_url != NULL ? in->public_url : have ? cur.public_url :
	    ONBOARD_DEFAULT_URL);
	/* A trailing '/' would double in the plan link. */
	while (strlen(m.public_url) > 8 &&
	    m.public_url[strlen(m.public_url) - 1] == '/')
		m.public_url[strlen(m.public_url) - 1] = '\0';
	m.gap_threshold_min = in->gap_threshold_min >= 0 ?
	    in->gap_threshold_min : have ? cur.gap_threshold_min :
	    ONBOARD_GAP_DEFAULT_MIN;
#define KEEP(f, dflt) snprintf(m.f, sizeof(m.f), "%s", in->f != NULL ? \
	in->f : have ? cur.f : (dflt))
	KEEP(legal_name, "");
	KEEP(tax_id, "");
	KEEP(payment_instructions, "");
#undef KEEP
	m.payment_terms_days = in->payment_terms != NULL ?
	    payment_terms_parse(in->payment_terms) : have ?
	    cur.payment_terms_days : PAYMENT_TERMS_DEFAULT;
	m.hourly_resource_data = in->hourly_resource_data != NULL ?
	    strcmp(in->hourly_resource_data, "on") == 0 : have ?
	    cur.hourly_resource_data : 0;
	m.updated_at = store_now(st);
	snprintf(detail, sizeof(detail), "account %s organization %s "
	    "gap threshold %lld min", m.account_id, o.id,
	    (long long)m.gap_threshold_min);
	if (store_msp_put(st, &m, e) == -1 ||
	    store_audit_append(st, onb_actor(who), "msp.set", m.account_id,
	    detail, e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		return (-1);
	if (out != NULL)
		*out = m;
	return (0);
fail:
	store_rollback(st);
	return (-1);
}

int
audit_list(struct store *st, struct arena *a, const struct principal *who,
    int64_t since, const char *object, int64_t after_id, size_t limit,
    struct audit_entry **out, size_t *n_out, int *more_out, struct err *e)
{
	int	 rc;

	if (limit == 0 || limit > ONBOARD_PAGE_MAX)
		limit = ONBOARD_PAGE_MAX;
	if (store_begin(st, STORE_READ, e) == -1)
		return (-1);
	rc = msp_require(st, who, NULL, e);
	if (rc == 0)
		rc = store_audit_list(st, a, since, object != NULL ? object :
		    "", after_id, limit + 1, out, n_out, e);
	store_rollback(st);
	if (rc == -1)
		return (-1);
	*more_out = *n_out > limit;
	if (*more_out)
		*n_out = limit;
	return (0);
}
