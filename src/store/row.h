/* SPDX-License-Identifier: MIT */
/*
 * Private to store/: records as data. Each record the store reads or
 * writes has one column table (struct row): the column, its kind and the
 * record field it maps to (offsetof). The SELECT list, the row copy and
 * the INSERT/UPDATE binds all follow from it, so adding a field is one
 * line here plus its migration.
 *
 * SQL stays SQL: a statement is a template with directives that expand to
 * the table's columns, built once (a static struct row_sql at the call
 * site; the text lives for the process, so the per-connection statement
 * cache can key on its address as it does for literals):
 *
 *	{cols}		the select list: a, b, c (computed columns as their
 *			expression)
 *	{cols x}	the same with plain columns prefixed by alias x: x.a
 *	{insert}	(a, b) VALUES (?, ?) over the written columns
 *	{insert k}	(k, a, b) VALUES (?, ?, ?): leading columns that are
 *			not fields of the record (a parent's id, a fixed
 *			state), comma-separated, bound by the caller before
 *			row_bind(s, 1 + their number, ...)
 *	{set}		a = ?, b = ? over the written non-key columns
 *	{set x}		a = x.a, b = x.b over the same columns: an upsert's
 *			ON CONFLICT (key) DO UPDATE SET {set excluded}
 *
 *	static struct row_sql q = ROW_SQL(&account_row,
 *	    "SELECT {cols} FROM accounts WHERE id = ?");
 *
 *	return (row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)),
 *	    &account_row, out, e, "account %s does not exist", id));
 *
 * Read-only columns (COL_RO: joins, COALESCE, counts) are selected but
 * never written; a plain column marked COL_RO is left to the database
 * (a self-numbering id, a column with a default that its own statements
 * move). Key columns (COL_KEY) are inserted but not in {set}.
 * NULL reads as "" and 0; COL_NULL writes "" and 0 as NULL.
 */
#ifndef STORE_ROW_H
#define STORE_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

enum col_kind {
	COL_TEXT,		/* char field[N] */
	COL_INT64,		/* int64_t */
	COL_INT,		/* int */
	COL_STR			/* const char *: read into an arena (without
				   one it reads as ""); long text */
};

#define COL_RO		(1 << 0)	/* selected, never written */
#define COL_KEY		(1 << 1)	/* written by insert, not by {set} */
#define COL_NULL	(1 << 2)	/* "" or 0 is written as NULL */

struct col {
	const char	*name;		/* the table's column */
	const char	*expr;		/* select expression; NULL: name */
	enum col_kind	 kind;
	unsigned	 flags;
	size_t		 off;		/* offsetof the field */
	size_t		 size;		/* bytes of a COL_TEXT field */
};

#define COL_FIELD_SIZE(T, f)	sizeof(((T *)0)->f)

/* A column named as its field. */
#define COL_T(T, f, fl) \
	{ #f, NULL, COL_TEXT, (fl), offsetof(T, f), COL_FIELD_SIZE(T, f) }
#define COL_I64(T, f, fl) \
	{ #f, NULL, COL_INT64, (fl), offsetof(T, f), 0 }
#define COL_I(T, f, fl) \
	{ #f, NULL, COL_INT, (fl), offsetof(T, f), 0 }
#define COL_S(T, f, fl) \
	{ #f, NULL, COL_STR, (fl), offsetof(T, f), 0 }
/* A read-only computed column: an SQL expression read into a field. */
#define COL_T_EXPR(T, f, x) \
	{ #f, (x), COL_TEXT, COL_RO, offsetof(T, f), COL_FIELD_SIZE(T, f) }
#define COL_I64_EXPR(T, f, x) \
	{ #f, (x), COL_INT64, COL_RO, offsetof(T, f), 0 }
/* A column written under its name but selected as an expression. */
#define COL_T_SEL(T, f, x, fl) \
	{ #f, (x), COL_TEXT, (fl), offsetof(T, f), COL_FIELD_SIZE(T, f) }
/* A column whose name differs from its field. */
#define COL_T_AS(T, f, name, fl) \
	{ (name), NULL, COL_TEXT, (fl), offsetof(T, f), COL_FIELD_SIZE(T, f) }
#define COL_I64_AS(T, f, name, fl) \
	{ (name), NULL, COL_INT64, (fl), offsetof(T, f), 0 }

/* A page size as the store serves it: at least 1, at most 1000. */
#define STORE_PAGE_CAP(n)	((n) == 0 ? 1 : (n) > 1000 ? 1000 : (n))

struct row {
	const struct col	*cols;
	size_t			 ncols;
	size_t			 size;		/* sizeof the record */
};

#define ROW(T, cols) \
	{ (cols), sizeof(cols) / sizeof((cols)[0]), sizeof(T) }

/* A statement over a row's columns: the template and, once built, the
 * text (owned by the process). */
struct row_sql {
	const struct row	*row;
	const char		*tmpl;
	const char		*text;
};

#define ROW_SQL(r, t)	{ (r), (t), NULL }

/* The statement of q on this connection (built on first use). */
struct stmt	*row_stmt(struct store *, struct row_sql *, struct err *);
/* The same for a bulk insert (db_bulk). */
struct stmt	*row_bulk(struct store *, struct row_sql *, struct err *);
/* The text of q (built on first use); for tests and messages. */
const char	*row_sql_text(struct row_sql *);

/*
 * Binds parameters 1.. of s, in order, from BIND_TEXT(const char *),
 * BIND_INT(int64_t) and BIND_OPT(const char *: NULL when "" or NULL)
 * arguments; their types are checked by the compiler. Returns s; NULL
 * stays NULL, so calls chain:
 *	row_get(row_binds(row_stmt(st, &q, e), BIND_TEXT(id)), ...)
 * Every row_* taking a statement fails with -1 when it is NULL (*e holds
 * why).
 */
struct bind_arg {
	char		 kind;		/* 't' text, 'i' int, 'o' optional */
	const char	*text;
	int64_t		 i;
};
#define BIND_TEXT(x)	{ 't', (x), 0 }
#define BIND_INT(x)	{ 'i', NULL, (x) }
#define BIND_OPT(x)	{ 'o', (x), 0 }
#define row_binds(s, ...) row_bind_args((s), \
	(const struct bind_arg[]){ __VA_ARGS__ }, \
	sizeof((const struct bind_arg[]){ __VA_ARGS__ }) / \
	sizeof(struct bind_arg))
struct stmt	*row_bind_args(struct stmt *, const struct bind_arg *,
		    size_t n);
/* Runs s (no rows): the number of rows changed, or -1. Resets s. */
int64_t	 row_run(struct store *, struct stmt *, struct err *);
/* The first column of s's one row as an integer into *n (0 without a
 * row): 0, or -1. Resets s. */
int	 row_count(struct stmt *, int64_t *n /* OUT */, struct err *);

/* Runs q (an INSERT of {insert}) with rec's columns: 0, or -1. */
int	 row_insert(struct store *, struct row_sql *q, const void *rec,
	    struct err *);

/* Copies the current row's columns, from column `first`, into rec;
 * COL_STR columns into a (NULL: they read as ""). */
void	 row_read(struct stmt *, int first, const struct row *, void *rec,
	    struct arena *a);
/*
 * Binds rec's written columns from parameter `first`: all of them in table
 * order (for {insert}), or only the non-key ones (for {set}, keys = 0).
 * Returns the next parameter index.
 */
int	 row_bind(struct stmt *, int first, const struct row *,
	    const void *rec, int keys);

/*
 * Steps s once: the row into out and 0; ERR_NOT_FOUND with the message
 * when there is none; -1 on error. Resets s.
 */
int	 row_get(struct stmt *, const struct row *, void *out, struct err *,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* row_get with COL_STR columns read into a. */
int	 row_get_in(struct stmt *, struct arena *a, const struct row *,
	    void *out, struct err *, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
/* Steps s once: 1 and the row into out, 0 when none, -1. Resets s. */
int	 row_one(struct stmt *, const struct row *, void *out, struct err *);
/* Steps s to its end, at most max rows, into an arena array of records:
 * outp is the address of the caller's `struct T *` (OUT). Resets s. */
int	 row_all(struct stmt *, struct arena *, const struct row *, size_t max,
	    void *outp /* OUT */, size_t *n_out /* OUT */, struct err *);
/* Runs a statement that changes one row: 0, ERR_NOT_FOUND with the
 * message when it changed none, -1. Resets s. */
int	 row_exec_one(struct store *, struct stmt *, struct err *,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
