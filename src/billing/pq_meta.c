/* SPDX-License-Identifier: MIT */
/*
 * The Parquet footer (FileMetaData): the schema as a tree of elements,
 * its leaf columns with their definition and repetition levels, and each
 * row group's column chunks. Every count is checked against the bytes
 * left and a cap before anything is allocated for it.
 */
#include <stdio.h>
#include <string.h>

#include "billing/pq.h"
#include "core/xmalloc.h"

#define NAME_MAX_LEN	1024

struct mp {
	struct tc	 t;
	struct pq_meta	*m;
	struct pq_chunk	*chunks;	/* all row groups', in order */
	size_t		 nchunks, capchunks;
	size_t		*rg_chunk0;	/* each row group's first chunk */
	size_t		*rg_nchunks;
	int		 encrypted;
};

static int
time_unit(struct tc *t, int type, int *unit)
{
	int16_t		 last = 0, id;
	int		 ft, rc;

	if (tc_enter(t, type) == -1)
		return (-1);
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		if (id >= 1 && id <= 3)
			*unit = id - 1;
		if (tc_skip(t, ft) == -1)
			return (-1);
	}
	tc_leave(t);
	return (rc);
}

/* The members of DecimalType, TimeType, TimestampType and IntType. */
static int
logical_sub(struct tc *t, int type, int kind, struct pq_el *el)
{
	int16_t		 last = 0, id;
	int		 ft, rc, b;
	int32_t		 x;

	if (tc_enter(t, type) == -1)
		return (-1);
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		if (kind == 5 && (id == 1 || id == 2)) {
			rc = tc_i32(t, ft, &x);
			*(id == 1 ? &el->scale : &el->precision) = x;
		} else if ((kind == 7 || kind == 8) && id == 1) {
			rc = tc_bool(t, ft, &el->utc);
		} else if ((kind == 7 || kind == 8) && id == 2)
			rc = time_unit(t, ft, &el->unit);
		else if (kind == 10 && id == 2) {
			rc = tc_bool(t, ft, &b);
			el->is_signed = b;
		} else
			rc = tc_skip(t, ft);
		if (rc == -1)
			return (-1);
	}
	tc_leave(t);
	return (rc);
}

/* LogicalType, a union: the field set says which. */
static int
logical(struct tc *t, int type, struct pq_el *el)
{
	int16_t		 last = 0, id;
	int		 ft, rc;

	if (tc_enter(t, type) == -1)
		return (-1);
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		switch (id) {
		case 1: case 4: case 12: el->logical = PQ_L_STRING; break;
		case 2: el->group_kind = 1; break;
		case 3: el->group_kind = 2; break;
		case 5: el->logical = PQ_L_DECIMAL; break;
		case 6: el->logical = PQ_L_DATE; break;
		case 7: el->logical = PQ_L_TIME; break;
		case 8: el->logical = PQ_L_TIMESTAMP; break;
		case 10: el->logical = PQ_L_INTEGER; break;
		default: el->logical = PQ_L_OTHER; break;
		}
		if (id == 5 || id == 7 || id == 8 || id == 10)
			rc = logical_sub(t, ft, id, el);
		else
			rc = tc_skip(t, ft);
		if (rc == -1)
			return (-1);
	}
	tc_leave(t);
	return (rc);
}

/* What a converted_type says, for elements without a logicalType. */
static void
converted(struct pq_el *el)
{
	int	 c = el->converted;

	if (c == 0 || c == 4 || c == 19)
		el->logical = PQ_L_STRING;
	else if (c == 1 || c == 2)
		el->group_kind = 1;
	else if (c == 3)
		el->group_kind = 2;
	else if (c == 5)
		el->logical = PQ_L_DECIMAL;
	else if (c == 6)
		el->logical = PQ_L_DATE;
	else if (c == 7 || c == 8) {
		el->logical = PQ_L_TIME;
		el->unit = c - 7;
	} else if (c == 9 || c == 10) {
		el->logical = PQ_L_TIMESTAMP;
		el->unit = c - 9;
		el->utc = 1;
	} else if (c >= 11 && c <= 18) {
		el->logical = PQ_L_INTEGER;
		el->is_signed = c >= 15;
	} else if (c >= 0)
		el->logical = PQ_L_OTHER;
}

static int
schema_el(struct mp *mp, int type, struct pq_el *el)
{
	struct tc	*t = &mp->t;
	const uint8_t	*s;
	uint32_t	 len;
	int16_t		 last = 0, id;
	int		 ft, rc, have_logical = 0;

	el->type = -1;
	el->converted = -1;
	if (tc_enter(t, type) == -1)
		return (-1);
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		switch (id) {
		case 1: rc = tc_i32(t, ft, &el->type); break;
		case 2: rc = tc_i32(t, ft, &el->type_length); break;
		case 3: rc = tc_i32(t, ft, &el->repetition); break;
		case 4:
			if ((rc = tc_binary(t, ft, &s, &len)) == 0 &&
			    len > NAME_MAX_LEN)
				rc = tc_fail(t, "a column name of %u bytes",
				    len);
			if (rc == 0)
				el->name = arena_strndup(&mp->m->ar,
				    (const char *)s, len);
			break;
		case 5: rc = tc_i32(t, ft, &el->nchildren); break;
		case 6: rc = tc_i32(t, ft, &el->converted); break;
		case 7: rc = tc_i32(t, ft, &el->scale); break;
		case 8: rc = tc_i32(t, ft, &el->precision); break;
		case 10:
			have_logical = 1;
			rc = logical(t, ft, el);
			break;
		default: rc = tc_skip(t, ft); break;
		}
		if (rc == -1)
			return (-1);
	}
	tc_leave(t);
	if (rc == -1)
		return (-1);
	if (!have_logical)
		converted(el);
	if (el->name == NULL)
		return (tc_fail(t, "a schema element without a name"));
	if (el->type < -1 || el->type > PQ_FIXED || el->nchildren < 0 ||
	    el->repetition < 0 || el->repetition > PQ_REPEATED)
		return (tc_fail(t, "schema element %s is malformed", el->name));
	return (0);
}

static int
schema(struct mp *mp, int type)
{
	struct pq_meta	*m = mp->m;
	uint32_t	 n, i;
	int		 elem;

	if (tc_list(&mp->t, type, &elem, &n) == -1)
		return (-1);
	if (m->el != NULL || elem != TC_STRUCT || n == 0 ||
	    n > PQ_SCHEMA_MAX)
		return (tc_fail(&mp->t, "a schema of %u elements", n));
	m->el = xcalloc(n, sizeof(*m->el));
	m->nel = (int)n;
	for (i = 0; i < n; i++)
		if (schema_el(mp, elem, &m->el[i]) == -1)
			return (-1);
	return (0);
}

static int
column_meta(struct mp *mp, int type, struct pq_chunk *c)
{
	struct tc	*t = &mp->t;
	int16_t		 last = 0, id;
	int		 ft, rc;
	int64_t		 data = -1, dict = -1;

	if (tc_enter(t, type) == -1)
		return (-1);
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		switch (id) {
		case 1: rc = tc_i32(t, ft, &c->type); break;
		case 4: rc = tc_i32(t, ft, &c->codec); break;
		case 5: rc = tc_i64(t, ft, &c->num_values); break;
		case 6: rc = tc_i64(t, ft, &c->plain_len); break;
		case 7: rc = tc_i64(t, ft, &c->len); break;
		case 9: rc = tc_i64(t, ft, &data); break;
		case 11: rc = tc_i64(t, ft, &dict); break;
		default: rc = tc_skip(t, ft); break;
		}
		if (rc == -1)
			return (-1);
	}
	tc_leave(t);
	if (rc == -1)
		return (-1);
	if (data < 0 || c->len < 0 || c->plain_len < 0 || c->num_values < 0)
		return (tc_fail(t, "a column chunk without its offset, sizes "
		    "or value count"));
	/* Writers that set no dictionary offset write 0 or leave it out;
	 * a dictionary page found first is read all the same. */
	c->start = dict > 0 && dict < data ? dict : data;
	return (0);
}

static int
column_chunk(struct mp *mp, int type, struct pq_chunk *c)
{
	struct tc	*t = &mp->t;
	int16_t		 last = 0, id;
	int		 ft, rc, have = 0;

	c->type = -1;
	c->codec = -1;
	if (tc_enter(t, type) == -1)
		return (-1);
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		if (id == 1)
			c->external = 1;
		else if (id == 8 || id == 9)
			c->encrypted = 1;
		if (id == 3) {
			rc = column_meta(mp, ft, c);
			have = 1;
		} else
			rc = tc_skip(t, ft);
		if (rc == -1)
			return (-1);
	}
	tc_leave(t);
	if (rc == 0 && !have && !c->encrypted)
		return (tc_fail(t, "a column chunk without metadata"));
	return (rc);
}

static int
row_group(struct mp *mp, int type, size_t k)
{
	struct tc	*t = &mp->t;
	struct pq_rowgroup *g = &mp->m->rg[k];
	int16_t		 last = 0, id;
	int		 ft, rc, elem;
	uint32_t	 n, i;

	g->num_rows = -1;
	mp->rg_chunk0[k] = mp->nchunks;
	if (tc_enter(t, type) == -1)
		return (-1);
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		if (id == 1) {
			if (tc_list(t, ft, &elem, &n) == -1)
				return (-1);
			if (mp->rg_nchunks[k] != 0 ||
			    mp->nchunks + n > PQ_CHUNKS_MAX)
				return (tc_fail(t, "more than %u column "
				    "chunks", PQ_CHUNKS_MAX));
			if (mp->nchunks + n > mp->capchunks) {
				mp->capchunks = (mp->nchunks + n) * 2;
				mp->chunks = xrealloc(mp->chunks,
				    mp->capchunks * sizeof(*mp->chunks));
			}
			if (n > 0)
				memset(mp->chunks + mp->nchunks, 0,
				    n * sizeof(*mp->chunks));
			for (i = 0; i < n; i++)
				if (column_chunk(mp, elem,
				    &mp->chunks[mp->nchunks + i]) == -1)
					return (-1);
			mp->nchunks += n;
			mp->rg_nchunks[k] = n;
		} else if (id == 3)
			rc = tc_i64(t, ft, &g->num_rows);
		else
			rc = tc_skip(t, ft);
		if (rc == -1)
			return (-1);
	}
	tc_leave(t);
	if (rc == 0 && g->num_rows < 0)
		return (tc_fail(t, "row group %zu has no row count", k));
	return (rc);
}

static int
row_groups(struct mp *mp, int type)
{
	uint32_t	 n, i;
	int		 elem;

	if (tc_list(&mp->t, type, &elem, &n) == -1)
		return (-1);
	if (mp->m->rg != NULL || (n > 0 && elem != TC_STRUCT) ||
	    n > PQ_CHUNKS_MAX)
		return (tc_fail(&mp->t, "a list of %u row groups", n));
	mp->m->rg = xcalloc(n + 1, sizeof(*mp->m->rg));
	mp->rg_chunk0 = xcalloc(n + 1, sizeof(*mp->rg_chunk0));
	mp->rg_nchunks = xcalloc(n + 1, sizeof(*mp->rg_nchunks));
	mp->m->nrg = (int)n;
	for (i = 0; i < n; i++)
		if (row_group(mp, elem, i) == -1)
			return (-1);
	return (0);
}

static int
file_meta(struct mp *mp)
{
	struct tc	*t = &mp->t;
	const uint8_t	*s;
	uint32_t	 len;
	int16_t		 last = 0, id;
	int		 ft, rc;

	mp->m->num_rows = -1;
	while ((rc = tc_field(t, &last, &ft, &id)) == 1) {
		switch (id) {
		case 2: rc = schema(mp, ft); break;
		case 3: rc = tc_i64(t, ft, &mp->m->num_rows); break;
		case 4: rc = row_groups(mp, ft); break;
		case 6:
			if ((rc = tc_binary(t, ft, &s, &len)) == 0)
				snprintf(mp->m->created_by,
				    sizeof(mp->m->created_by), "%.*s",
				    (int)len, (const char *)s);
			break;
		case 8:
			mp->encrypted = 1;
			rc = tc_skip(t, ft);
			break;
		default: rc = tc_skip(t, ft); break;
		}
		if (rc == -1)
			return (-1);
	}
	if (rc == 0 && (mp->m->el == NULL || mp->m->rg == NULL ||
	    mp->m->num_rows < 0))
		return (tc_fail(t, "no schema, row groups or row count"));
	return (rc);
}

/* Numbers the leaves under element *i; path is its parent's. */
static int
walk(struct mp *mp, int *i, int depth, int def, int rep, int top,
    const char *path)
{
	struct pq_meta	*m = mp->m;
	struct pq_el	*el;
	struct pq_leaf	*lf;
	int		 k = (*i)++, c;
	char		*p;

	if (k >= m->nel)
		return (tc_fail(&mp->t, "the schema's groups have more "
		    "children than it has elements"));
	el = &m->el[k];
	if (el->repetition == PQ_OPTIONAL)
		def++;
	else if (el->repetition == PQ_REPEATED) {
		def++;
		rep++;
	}
	p = path == NULL ? el->name : arena_printf(&m->ar, "%s.%s", path,
	    el->name);
	if (el->nchildren > 0) {
		if (depth >= PQ_DEPTH_MAX)
			return (tc_fail(&mp->t, "the schema nests deeper "
			    "than %d", PQ_DEPTH_MAX));
		for (c = 0; c < el->nchildren; c++)
			if (walk(mp, i, depth + 1, def, rep, top, p) == -1)
				return (-1);
		return (0);
	}
	if (el->type < 0)
		return (tc_fail(&mp->t, "column %s has no type", p));
	if (el->type == PQ_FIXED && el->type_length <= 0)
		return (tc_fail(&mp->t, "column %s: FIXED_LEN_BYTE_ARRAY of "
		    "length %d", p, el->type_length));
	lf = &m->leaf[m->nleaf++];
	lf->el = k;
	lf->top = top;
	lf->max_def = def;
	lf->max_rep = rep;
	lf->path = p;
	return (0);
}

static int
tree(struct mp *mp)
{
	struct pq_meta	*m = mp->m;
	int		 i = 1, j;

	if (m->el[0].nchildren <= 0 || m->el[0].nchildren >= m->nel)
		return (tc_fail(&mp->t, "a schema root with %d children",
		    m->el[0].nchildren));
	m->ntop = m->el[0].nchildren;
	m->top = arena_zalloc(&m->ar, m->ntop * sizeof(*m->top));
	m->top_leaf = arena_zalloc(&m->ar, m->ntop * sizeof(*m->top_leaf));
	m->top_name = arena_zalloc(&m->ar, (m->ntop + 1) *
	    sizeof(*m->top_name));
	m->leaf = xcalloc(m->nel, sizeof(*m->leaf));
	for (j = 0; j < m->ntop; j++) {
		m->top[j] = i;
		m->top_leaf[j] = m->nleaf;
		m->top_name[j] = m->el[i].name;
		if (walk(mp, &i, 1, 0, 0, j, NULL) == -1)
			return (-1);
	}
	if (i != m->nel)
		return (tc_fail(&mp->t, "the schema has %d elements its "
		    "groups do not hold", m->nel - i));
	return (0);
}

/* Each row group has a chunk per leaf, of the leaf's type, inside the
 * file; the row counts add up. */
static int
check(struct mp *mp, uint64_t data_end)
{
	struct pq_meta	*m = mp->m;
	struct pq_chunk	*c;
	int64_t		 rows = 0;
	int		 g, j;

	for (g = 0; g < m->nrg; g++) {
		if (mp->rg_nchunks[g] != (size_t)m->nleaf)
			return (tc_fail(&mp->t, "row group %d has %zu "
			    "columns, the schema %d", g, mp->rg_nchunks[g],
			    m->nleaf));
		m->rg[g].chunks = mp->chunks + mp->rg_chunk0[g];
		m->rg[g].first_row = rows;
		if (__builtin_add_overflow(rows, m->rg[g].num_rows, &rows))
			return (tc_fail(&mp->t, "row counts overflow"));
		for (j = 0; j < m->nleaf; j++) {
			c = &m->rg[g].chunks[j];
			if (c->encrypted)
				continue;
			if (c->type != m->el[m->leaf[j].el].type)
				return (tc_fail(&mp->t, "column %s is %s in "
				    "row group %d, %s in the schema",
				    m->leaf[j].path, pq_type_name(c->type), g,
				    pq_type_name(m->el[m->leaf[j].el].type)));
			if (c->start < 4 || (uint64_t)c->start > data_end ||
			    (uint64_t)c->len > data_end - (uint64_t)c->start)
				return (tc_fail(&mp->t, "column %s of row group "
				    "%d lies outside the file (bytes %lld to "
				    "%lld of %llu)", m->leaf[j].path, g,
				    (long long)c->start, (long long)(c->start +
				    c->len), (unsigned long long)data_end));
			m->plain_bytes += (uint64_t)c->plain_len;
		}
	}
	if (rows != m->num_rows)
		return (tc_fail(&mp->t, "the row groups hold %lld rows, the "
		    "footer says %lld", (long long)rows,
		    (long long)m->num_rows));
	return (0);
}

int
pq_meta_parse(struct pq_meta *m, const uint8_t *p, size_t n,
    uint64_t data_end, char *msg, size_t msglen)
{
	struct mp	 mp;
	int		 rc = -1;

	memset(m, 0, sizeof(*m));
	arena_init(&m->ar);
	memset(&mp, 0, sizeof(mp));
	mp.m = m;
	tc_init(&mp.t, p, n);
	rc = file_meta(&mp);
	m->chunks = mp.chunks;		/* m owns them from here */
	if (rc == 0 && tree(&mp) == 0) {
		if (mp.encrypted)
			rc = tc_fail(&mp.t, "the file is encrypted");
		else
			rc = check(&mp, data_end);
	} else
		rc = -1;
	xfree(mp.rg_chunk0);
	xfree(mp.rg_nchunks);
	if (rc == -1) {
		snprintf(msg, msglen, "footer: %s", mp.t.msg);
		pq_meta_release(m);
	}
	return (rc);
}

void
pq_meta_release(struct pq_meta *m)
{
	xfree(m->chunks);
	xfree(m->rg);
	xfree(m->el);
	xfree(m->leaf);
	arena_release(&m->ar);
	memset(m, 0, sizeof(*m));
}
