/* SPDX-License-Identifier: MIT */
/*
 * The import cache: each current import's rollups loaded once, their
 * strings interned in a table per import, held under a byte budget and
 * dropped when a newer delivery replaces the import.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "billing/attrs.h"
#include "billing/service.h"
#include "ce/internal.h"
#include "core/xmalloc.h"

/* ---- String tables ---------------------------------------------------- */

static uint64_t
str_hash(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h);
}

void
strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	t->mask = 255;
	t->slots = xcalloc(t->mask + 1, sizeof(*t->slots));
}

void
strtab_release(struct strtab *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		xfree(t->s[i]);
	xfree(t->s);
	xfree(t->slots);
	memset(t, 0, sizeof(*t));
}

int64_t
strtab_find(const struct strtab *t, const char *s)
{
	size_t	 i = str_hash(s) & t->mask;

	for (; t->slots[i] != 0; i = (i + 1) & t->mask)
		if (strcmp(t->s[t->slots[i] - 1], s) == 0)
			return ((int64_t)t->slots[i] - 1);
	return (-1);
}

uint32_t
strtab_add(struct strtab *t, const char *s)
{
	size_t	 i;
	int64_t	 f;

	if ((f = strtab_find(t, s)) >= 0)
		return ((uint32_t)f);
	if ((t->n + 1) * 2 > t->mask + 1) {
		size_t	 nm = t->mask * 2 + 1, k;
		uint32_t *ns = xcalloc(nm + 1, sizeof(*ns));

		for (k = 0; k < t->n; k++) {
			i = str_hash(t->s[k]) & nm;
			while (ns[i] != 0)
				i = (i + 1) & nm;
			ns[i] = (uint32_t)k + 1;
		}
		xfree(t->slots);
		t->slots = ns;
		t->mask = nm;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->s = xrealloc(t->s, t->cap * sizeof(*t->s));
	}
	t->s[t->n] = xstrdup(s);
	i = str_hash(s) & t->mask;
	while (t->slots[i] != 0)
		i = (i + 1) & t->mask;
	t->slots[i] = (uint32_t)t->n + 1;
	return ((uint32_t)t->n++);
}

/* ---- The import cache ------------------------------------------------- */

/*
 * A byte budget, not a row count: the server's memory must stay flat under
 * a stream of small deliveries as much as with a few big ones. 64 MiB holds
 * about 400,000 rows (144 bytes each, then their strings and attributes;
 * bench/portal.sh's 13 months of 200 accounts are 316,800); a set alone
 * above it is read again by each query.
 */
static size_t		 cache_max = CE_CACHE_DEFAULT;
static pthread_mutex_t	 cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ce_set	*cache_head;
static size_t		 cache_bytes;

size_t
ce_cache_bytes(void)
{
	size_t	 n;

	pthread_mutex_lock(&cache_mu);
	n = cache_bytes;
	pthread_mutex_unlock(&cache_mu);
	return (n);
}

void
ce_cache_limit(size_t bytes)
{
	pthread_mutex_lock(&cache_mu);
	cache_max = bytes;
	pthread_mutex_unlock(&cache_mu);
}

static void
set_free(struct ce_set *s)
{
	strtab_release(&s->str);
	strtab_release(&s->tsstr);
	xfree(s->ts);
	xfree(s->pairs);
	xfree(s->rows);
	xfree(s);
}

static int
same_import(const struct ce_set *s, const struct billing_source *im)
{
	/* Ids alone are not enough: an emulator reset empties the tables
	 * and SQLite then hands the same ids out again. */
	return (s->import_id == im->id && s->started_at == im->started_at &&
	    strcmp(s->digest, im->digest) == 0);
}

/* Takes *pp out of the cache; a set still read is freed by its last put. */
static void
cache_unlink(struct ce_set **pp)
{
	struct ce_set	*t = *pp;

	*pp = t->next;
	cache_bytes -= t->bytes;
	if (t->refs == 0)
		set_free(t);
	else
		t->dropped = 1;
}

/* Drops least recently used sets not in use until under the budget. */
static void
cache_trim(void)
{
	struct ce_set	**pp, **victim;

	while (cache_bytes > cache_max) {
		victim = NULL;
		for (pp = &cache_head; *pp != NULL; pp = &(*pp)->next)
			if ((*pp)->refs == 0)
				victim = pp;
		if (victim == NULL)
			break;
		cache_unlink(victim);
	}
}

/*
 * INSTANCE_TYPE as Cost Explorer gives it: the instance type of instance
 * and node hours (the usage type after ':' of BoxUsage, SpotUsage,
 * DedicatedUsage, HostUsage, HeavyUsage, InstanceUsage, NodeUsage,
 * ESInstance, with or without a region prefix), else "NoInstanceType".
 */
static const char *
instance_type(const char *ut, char *buf, size_t len)
{
	static const char *const kinds[] = { "BoxUsage:", "SpotUsage:",
	    "DedicatedUsage:", "HostUsage:", "HeavyUsage:", "InstanceUsage:",
	    "NodeUsage:", "ESInstance:", "Multi-AZUsage:", NULL };
	const char	*p;
	size_t		 i;

	for (p = ut; (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'); p++)
		;
	if (*p == '-' && p > ut && p - ut <= 6)
		ut = p + 1;
	for (i = 0; kinds[i] != NULL; i++)
		if (strncmp(ut, kinds[i], strlen(kinds[i])) == 0 &&
		    ut[strlen(kinds[i])] != '\0') {
			snprintf(buf, len, "%s", ut + strlen(kinds[i]));
			return (buf);
		}
	return ("NoInstanceType");
}

/* PURCHASE_TYPE: Cost Explorer's purchase option of a line. */
static const char *
purchase_type(const char *lit, const char *term, const char *ut)
{
	if (strcmp(lit, "DiscountedUsage") == 0 || strcmp(lit, "RIFee") == 0 ||
	    strcmp(term, "Reserved") == 0)
		return ("Standard Reserved Instances");
	if (strncmp(lit, "SavingsPlan", 11) == 0)
		return ("Savings Plans");
	if (strcmp(term, "Spot") == 0 || strstr(ut, "SpotUsage") != NULL)
		return ("Spot Instances");
	return ("On Demand Instances");
}

/* What a line without the attribute shows in each attrs dimension. */
static const char *const attr_none[ATTR_NDIMS] = {
	"NoAZ", "NoLegalEntity", "NoInvoicingEntity", "NoSavingsPlansType",
	"NoPlatform", "NoTenancy", "NoDatabaseEngine"
};
static const enum ce_dim attr_dim[ATTR_NDIMS] = {
	CE_AZ, CE_LEGAL_ENTITY_NAME, CE_INVOICING_ENTITY,
	CE_SAVINGS_PLANS_TYPE, CE_PLATFORM, CE_TENANCY, CE_DATABASE_ENGINE
};

/* PLATFORM: the CUR's operating system as Cost Explorer names it. */
static const char *
platform(const char *os)
{
	static const char *const map[][2] = { { "Linux", "Linux/UNIX" },
	    { "RHEL", "Red Hat Enterprise Linux" }, { "SUSE", "SUSE Linux" },
	    { NULL, NULL } };
	size_t	 i;

	for (i = 0; map[i][0] != NULL; i++)
		if (strcmp(os, map[i][0]) == 0)
			return (map[i][1]);
	return (os);
}

int64_t
ce_attr_kid(const struct ce_set *s, enum ce_dim kind, const char *key)
{
	char	 buf[300];

	if (snprintf(buf, sizeof(buf), "%c%s", kind == CE_TAG ? ATTRS_TAG :
	    ATTRS_COST_CAT, key) >= (int)sizeof(buf))
		return (-1);
	return (strtab_find(&s->str, buf));
}

/* The row's attrs: its dims, and its tag set (added when new). */
static void
load_attrs(struct ce_set *s, struct ce_row *w, const char *attrs)
{
	const char		*dp[ATTR_NDIMS], *rs;
	size_t			 dl[ATTR_NDIMS], ne, i;
	struct attrs_entry	 ent[ATTRS_ENTRIES_MAX];
	char			 buf[ATTRS_MAX + 2];
	uint32_t		 id;

	if (attrs == NULL)
		attrs = "";
	ne = attrs_split(attrs, strlen(attrs), dp, dl, ent, ATTRS_ENTRIES_MAX);
	for (i = 0; i < ATTR_NDIMS; i++) {
		if (dl[i] == 0) {
			w->d[attr_dim[i]] = strtab_add(&s->str, attr_none[i]);
			continue;
		}
		memcpy(buf, dp[i], dl[i]);
		buf[dl[i]] = '\0';
		w->d[attr_dim[i]] = strtab_add(&s->str, i == ATTR_OS ?
		    platform(buf) : buf);
	}
	/* The commitment's ARN: a reservation by its id, a Savings Plan by
	 * its ARN. The entry stays in the tag set too (commitment.c reads
	 * a reservation's ARN there). */
	w->d[CE_RESERVATION_ID] = w->d[CE_SAVINGS_PLAN_ARN] =
	    strtab_add(&s->str, "");
	for (i = 0; i < ne && ent[i].kind == ATTRS_ARN; i++) {
		const char	*v = ent[i].val;
		size_t		 n = ent[i].vlen, k;
		int		 sp = ent[i].klen == 1 &&
				    ent[i].key[0] == ATTRS_ARN_SP[0];

		/* arn:aws:ec2:REGION:ACCOUNT:reserved-instances/ID,
		 * arn:aws:rds:REGION:ACCOUNT:ri:ID: what follows the last
		 * '/' or ':'. */
		k = sp ? 0 : n;
		while (k > 0 && v[k - 1] != '/' && v[k - 1] != ':')
			k--;
		memcpy(buf, v + k, n - k);
		buf[n - k] = '\0';
		w->d[sp ? CE_SAVINGS_PLAN_ARN : CE_RESERVATION_ID] =
		    strtab_add(&s->str, buf);
	}
	rs = strchr(attrs, ATTRS_RS);
	id = strtab_add(&s->tsstr, rs != NULL ? rs : "");
	w->tags = id;
	if (id < s->nts)
		return;
	/* A new set: its pairs. */
	s->pairs = xrealloc(s->pairs, (s->npairs + ne + 1) *
	    sizeof(*s->pairs));
	for (i = 0; i < ne; i++) {
		buf[0] = ent[i].kind;
		memcpy(buf + 1, ent[i].key, ent[i].klen);
		buf[1 + ent[i].klen] = '\0';
		s->pairs[s->npairs][0] = strtab_add(&s->str, buf);
		memcpy(buf, ent[i].val, ent[i].vlen);
		buf[ent[i].vlen] = '\0';
		s->pairs[s->npairs][1] = strtab_add(&s->str, buf);
		s->npairs++;
	}
	s->ts = xrealloc(s->ts, (s->nts + 2) * sizeof(*s->ts));
	s->ts[++s->nts] = (uint32_t)s->npairs;
}

static int
load_row(void *arg, const struct billing_rollup *r)
{
	struct ce_set	*s = arg;
	struct ce_row	*w;
	int64_t		 day;

	if (s->nrows == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->rows = xrealloc(s->rows, s->cap * sizeof(*s->rows));
	}
	if (ce_day_parse(r->day, &day) == -1)
		return (0);
	w = &s->rows[s->nrows++];
	w->day = (int32_t)day;
	w->hour = r->hour;
	w->d[CE_RESOURCE_ID] = strtab_add(&s->str, r->resource_id != NULL ?
	    r->resource_id : "");
	/* SERVICE as Cost Explorer names it; the code stays for pricing. */
	w->d[CE_SERVICE] = strtab_add(&s->str, service_ce_name(r->product_code,
	    r->usage_type, r->line_item_type));
	w->code = strtab_add(&s->str, r->product_code);
	w->d[CE_LINKED_ACCOUNT] = strtab_add(&s->str, r->account_id);
	/* As the other dimensions' "NoAZ": a line of no region (tax,
	 * support, global services) is "NoRegion" to Cost Explorer. */
	w->d[CE_REGION] = strtab_add(&s->str, *r->region != '\0' ?
	    r->region : "NoRegion");
	w->d[CE_USAGE_TYPE] = strtab_add(&s->str, r->usage_type);
	w->d[CE_RECORD_TYPE] = strtab_add(&s->str, r->line_item_type);
	/* Cost Explorer has no empty OPERATION key: a line without an
	 * operation (tax, fees, some data transfer) is "NoOperation". */
	w->d[CE_OPERATION] = strtab_add(&s->str, *r->operation != '\0' ?
	    r->operation : "NoOperation");
	/* One payer per import: a billing transfer's lines show as their
	 * source organization's bill. */
	w->d[CE_PAYER_ACCOUNT] = strtab_add(&s->str, s->payer_id);
	w->term = strtab_add(&s->str, r->pricing_term);
	{
		char	 it[128];

		w->d[CE_INSTANCE_TYPE] = strtab_add(&s->str,
		    instance_type(r->usage_type, it, sizeof(it)));
	}
	w->d[CE_PURCHASE_TYPE] = strtab_add(&s->str, purchase_type(
	    r->line_item_type, r->pricing_term, r->usage_type));
	w->d[CE_BILLING_ENTITY] = strtab_add(&s->str, strcmp(r->product_code,
	    "AWSMarketplace") == 0 ? "AWS Marketplace" : "AWS");
	load_attrs(s, w, r->attrs);
	w->in_membership = r->in_membership != 0;
	w->unblended = r->unblended;
	w->net = r->net_unblended;
	w->amortized = r->amortized;
	w->public_od = r->public_on_demand;
	w->usage = r->usage_amount;
	if (day < s->min_day)
		s->min_day = day;
	if (day > s->max_day)
		s->max_day = day;
	return (0);
}

/* What a loaded set holds, its rows trimmed to their count. */
static void
set_seal(struct ce_set *s)
{
	size_t	 i;

	if (s->nrows > 0 && s->nrows < s->cap) {
		s->rows = xrealloc(s->rows, s->nrows * sizeof(*s->rows));
		s->cap = s->nrows;
	}
	strtab_release(&s->tsstr);	/* the sets' ids are what stays */
	s->bytes = sizeof(*s) + s->cap * sizeof(*s->rows) +
	    (s->nts + 1) * sizeof(*s->ts) + s->npairs * sizeof(*s->pairs) +
	    (s->str.mask + 1) * sizeof(*s->str.slots) +
	    s->str.cap * sizeof(*s->str.s);
	for (i = 0; i < s->str.n; i++)
		s->bytes += strlen(s->str.s[i]) + 1;
}

struct ce_set *
ce_set_get(struct store *st, const struct billing_source *im, int hourly,
    struct err *e)
{
	struct ce_set	*s, **pp, *t;

	pthread_mutex_lock(&cache_mu);
	for (pp = &cache_head; *pp != NULL; pp = &(*pp)->next)
		if (same_import(*pp, im) && (*pp)->hourly == hourly)
			break;
	if ((s = *pp) != NULL) {
		s->refs++;
		*pp = s->next;
		s->next = cache_head;
		cache_head = s;
		pthread_mutex_unlock(&cache_mu);
		return (s);
	}
	pthread_mutex_unlock(&cache_mu);

	s = xcalloc(1, sizeof(*s));
	s->import_id = im->id;
	s->hourly = hourly;
	s->started_at = im->started_at;
	snprintf(s->digest, sizeof(s->digest), "%s", im->digest);
	snprintf(s->payer_id, sizeof(s->payer_id), "%s", im->payer_id);
	snprintf(s->period, sizeof(s->period), "%s", im->period);
	snprintf(s->currency, sizeof(s->currency), "%s", im->currency);
	s->min_day = INT64_MAX;
	s->max_day = INT64_MIN;
	strtab_init(&s->str);
	strtab_init(&s->tsstr);
	(void)strtab_add(&s->tsstr, "");	/* set 0: no tags */
	s->ts = xcalloc(2, sizeof(*s->ts));
	s->nts = 1;
	if (paid_rollups(st, im->id, hourly, load_row, s, e) != 0) {
		set_free(s);
		return (NULL);
	}
	set_seal(s);
	s->refs = 1;

	pthread_mutex_lock(&cache_mu);
	for (t = cache_head; t != NULL; t = t->next)
		if (same_import(t, im) && t->hourly == hourly)
			break;
	if (t != NULL) {
		/* Another thread loaded it meanwhile: use theirs. */
		t->refs++;
		pthread_mutex_unlock(&cache_mu);
		set_free(s);
		return (t);
	}
	/* The store has one current import per payer and period: a cached
	 * set of the same month is one that a new delivery replaced. */
	for (pp = &cache_head; *pp != NULL;)
		if (strcmp((*pp)->payer_id, s->payer_id) == 0 &&
		    strcmp((*pp)->period, s->period) == 0 &&
		    (*pp)->hourly == s->hourly)
			cache_unlink(pp);
		else
			pp = &(*pp)->next;
	s->next = cache_head;
	cache_head = s;
	cache_bytes += s->bytes;
	cache_trim();
	pthread_mutex_unlock(&cache_mu);
	return (s);
}

void
ce_set_put(struct ce_set *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&cache_mu);
	if (--s->refs == 0 && s->dropped)
		set_free(s);
	else
		cache_trim();	/* a set larger than the budget goes now */
	pthread_mutex_unlock(&cache_mu);
}

void
ce_cache_clear(void)
{
	struct ce_set	**pp;

	pthread_mutex_lock(&cache_mu);
	for (pp = &cache_head; *pp != NULL;)
		if ((*pp)->refs == 0)
			cache_unlink(pp);
		else
			pp = &(*pp)->next;
	pthread_mutex_unlock(&cache_mu);
}
