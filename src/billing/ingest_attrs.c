/* SPDX-License-Identifier: MIT */
/*
 * A row's attributes (billing/attrs.h): the dimensions Cost Explorer has
 * beyond the rollup's columns, the resource tags and the cost categories,
 * from legacy CUR's resourceTags/ and costCategory/ columns, CUR 2.0's
 * resource_tags and cost_category maps, FOCUS's Tags.
 */
#include <string.h>

#include "billing/attrs.h"
#include "billing/ingest_internal.h"

struct ent {
	char		 kind;
	const char	*k, *v;
	size_t		 kl, vl;
};

struct acc {
	struct ent	 e[ATTRS_ENTRIES_MAX];
	size_t		 n;
	char		*buf;		/* decoded JSON strings */
	size_t		 used, cap;
};

static inline int
empty(const char *p, size_t n)
{
	return (n == 0 || (n == 4 && memcmp(p, "NULL", 4) == 0));
}

/* A tag's key as Cost Explorer names it: user tags without "user:" (or
 * CUR 2.0's "user_"), AWS-generated ones as they are. */
static void
tag_key(const char **k, size_t *n)
{
	if (*n > 5 && (memcmp(*k, "user:", 5) == 0 ||
	    memcmp(*k, "user_", 5) == 0)) {
		*k += 5;
		*n -= 5;
	}
}

static void
add(struct acc *a, char kind, const char *k, size_t kl, const char *v,
    size_t vl)
{
	if (kind == ATTRS_TAG)
		tag_key(&k, &kl);
	if (kl == 0 || empty(v, vl) || a->n == ATTRS_ENTRIES_MAX)
		return;
	a->e[a->n].kind = kind;
	a->e[a->n].k = k;
	a->e[a->n].kl = kl;
	a->e[a->n].v = v;
	a->e[a->n].vl = vl;
	a->n++;
}

static const char *
ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return (p);
}

static void
put_utf8(char *d, size_t *j, unsigned c)
{
	if (c < 0x80)
		d[(*j)++] = (char)c;
	else if (c < 0x800) {
		d[(*j)++] = (char)(0xc0 | c >> 6);
		d[(*j)++] = (char)(0x80 | (c & 0x3f));
	} else {
		d[(*j)++] = (char)(0xe0 | c >> 12);
		d[(*j)++] = (char)(0x80 | (c >> 6 & 0x3f));
		d[(*j)++] = (char)(0x80 | (c & 0x3f));
	}
}

/* A JSON string at *pp (after its quote): its bytes, in place when it has
 * no escapes, else decoded into a's buffer. -1 if malformed or no room. */
static int
jstr(struct acc *a, const char **pp, const char *end, const char **s,
    size_t *n)
{
	const char	*p = *pp, *q;
	size_t		 j;
	unsigned	 c;
	int		 i;

	for (q = p; q < end && *q != '"' && *q != '\\'; q++)
		;
	if (q < end && *q == '"') {
		*s = p;
		*n = (size_t)(q - p);
		*pp = q + 1;
		return (0);
	}
	j = a->used;
	for (q = p; q < end && *q != '"'; q++) {
		if (j + 4 > a->cap)
			return (-1);
		if (*q != '\\') {
			a->buf[j++] = *q;
			continue;
		}
		if (++q >= end)
			return (-1);
		switch (*q) {
		case 'n': case 'r': case 't': case 'b': case 'f':
			a->buf[j++] = ' ';
			break;
		case 'u':
			if (end - q < 5)
				return (-1);
			for (c = 0, i = 1; i <= 4; i++) {
				char h = q[i];
				c = c * 16 + (unsigned)(h >= '0' && h <= '9' ?
				    h - '0' : (h | 0x20) >= 'a' &&
				    (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10 :
				    0);
			}
			put_utf8(a->buf, &j, c);
			q += 4;
			break;
		default:
			a->buf[j++] = *q;
		}
	}
	if (q >= end)
		return (-1);
	*s = a->buf + a->used;
	*n = j - a->used;
	a->used = j;
	*pp = q + 1;
	return (0);
}

/*
 * A flat JSON object of strings ({"user:Owner": "alice"}) into entries of
 * kind (a null or non-string value is no entry). A malformed object adds
 * what it held before the fault: a tag column is no reason to lose a
 * line's cost.
 */
static void
jmap(struct acc *a, char kind, const char *p, size_t len)
{
	const char	*end = p + len, *k, *v;
	size_t		 kl, vl;

	if (empty(p, len))
		return;
	p = ws(p, end);
	if (p >= end || *p++ != '{')
		return;
	for (;;) {
		p = ws(p, end);
		if (p >= end || *p != '"')
			return;
		p++;
		if (jstr(a, &p, end, &k, &kl) == -1)
			return;
		p = ws(p, end);
		if (p >= end || *p++ != ':')
			return;
		p = ws(p, end);
		if (p < end && *p == '"') {
			p++;
			if (jstr(a, &p, end, &v, &vl) == -1)
				return;
			add(a, kind, k, kl, v, vl);
		} else
			while (p < end && *p != ',' && *p != '}')
				p++;
		p = ws(p, end);
		if (p >= end || *p != ',')
			return;
		p++;
	}
}

/* The value of one of keys in the JSON map at p, or none (*n 0). */
static void
jget(struct acc *a, const char *p, size_t len, const char *const *keys,
    const char **s, size_t *n)
{
	struct acc	 t;
	size_t		 i, k;

	*n = 0;
	memset(&t, 0, sizeof(t));
	t.buf = a->buf + a->used;
	t.cap = a->cap - a->used;
	jmap(&t, ATTRS_COST_CAT, p, len);
	for (i = 0; i < t.n; i++)
		for (k = 0; keys[k] != NULL; k++)
			if (strlen(keys[k]) == t.e[i].kl &&
			    memcmp(keys[k], t.e[i].k, t.e[i].kl) == 0) {
				*s = t.e[i].v;
				*n = t.e[i].vl;
				a->used += t.used;
				return;
			}
}

static int
ent_cmp(const struct ent *x, const struct ent *y)
{
	int	 c;

	if (x->kind != y->kind)
		return (x->kind < y->kind ? -1 : 1);
	if ((c = memcmp(x->k, y->k, x->kl < y->kl ? x->kl : y->kl)) != 0)
		return (c);
	return (x->kl < y->kl ? -1 : x->kl > y->kl);
}

/* Appends p[0..n) to out at *o, control bytes as spaces; -1 if no room. */
static int
put(char *out, size_t *o, const char *p, size_t n)
{
	size_t	 i;

	if (*o + n > ATTRS_MAX)
		return (-1);
	for (i = 0; i < n; i++)
		out[*o + i] = (unsigned char)p[i] < 0x20 ? ' ' : p[i];
	*o += n;
	return (0);
}

int
ingest_attrs_setup(struct worker *w, int col, const char *name)
{
	char	 kind;
	size_t	 pl;

	if (strncmp(name, CUR_TAG_PREFIX, strlen(CUR_TAG_PREFIX)) == 0) {
		kind = ATTRS_TAG;
		pl = strlen(CUR_TAG_PREFIX);
	} else if (strncmp(name, CUR_COST_CAT_PREFIX,
	    strlen(CUR_COST_CAT_PREFIX)) == 0) {
		kind = ATTRS_COST_CAT;
		pl = strlen(CUR_COST_CAT_PREFIX);
	} else
		return (0);
	if (w->ntagcols == CUR_TAG_COLUMNS_MAX || name[pl] == '\0')
		return (0);
	w->tagkind[w->ntagcols] = kind;
	w->tagkey[w->ntagcols] = name + pl;
	csv_want(&w->c, col, S_NSLOTS + w->ntagcols);
	w->col_of[S_NSLOTS + w->ntagcols] = col;
	w->ntagcols++;
	return (1);
}

static const int dslot[ATTR_NDIMS] = { S_AZ, S_LEGAL_ENTITY,
    S_INVOICING_ENTITY, S_SP_TYPE, S_OS, S_TENANCY, S_DB_ENGINE };

/* The attrs of a row, parsed. */
static size_t
compute(struct worker *w, const struct csv_field *f, char *out)
{
	static const char *const pkeys[ATTR_NDIMS][3] = {
		[ATTR_OS] = { "operating_system", "operatingSystem", NULL },
		[ATTR_TENANCY] = { "tenancy", NULL },
		[ATTR_DB_ENGINE] = { "database_engine", "databaseEngine", NULL },
	};
	struct acc	 a;
	const char	*dp[ATTR_NDIMS];
	size_t		 dl[ATTR_NDIMS], o = 0, i, j, last;
	int		 any = 0;

	a.n = 0;
	a.buf = w->jbuf;
	a.used = 0;
	a.cap = sizeof(w->jbuf);
	for (i = 0; i < ATTR_NDIMS; i++) {
		const struct csv_field *x = &f[dslot[i]];

		dp[i] = x->p;
		dl[i] = empty(x->p, x->len) ? 0 : x->len;
		if (dl[i] == 0 && pkeys[i][0] != NULL &&
		    !empty(f[S_PRODUCT_MAP].p, f[S_PRODUCT_MAP].len))
			jget(&a, f[S_PRODUCT_MAP].p, f[S_PRODUCT_MAP].len,
			    pkeys[i], &dp[i], &dl[i]);
		any |= dl[i] > 0;
	}
	for (i = 0; i < (size_t)w->ntagcols; i++)
		add(&a, w->tagkind[i], w->tagkey[i], strlen(w->tagkey[i]),
		    f[S_NSLOTS + i].p, f[S_NSLOTS + i].len);
	jmap(&a, ATTRS_TAG, f[S_TAGS].p, f[S_TAGS].len);
	jmap(&a, ATTRS_COST_CAT, f[S_COST_CATS].p, f[S_COST_CATS].len);
	if (!any && a.n == 0)
		return (0);
	/* Sorted, so that the same tags make the same key in any column
	 * or map order. */
	for (i = 1; i < a.n; i++) {
		struct ent t = a.e[i];

		for (j = i; j > 0 && ent_cmp(&a.e[j - 1], &t) > 0; j--)
			a.e[j] = a.e[j - 1];
		a.e[j] = t;
	}
	for (i = 0; i < ATTR_NDIMS; i++) {
		if (i > 0)
			out[o++] = ATTRS_US;
		if (put(out, &o, dp[i], dl[i] > 255 ? 255 : dl[i]) == -1)
			return (o);
	}
	for (i = 0, last = (size_t)-1; i < a.n; i++) {
		size_t	 at = o;

		if (last != (size_t)-1 && ent_cmp(&a.e[last], &a.e[i]) == 0)
			continue;	/* a key twice: the first one */
		last = i;
		if (o + 3 > ATTRS_MAX)
			break;
		out[o++] = ATTRS_RS;
		out[o++] = a.e[i].kind;
		if (put(out, &o, a.e[i].k, a.e[i].kl) == -1 ||
		    (out[o++] = ATTRS_US, put(out, &o, a.e[i].v,
		    a.e[i].vl)) == -1 || o > ATTRS_MAX) {
			o = at;		/* no room: left out */
			w->rep->tags_dropped++;
			continue;
		}
	}
	return (o);
}

/* Appends field f, length first, to the inputs at *n; -1 if no room. */
static inline int
memo_put(char *in, size_t *n, const struct csv_field *f)
{
	if (*n + 2 + f->len > ATTRS_MEMO_BYTES)
		return (-1);
	in[*n] = (char)(f->len & 0xff);
	in[*n + 1] = (char)(f->len >> 8);
	if (f->len > 0)		/* most are empty: no call */
		memcpy(in + *n + 2, f->p, f->len);
	*n += 2 + f->len;
	return (0);
}

/* The slots of compute()'s inputs that the file has. */
static void
memo_inputs(struct worker *w)
{
	static const int maps[] = { S_PRODUCT_MAP, S_TAGS, S_COST_CATS };
	struct attrs_memo	*m = &w->memo;
	size_t			 i;

	for (i = 0; i < ATTR_NDIMS; i++)
		if (w->col_of[dslot[i]] >= 0)
			m->in_slot[m->nin++] = dslot[i];
	for (i = 0; i < (size_t)w->ntagcols; i++)
		m->in_slot[m->nin++] = S_NSLOTS + (int)i;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (w->col_of[maps[i]] >= 0)
			m->in_slot[m->nin++] = maps[i];
	if (m->nin == 0)
		m->in_slot[m->nin++] = S_TAGS;	/* empty: one key */
}

/*
 * The row's attrs from the memo when a row with the same inputs made
 * them, else computed and kept. The inputs: every field compute() reads.
 * Rows whose inputs and attrs are too long for a slot are computed each
 * time.
 */
size_t
ingest_attrs(struct worker *w, const struct csv_field *f, char *out)
{
	struct attrs_memo	*m = &w->memo;
	uint64_t		 h;
	size_t			 n = 0, o, i, j;
	uint64_t		 dropped;

	if (m->nin == 0)
		memo_inputs(w);
	for (i = 0; i < (size_t)m->nin; i++)
		if (memo_put(m->in, &n, &f[m->in_slot[i]]) == -1)
			return (compute(w, f, out));
	h = XXH3_64bits(m->in, n);
	/* Two ways: the pair's slot not hit last is the one replaced. */
	i = h % (ATTRS_MEMO_SLOTS / 2) * 2;
	for (j = i; j < i + 2; j++)
		if (m->slot[j].hash == h && m->slot[j].inlen == n &&
		    memcmp(m->slot[j].buf, m->in, n) == 0) {
			o = m->slot[j].outlen;
			memcpy(out, m->slot[j].buf + n, o);
			w->rep->tags_dropped += m->slot[j].dropped;
			m->victim[i / 2] = (unsigned char)(j == i);
			return (o);
		}
	dropped = w->rep->tags_dropped;
	o = compute(w, f, out);
	dropped = w->rep->tags_dropped - dropped;
	j = i + m->victim[i / 2];
	if (n + o <= ATTRS_MEMO_BYTES && dropped <= UINT16_MAX) {
		m->slot[j].hash = h;
		m->slot[j].inlen = (uint16_t)n;
		m->slot[j].outlen = (uint16_t)o;
		m->slot[j].dropped = (uint16_t)dropped;
		memcpy(m->slot[j].buf, m->in, n);
		memcpy(m->slot[j].buf + n, out, o);
		m->victim[i / 2] = (unsigned char)(j == i);
	}
	return (o);
}
