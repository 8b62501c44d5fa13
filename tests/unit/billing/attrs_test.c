/* SPDX-License-Identifier: MIT */
/* A row's attributes (billing/attrs.h): tags and cost categories from
 * JSON maps and legacy columns, their order, the cap; and Cost Explorer's
 * MatchOptions. */
#include <string.h>

#include "test.h"

#include "billing/attrs.h"
#include "billing/ingest_internal.h"
#include "ce/internal.h"

static void
field(struct csv_field *f, const char *s)
{
	f->p = s;
	f->len = strlen(s);
}

/* attrs with US as '|' and RS as '#', for comparing. */
static const char *
shown(const char *a, size_t n)
{
	static char	 buf[ATTRS_MAX + 8];
	size_t		 i;

	for (i = 0; i < n; i++)
		buf[i] = a[i] == ATTRS_US ? '|' : a[i] == ATTRS_RS ? '#' : a[i];
	buf[n] = '\0';
	return (buf);
}

static struct worker *
worker(struct ingest_report *rep, struct csv_field *f)
{
	static struct worker	 w;
	int			 i;

	memset(&w, 0, sizeof(w));
	memset(rep, 0, sizeof(*rep));
	w.rep = rep;
	for (i = 0; i < CSV_SLOTS_MAX; i++)
		field(&f[i], "");
	return (&w);
}

TEST(ingest_attrs_from_json_maps)
{
	struct csv_field	 f[CSV_SLOTS_MAX];
	struct ingest_report	 rep;
	struct worker		*w = worker(&rep, f);
	char			 out[ATTRS_MAX + 8];
	size_t			 n;

	/* Nothing at all: no attrs. */
	CHECK_INT((int)ingest_attrs(w, f, out), 0);
	CHECK_INT((int)ingest_attrs(w, f, out), 0);
	field(&f[S_AZ], "us-east-1a");
	field(&f[S_PRODUCT_MAP], "{\"operating_system\": \"Linux\", "
	    "\"region\": \"us-east-1\"}");
	/* Keys as Cost Explorer names them, sorted; escapes decoded; empty,
	 * null and non-string values are no tags; a key twice: the first. */
	field(&f[S_TAGS], " { \"user:Owner\" : \"al\\\"ice\", \"user_env\": "
	    "\"prod\", \"aws:createdBy\": \"x\\u00e9\", \"user:Empty\": \"\", "
	    "\"user:Null\": null, \"n\": 5, \"user:Owner\": \"bob\" }");
	field(&f[S_COST_CATS], "{\"Team\": \"Data\"}");
	n = ingest_attrs(w, f, out);
	CHECK_STR(shown(out, n), "us-east-1a||||Linux||"
	    "#cTeam|Data#tOwner|al\"ice#taws:createdBy|x\xc3\xa9#tenv|prod");
	/* A malformed map keeps what it held before the fault. */
	field(&f[S_TAGS], "{\"user:Owner\": \"alice\", \"broken");
	field(&f[S_COST_CATS], "NULL");
	field(&f[S_PRODUCT_MAP], "");
	n = ingest_attrs(w, f, out);
	CHECK_STR(shown(out, n), "us-east-1a||||||#tOwner|alice");
	/* Split back. */
	{
		const char		*dp[ATTR_NDIMS];
		size_t			 dl[ATTR_NDIMS];
		struct attrs_entry	 ent[4];

		CHECK_INT((int)attrs_split(out, n, dp, dl, ent, 4), 1);
		CHECK_INT((int)dl[ATTR_AZ], 10);
		CHECK_INT((int)dl[ATTR_DB_ENGINE], 0);
		CHECK(ent[0].kind == ATTRS_TAG && ent[0].klen == 5 &&
		    memcmp(ent[0].val, "alice", 5) == 0 && ent[0].vlen == 5);
	}
	CHECK_INT((int)rep.tags_dropped, 0);
}

TEST(ingest_attrs_legacy_columns_and_the_cap)
{
	struct csv_field	 f[CSV_SLOTS_MAX];
	struct ingest_report	 rep;
	struct worker		*w = worker(&rep, f);
	char			 out[ATTRS_MAX + 8], big[300], json[20000];
	size_t			 n, o;
	int			 i;

	/* The column order does not matter: the same key either way. */
	w->ntagcols = 3;
	w->tagkind[0] = ATTRS_TAG;
	w->tagkey[0] = "user:Owner";
	w->tagkind[1] = ATTRS_COST_CAT;
	w->tagkey[1] = "Team";
	w->tagkind[2] = ATTRS_TAG;
	w->tagkey[2] = "aws:createdBy";
	field(&f[S_NSLOTS], "alice");
	field(&f[S_NSLOTS + 1], "Web");
	field(&f[S_NSLOTS + 2], "");
	n = ingest_attrs(w, f, out);
	CHECK_STR(shown(out, n), "||||||#cTeam|Web#tOwner|alice");
	/* 40 tags of 250 bytes: those past ATTRS_MAX are left out and
	 * counted, what is kept is whole entries. */
	w->ntagcols = 0;
	memset(big, 'v', 250);
	big[250] = '\0';
	o = (size_t)snprintf(json, sizeof(json), "{");
	for (i = 0; i < 40; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o,
		    "%s\"user:k%02d\": \"%s\"", i ? ", " : "", i, big);
	snprintf(json + o, sizeof(json) - o, "}");
	field(&f[S_TAGS], json);
	n = ingest_attrs(w, f, out);
	CHECK(n <= ATTRS_MAX);
	CHECK(rep.tags_dropped > 0);
	{
		const char		*dp[ATTR_NDIMS];
		size_t			 dl[ATTR_NDIMS];
		struct attrs_entry	 ent[ATTRS_ENTRIES_MAX];
		size_t			 k = attrs_split(out, n, dp, dl, ent,
					    ATTRS_ENTRIES_MAX);

		CHECK_INT((int)(k + rep.tags_dropped), 40);
		CHECK(ent[k - 1].vlen == 250);
	}
}

/* The memo (ingest_internal.h): a row like an earlier one gets the same
 * attrs and counts its dropped tags again; the same buffer with other
 * bytes is another row. */
TEST(ingest_attrs_memo)
{
	struct csv_field	 f[CSV_SLOTS_MAX];
	struct ingest_report	 rep;
	struct worker		*w = worker(&rep, f);
	char			 out[ATTRS_MAX + 8], first[ATTRS_MAX + 8];
	char			 tags[] = "{\"user:Owner\": \"alice\"}";
	char			 json[20000];
	size_t			 n, o;
	uint64_t		 dropped;
	int			 i;

	field(&f[S_AZ], "eu-west-1b");
	field(&f[S_TAGS], tags);
	n = ingest_attrs(w, f, first);
	CHECK_STR(shown(first, n), "eu-west-1b||||||#tOwner|alice");
	memcpy(tags + 16, "carol", 5);	/* same pointer, other value */
	n = ingest_attrs(w, f, out);
	CHECK_STR(shown(out, n), "eu-west-1b||||||#tOwner|carol");
	memcpy(tags + 16, "alice", 5);
	CHECK_INT((int)ingest_attrs(w, f, out), (int)strlen(
	    "eu-west-1b||||||#tOwner|alice"));
	CHECK(memcmp(out, first, n) == 0);

	o = (size_t)snprintf(json, sizeof(json), "{");
	for (i = 0; i < 12; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o,
		    "%s\"user:k%02d\": \"%0250d\"", i ? ", " : "", i, i);
	snprintf(json + o, sizeof(json) - o, "}");
	field(&f[S_TAGS], json);
	n = ingest_attrs(w, f, first);
	dropped = rep.tags_dropped;
	CHECK(dropped > 0);
	CHECK_INT((int)ingest_attrs(w, f, out), (int)n);
	CHECK(memcmp(out, first, n) == 0);
	CHECK_INT((int)rep.tags_dropped, (int)(2 * dropped));
}

TEST(ce_match_options)
{
	CHECK(ce_match("prod-eu", "prod-eu", 0));
	CHECK(!ce_match("Prod", "prod", 0));
	CHECK(ce_match("Prod", "prod", CE_MATCH_CASE_INSENSITIVE));
	CHECK(ce_match("prod-eu", "prod", CE_MATCH_STARTS_WITH));
	CHECK(!ce_match("pro", "prod", CE_MATCH_STARTS_WITH));
	CHECK(ce_match("prod-eu", "-EU", CE_MATCH_ENDS_WITH |
	    CE_MATCH_CASE_INSENSITIVE));
	CHECK(!ce_match("prod-eu", "-EU", CE_MATCH_ENDS_WITH));
	CHECK(ce_match("staging", "agi", CE_MATCH_CONTAINS));
	CHECK(!ce_match("staging", "AGI", CE_MATCH_CONTAINS));
	CHECK(ce_match("staging", "", CE_MATCH_CONTAINS));
}
