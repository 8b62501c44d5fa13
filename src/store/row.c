/* SPDX-License-Identifier: MIT */
/*
 * Records as data: column tables, the statements built from their
 * templates, and the generic row copy and binds. See row.h.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/xmalloc.h"
#include "store/row.h"

static pthread_mutex_t	 build_mu = PTHREAD_MUTEX_INITIALIZER;

static int
col_written(const struct col *c)
{
	return ((c->flags & COL_RO) == 0);
}

/*
 * Whether directive d (len bytes) is word w, alone or followed by one
 * space and an argument; *arg and *alen are then the argument (NULL, 0
 * when there is none).
 */
static int
directive(const char *d, size_t len, const char *w, const char **arg,
    int *alen)
{
	size_t	 wl = strlen(w);

	if (len < wl || strncmp(d, w, wl) != 0 || (len > wl && d[wl] != ' '))
		return (0);
	*arg = len > wl + 1 ? d + wl + 1 : NULL;
	*alen = *arg != NULL ? (int)(len - wl - 1) : 0;
	return (1);
}

/* Appends the expansion of directive d (without braces) to b. */
static void
expand(struct buf *b, const struct row *r, const char *d, size_t len)
{
	const char	*arg;
	size_t		 i, k = 0;
	int		 alen, j;

	if (directive(d, len, "cols", &arg, &alen)) {
		for (i = 0; i < r->ncols; i++) {
			const struct col *c = &r->cols[i];

			if (k++ > 0)
				buf_adds(b, ", ");
			if (c->expr != NULL)
				buf_adds(b, c->expr);
			else if (arg != NULL)
				buf_printf(b, "%.*s.%s", alen, arg, c->name);
			else
				buf_adds(b, c->name);
		}
	} else if (directive(d, len, "insert", &arg, &alen)) {
		buf_addc(b, '(');
		/* The caller's leading columns, one parameter each. */
		if (arg != NULL) {
			buf_printf(b, "%.*s", alen, arg);
			for (k = 1, j = 0; j < alen; j++)
				k += arg[j] == ',';
		}
		for (i = 0; i < r->ncols; i++)
			if (col_written(&r->cols[i]))
				buf_printf(b, "%s%s", k++ ? ", " : "",
				    r->cols[i].name);
		buf_adds(b, ") VALUES (");
		for (i = 0; i < k; i++)
			buf_adds(b, i ? ", ?" : "?");
		buf_addc(b, ')');
	} else if (directive(d, len, "set", &arg, &alen)) {
		for (i = 0; i < r->ncols; i++) {
			const struct col *c = &r->cols[i];

			if (!col_written(c) || (c->flags & COL_KEY))
				continue;
			buf_printf(b, "%s%s = ", k++ ? ", " : "", c->name);
			if (arg != NULL)
				buf_printf(b, "%.*s.%s", alen, arg, c->name);
			else
				buf_addc(b, '?');
		}
	} else
		buf_printf(b, "{%.*s}", (int)len, d);	/* not ours: kept */
}

const char *
row_sql_text(struct row_sql *q)
{
	const char	*t, *p, *end;
	struct buf	 b;

	if ((t = __atomic_load_n(&q->text, __ATOMIC_ACQUIRE)) != NULL)
		return (t);
	pthread_mutex_lock(&build_mu);
	if (q->text == NULL) {
		buf_init(&b, 1 << 16);
		for (p = q->tmpl; *p != '\0'; p++) {
			if (*p == '{' && (end = strchr(p, '}')) != NULL) {
				expand(&b, q->row, p + 1,
				    (size_t)(end - p - 1));
				p = end;
			} else
				buf_addc(&b, *p);
		}
		/* Kept for the process: the statement cache keys on it. */
		__atomic_store_n(&q->text, xstrdup(buf_str(&b)),
		    __ATOMIC_RELEASE);
		buf_release(&b);
	}
	pthread_mutex_unlock(&build_mu);
	return (q->text);
}

struct stmt *
row_stmt(struct store *st, struct row_sql *q, struct err *e)
{
	return (db_stmt(st, row_sql_text(q), e));
}

int
row_insert(struct store *st, struct row_sql *q, const void *rec,
    struct err *e)
{
	struct stmt	*s;

	if ((s = row_stmt(st, q, e)) == NULL)
		return (-1);
	row_bind(s, 1, q->row, rec, 1);
	return (stmt_exec(s, e));
}

struct stmt *
row_bulk(struct store *st, struct row_sql *q, struct err *e)
{
	return (db_bulk(st, row_sql_text(q), e));
}

void
row_read(struct stmt *s, int first, const struct row *r, void *rec,
    struct arena *a)
{
	char	*base = rec;
	size_t	 i;

	for (i = 0; i < r->ncols; i++) {
		const struct col *c = &r->cols[i];
		int col = first + (int)i;
		void *f = base + c->off;

		switch (c->kind) {
		case COL_TEXT:
			stmt_copy(s, col, f, c->size);
			break;
		case COL_INT64:
			*(int64_t *)f = stmt_int64(s, col);
			break;
		case COL_INT:
			*(int *)f = (int)stmt_int64(s, col);
			break;
		case COL_STR:
			*(const char **)f = a != NULL ?
			    arena_strdup(a, stmt_text(s, col)) : "";
			break;
		}
	}
}

int
row_bind(struct stmt *s, int first, const struct row *r, const void *rec,
    int keys)
{
	const char	*base = rec;
	size_t		 i;
	int		 idx = first;

	for (i = 0; i < r->ncols; i++) {
		const struct col *c = &r->cols[i];
		const void *f = base + c->off;

		if (!col_written(c) || (!keys && (c->flags & COL_KEY)))
			continue;
		switch (c->kind) {
		case COL_TEXT:
			if ((c->flags & COL_NULL) && *(const char *)f == '\0')
				stmt_bind_null(s, idx);
			else
				stmt_bind_text(s, idx, f);
			break;
		case COL_INT64:
			if ((c->flags & COL_NULL) && *(const int64_t *)f == 0)
				stmt_bind_null(s, idx);
			else
				stmt_bind_int64(s, idx, *(const int64_t *)f);
			break;
		case COL_INT:
			stmt_bind_int64(s, idx, *(const int *)f);
			break;
		case COL_STR:
			stmt_bind_text(s, idx, *(const char *const *)f);
			break;
		}
		idx++;
	}
	return (idx);
}

struct stmt *
row_bind_args(struct stmt *s, const struct bind_arg *v, size_t n)
{
	size_t	 i;

	if (s == NULL)
		return (NULL);
	for (i = 0; i < n; i++)
		switch (v[i].kind) {
		case 'i':
			stmt_bind_int64(s, (int)i + 1, v[i].i);
			break;
		case 'o':
			if (v[i].text == NULL || v[i].text[0] == '\0') {
				stmt_bind_null(s, (int)i + 1);
				break;
			}
			/* FALLTHROUGH */
		default:
			stmt_bind_text(s, (int)i + 1, v[i].text);
			break;
		}
	return (s);
}

int64_t
row_run(struct store *st, struct stmt *s, struct err *e)
{
	int	 rc;

	if (s == NULL)
		return (-1);
	rc = stmt_step(s, e);
	stmt_done(s);
	return (rc == -1 ? -1 : db_changes(st));
}

int
row_count(struct stmt *s, int64_t *n, struct err *e)
{
	int	 rc;

	*n = 0;
	if (s == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1)
		*n = stmt_int64(s, 0);
	stmt_done(s);
	return (rc == -1 ? -1 : 0);
}

static int
one_in(struct stmt *s, struct arena *a, const struct row *r, void *out,
    struct err *e)
{
	int	 rc;

	if (s == NULL)
		return (-1);
	if ((rc = stmt_step(s, e)) == 1) {
		memset(out, 0, r->size);
		row_read(s, 0, r, out, a);
	}
	stmt_done(s);
	return (rc);
}

int
row_one(struct stmt *s, const struct row *r, void *out, struct err *e)
{
	return (one_in(s, NULL, r, out, e));
}

/* The error of a row_get that found nothing (rc 0) or failed (-1). */
static int
get_fail(int rc, struct err *e, const char *fmt, va_list ap)
{
	if (rc == 0)
		err_vset(e, ERR_NOT_FOUND, NULL, NULL, fmt, ap);
	return (-1);
}

int
row_get(struct stmt *s, const struct row *r, void *out, struct err *e,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	if ((rc = one_in(s, NULL, r, out, e)) == 1)
		return (0);
	va_start(ap, fmt);
	get_fail(rc, e, fmt, ap);
	va_end(ap);
	return (-1);
}

int
row_get_in(struct stmt *s, struct arena *a, const struct row *r, void *out,
    struct err *e, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	if ((rc = one_in(s, a, r, out, e)) == 1)
		return (0);
	va_start(ap, fmt);
	get_fail(rc, e, fmt, ap);
	va_end(ap);
	return (-1);
}

int
row_all(struct stmt *s, struct arena *a, const struct row *r, size_t max,
    void *outp, size_t *n_out, struct err *e)
{
	char	*v = NULL;
	size_t	 n = 0, cap = 0;
	int	 rc = 0;

	if (s == NULL)
		return (-1);
	while (n < max && (rc = stmt_step(s, e)) == 1) {
		v = db_grow(a, v, n, &cap, r->size);
		memset(v + n * r->size, 0, r->size);
		row_read(s, 0, r, v + n * r->size, a);
		n++;
	}
	stmt_done(s);
	if (n < max && rc == -1)
		return (-1);
	/* A pointer copied, not stored through a void **: T * and void *
	 * share their representation, the types need not alias. */
	memcpy(outp, &v, sizeof(v));
	*n_out = n;
	return (0);
}

int
row_exec_one(struct store *st, struct stmt *s, struct err *e,
    const char *fmt, ...)
{
	va_list	 ap;
	int64_t	 n;

	if ((n = row_run(st, s, e)) == -1)
		return (-1);
	if (n > 0)
		return (0);
	va_start(ap, fmt);
	err_vset(e, ERR_NOT_FOUND, NULL, NULL, fmt, ap);
	va_end(ap);
	return (-1);
}
