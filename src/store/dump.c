/* SPDX-License-Identifier: MIT */
/*
 * Export and import of a whole database, backend-neutral, as JSON lines:
 *
 *   {"payerlink_export":1,"backend":"sqlite","migrations":["001_init.sql",...]}
 *   {"table":"accounts","columns":["id","email",...]}
 *   ["123456789012","a@example.com",...]          one line per row
 *   ...
 *   {"end":true,"rows":N}
 *
 * Integers are JSON numbers, text JSON strings, NULL null: what both
 * backends store (money is integer nano-units, times integer ms). Export
 * streams (one read transaction, a consistent snapshot; constant memory);
 * import loads into an empty database of either backend in one write
 * transaction, parents first (the order of the export), then lets
 * generated ids continue after the loaded ones.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "store/backend.h"
#include "store/db.h"
#include "store/store.h"

#define LINE_MAX_BYTES	(16 << 20)
#define TABLES_MAX	128
#define COLUMNS_MAX	128

struct names {
	char	*v[TABLES_MAX];
	size_t	 n;
};

static void
names_release(struct names *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		xfree(t->v[i]);
	t->n = 0;
}

static int
ident_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 63)
		return (0);
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return (0);
	return (1);
}

/* The data tables, parents first, with meta in front. */
static int
tables(struct store *st, struct names *t, struct err *e)
{
	struct stmt	*s;
	int		 rc;

	t->n = 0;
	t->v[t->n++] = xstrdup("meta");
	if ((s = db_prepare(st, st->be->tables_sql, 0, e)) == NULL)
		return (-1);
	while ((rc = stmt_step(s, e)) == 1 && t->n < TABLES_MAX)
		t->v[t->n++] = xstrdup(stmt_text(s, 0));
	db_finalize(s);
	return (rc == -1 ? -1 : 0);
}

static void
put_string(FILE *f, const char *p)
{
	putc('"', f);
	for (; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

int
store_migrations(struct store *st, struct arena *a,
    struct store_migration **out, size_t *n_out, struct err *e)
{
	static const char	*sql = "SELECT name, applied_at FROM "
	    "schema_migrations ORDER BY name LIMIT 1000";
	struct stmt		*s;
	struct store_migration	*v;
	size_t			 n = 0;
	int			 rc;

	if ((s = db_stmt(st, sql, e)) == NULL)
		return (-1);
	v = arena_zalloc(a, sizeof(*v) * 1000);
	while (n < 1000 && (rc = stmt_step(s, e)) == 1) {
		stmt_copy(s, 0, v[n].name, sizeof(v[n].name));
		v[n].applied_at = stmt_int64(s, 1);
		n++;
	}
	stmt_done(s);
	if (rc == -1)
		return (-1);
	*out = v;
	*n_out = n;
	return (0);
}

static int
export_table(struct store *st, FILE *f, const char *table, int64_t *rows,
    struct err *e)
{
	struct stmt	*s;
	char		 sql[128];
	int		 rc, i, n, first = 1;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
	if ((s = db_prepare(st, sql, DB_STREAM, e)) == NULL)
		return (-1);
	while ((rc = stmt_step(s, e)) == 1) {
		n = stmt_columns(s);
		if (first) {
			fputs("{\"table\":", f);
			put_string(f, table);
			fputs(",\"columns\":[", f);
			for (i = 0; i < n; i++) {
				if (i > 0)
					putc(',', f);
				put_string(f, stmt_column_name(s, i));
			}
			fputs("]}\n", f);
			first = 0;
		}
		putc('[', f);
		for (i = 0; i < n; i++) {
			if (i > 0)
				putc(',', f);
			switch (stmt_kind(s, i)) {
			case DB_NULL:
				fputs("null", f);
				break;
			case DB_INT:
				fprintf(f, "%lld", (long long)stmt_int64(s, i));
				break;
			default:
				put_string(f, stmt_text(s, i));
			}
		}
		fputs("]\n", f);
		(*rows)++;
	}
	db_finalize(s);
	return (rc == -1 ? -1 : 0);
}

int
store_export(struct store *st, FILE *f, struct err *e)
{
	struct arena		 a;
	struct store_migration	*m;
	struct names		 t = { .n = 0 };
	size_t			 n, i;
	int64_t			 rows = 0;

	arena_init(&a);
	if (store_begin(st, STORE_READ, e) == -1) {
		arena_release(&a);
		return (-1);
	}
	if (store_migrations(st, &a, &m, &n, e) == -1 ||
	    tables(st, &t, e) == -1)
		goto fail;
	fprintf(f, "{\"payerlink_export\":1,\"backend\":\"%s\","
	    "\"migrations\":[", st->be->name);
	for (i = 0; i < n; i++) {
		if (i > 0)
			putc(',', f);
		put_string(f, m[i].name);
	}
	fputs("]}\n", f);
	for (i = 0; i < t.n; i++)
		if (export_table(st, f, t.v[i], &rows, e) == -1)
			goto fail;
	fprintf(f, "{\"end\":true,\"rows\":%lld}\n", (long long)rows);
	store_rollback(st);
	names_release(&t);
	arena_release(&a);
	if (fflush(f) != 0 || ferror(f))
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "cannot write the export"));
	return (0);
fail:
	store_rollback(st);
	names_release(&t);
	arena_release(&a);
	return (-1);
}

/* One line into *buf (grown, capped); 0 at end of file. */
static int
read_line(FILE *f, char **buf, size_t *cap, struct err *e)
{
	size_t	 len = 0;

	if (*buf == NULL) {
		*cap = 4096;
		*buf = xmalloc(*cap);
	}
	for (;;) {
		if (fgets(*buf + len, (int)(*cap - len), f) == NULL)
			return (len > 0 ? 1 : 0);
		len += strlen(*buf + len);
		if (len > 0 && (*buf)[len - 1] == '\n') {
			(*buf)[len - 1] = '\0';
			return (1);
		}
		if (*cap >= LINE_MAX_BYTES)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "import: a line is longer than %d bytes",
			    LINE_MAX_BYTES));
		*cap *= 2;
		*buf = xrealloc(*buf, *cap);
	}
}

static int
has_name(const struct names *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i], name) == 0)
			return (1);
	return (0);
}

/* Every table of the target is empty. */
static int
check_empty(struct store *st, const struct names *t, struct err *e)
{
	struct stmt	*s;
	char		 sql[128];
	size_t		 i;
	int		 rc;

	for (i = 0; i < t->n; i++) {
		snprintf(sql, sizeof(sql), "SELECT 1 FROM %s LIMIT 1", t->v[i]);
		if ((s = db_prepare(st, sql, 0, e)) == NULL)
			return (-1);
		rc = stmt_step(s, e);
		db_finalize(s);
		if (rc == -1)
			return (-1);
		if (rc == 1)
			return (err_set(e, ERR_CONFLICT, NULL, NULL,
			    "import: the database is not empty (table %s has "
			    "rows)", t->v[i]));
	}
	return (0);
}

/* Checks the header: every migration of the export is applied here. */
static int
check_header(struct store *st, json_t *h, struct err *e)
{
	struct arena		 a;
	struct store_migration	*m;
	json_t			*v, *x;
	size_t			 n, i, j;
	int			 rc = 0;

	if (!json_is_integer(json_object_get(h, "payerlink_export")) ||
	    !json_is_array(v = json_object_get(h, "migrations")))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "import: not a payerlink export"));
	arena_init(&a);
	if (store_migrations(st, &a, &m, &n, e) == -1) {
		arena_release(&a);
		return (-1);
	}
	json_array_foreach(v, i, x) {
		for (j = 0; j < n; j++)
			if (json_is_string(x) &&
			    strcmp(m[j].name, json_string_value(x)) == 0)
				break;
		if (j == n) {
			rc = err_set(e, ERR_CONFLICT, NULL, NULL, "import: "
			    "the export has migration %s, which this payerlink "
			    "does not know", json_is_string(x) ?
			    json_string_value(x) : "?");
			break;
		}
	}
	arena_release(&a);
	return (rc);
}

/* An INSERT for one table's columns, checked to be identifiers. */
static struct stmt *
table_insert(struct store *st, const struct names *t, json_t *h,
    size_t *ncols, struct err *e)
{
	const char	*table = json_string_value(json_object_get(h, "table"));
	json_t		*cols = json_object_get(h, "columns"), *c;
	struct stmt	*s;
	char		*sql;
	size_t		 i, len, cap;

	if (table == NULL || !ident_ok(table) || !json_is_array(cols) ||
	    json_array_size(cols) == 0 || json_array_size(cols) > COLUMNS_MAX)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "import: bad table header"), NULL);
	if (!has_name(t, table))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "import: table %s does not exist here", table), NULL);
	cap = 64 + strlen(table) + json_array_size(cols) * 70;
	sql = xmalloc(cap);
	len = (size_t)snprintf(sql, cap, "INSERT INTO %s (", table);
	json_array_foreach(cols, i, c) {
		if (!json_is_string(c) || !ident_ok(json_string_value(c))) {
			xfree(sql);
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "import: bad column name in %s", table), NULL);
		}
		len += (size_t)snprintf(sql + len, cap - len, "%s%s",
		    i ? ", " : "", json_string_value(c));
	}
	len += (size_t)snprintf(sql + len, cap - len, ") VALUES (");
	for (i = 0; i < json_array_size(cols); i++)
		len += (size_t)snprintf(sql + len, cap - len, "%s?",
		    i ? ", " : "");
	snprintf(sql + len, cap - len, ")");
	s = db_prepare(st, sql, DB_BULK, e);
	xfree(sql);
	*ncols = json_array_size(cols);
	return (s);
}

static int
import_row(struct stmt *s, json_t *row, size_t ncols, struct err *e)
{
	json_t	*v;
	size_t	 i;
	char	 num[64];

	if (!json_is_array(row) || json_array_size(row) != ncols)
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "import: a row does not match its table's columns"));
	json_array_foreach(row, i, v) {
		int idx = (int)i + 1;

		if (json_is_integer(v))
			stmt_bind_int64(s, idx, (int64_t)json_integer_value(v));
		else if (json_is_string(v))
			stmt_bind_text(s, idx, json_string_value(v));
		else if (json_is_null(v))
			stmt_bind_null(s, idx);
		else if (json_is_real(v)) {
			snprintf(num, sizeof(num), "%.17g", json_real_value(v));
			stmt_bind_text(s, idx, num);
		} else
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "import: unsupported value in a row"));
	}
	if (stmt_step(s, e) == -1)
		return (-1);
	stmt_done(s);
	return (0);
}

int
store_import(struct store *st, FILE *f, int64_t *rows_out, struct err *e)
{
	struct names	 t = { .n = 0 };
	struct stmt	*s = NULL;
	json_t		*j = NULL;
	json_error_t	 je;
	char		*line = NULL;
	size_t		 cap = 0, ncols = 0;
	int64_t		 rows = 0;
	int		 rc, lineno = 0, header = 0, end = 0;

	if (store_begin(st, STORE_WRITE, e) == -1)
		return (-1);
	if (tables(st, &t, e) == -1 || check_empty(st, &t, e) == -1)
		goto fail;
	while ((rc = read_line(f, &line, &cap, e)) == 1) {
		lineno++;
		if (line[0] == '\0')
			continue;
		if (end) {
			err_set(e, ERR_INVALID, NULL, NULL,
			    "import: line %d: data after the end", lineno);
			goto fail;
		}
		if ((j = json_loads(line, JSON_DECODE_ANY, &je)) == NULL) {
			err_set(e, ERR_INVALID, NULL, NULL,
			    "import: line %d: %s", lineno, je.text);
			goto fail;
		}
		if (!header) {
			if (!json_is_object(j) || check_header(st, j, e) == -1)
				goto fail_line;
			header = 1;
		} else if (json_is_array(j)) {
			if (s == NULL) {
				err_set(e, ERR_INVALID, NULL, NULL,
				    "import: line %d: a row before its table",
				    lineno);
				goto fail_line;
			}
			if (import_row(s, j, ncols, e) == -1)
				goto fail_line;
			rows++;
		} else if (json_is_object(j) &&
		    json_object_get(j, "end") != NULL) {
			if (json_integer_value(json_object_get(j, "rows")) !=
			    rows) {
				err_set(e, ERR_INVALID, NULL, NULL,
				    "import: %lld rows read, the export says "
				    "%lld", (long long)rows, (long long)
				    json_integer_value(json_object_get(j,
				    "rows")));
				goto fail_line;
			}
			end = 1;
		} else if (json_is_object(j)) {
			db_finalize(s);
			if ((s = table_insert(st, &t, j, &ncols, e)) == NULL)
				goto fail_line;
		} else {
			err_set(e, ERR_INVALID, NULL, NULL,
			    "import: line %d: unexpected value", lineno);
			goto fail_line;
		}
		json_decref(j);
		j = NULL;
	}
	if (rc == -1)
		goto fail;
	if (!end) {
		err_set(e, ERR_INVALID, NULL, NULL,
		    "import: the export is truncated (no end line)");
		goto fail;
	}
	db_finalize(s);
	s = NULL;
	if (st->be->after_import(st, e) == -1 || store_commit(st, e) == -1)
		goto fail;
	names_release(&t);
	xfree(line);
	*rows_out = rows;
	return (0);
fail_line:
	if (e != NULL && strncmp(e->msg, "import: line", 12) != 0) {
		char	 m[sizeof(e->msg)];
		size_t	 k;

		k = (size_t)snprintf(m, sizeof(m), "import: line %d: ", lineno);
		const char *p = strncmp(e->msg, "import: ", 8) == 0 ?
		    e->msg + 8 : e->msg;
		size_t	 pl = strlen(p);

		if (k + pl >= sizeof(m))
			pl = sizeof(m) - k - 1;
		memcpy(m + k, p, pl);
		m[k + pl] = '\0';
		memcpy(e->msg, m, sizeof(m));
	}
fail:
	json_decref(j);
	db_finalize(s);
	store_rollback(st);
	names_release(&t);
	xfree(line);
	return (-1);
}
