/* SPDX-License-Identifier: MIT */
/*
 * Private to store/: what a database backend implements (sqlite.c, pg.c)
 * and what the backend-neutral part (db.c: dispatch, migrations, the
 * clock, export and import) needs from it. Portable store code never
 * includes this header: it talks to db.h.
 *
 * A backend's statement struct starts with a struct stmt (its backend),
 * so db.c can dispatch stmt_* calls without knowing the backend.
 */
#ifndef STORE_BACKEND_H
#define STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"
#include "store/store.h"

struct store_backend;

struct store {
	const struct store_backend *be;
	char		*path;		/* as given: a file or a conninfo */
	int		 flags;
	void		*impl;		/* the backend's own state */
};

struct stmt {
	const struct store_backend *be;
};

/* How db_prepare() should prepare a statement. */
#define DB_CACHED	(1 << 0)	/* keep per connection, keyed by &sql */
#define DB_BULK		(1 << 1)	/* an INSERT that may be batched */
#define DB_STREAM	(1 << 2)	/* uncached; rows may be many: stream */

/* The kind of a column's value in the current row (export). */
enum db_kind { DB_NULL, DB_INT, DB_TEXT };

struct store_backend {
	const char	*name;		/* "sqlite", "postgresql" */
	const char	*dialect;	/* migration line prefix: "--sqlite:" */
	/* Lists the data tables, parents first (creation order). */
	const char	*tables_sql;

	int		(*open)(struct store *, struct err *);
	void		(*close)(struct store *);
	struct stmt	*(*prepare)(struct store *, const char *sql, int flags,
			    struct err *);
	void		(*bind_text)(struct stmt *, int, const char *);
	void		(*bind_int64)(struct stmt *, int, int64_t);
	void		(*bind_null)(struct stmt *, int);
	int		(*step)(struct stmt *, struct err *);
	const char	*(*text)(struct stmt *, int);
	int64_t		(*int64)(struct stmt *, int);
	enum db_kind	(*kind)(struct stmt *, int);
	int		(*columns)(struct stmt *);
	const char	*(*column_name)(struct stmt *, int);
	void		(*done)(struct stmt *);
	/* Frees a statement prepared without DB_CACHED. */
	void		(*finalize)(struct stmt *);
	int64_t		(*changes)(struct store *);
	int		(*exec)(struct store *, const char *sql, struct err *);
	int		(*begin)(struct store *, enum store_txn, struct err *);
	int		(*commit)(struct store *, struct err *);
	void		(*rollback)(struct store *);
	/* Empties every data table (inside the caller's transaction). */
	int		(*wipe)(struct store *, struct err *);
	/* After an import: make generated ids continue after the loaded ones. */
	int		(*after_import)(struct store *, struct err *);
	/* Grows the database file to what the open transaction needs (NULL:
	 * nothing to do); see store_space_reserve(). */
	int		(*reserve)(struct store *, struct err *);
};

extern const struct store_backend	store_sqlite;
extern const struct store_backend	store_pg;

/* An uncached statement for dynamic SQL; free with db_finalize(). */
struct stmt	*db_prepare(struct store *, const char *sql, int flags,
		    struct err *);
void		 db_finalize(struct stmt *);
int		 stmt_columns(struct stmt *);
const char	*stmt_column_name(struct stmt *, int col);
enum db_kind	 stmt_kind(struct stmt *, int col);

/*
 * The migration text for this backend: lines starting with the backend's
 * prefix ("--sqlite: ", "--pg: ") are kept without it, other backends'
 * lines dropped. Caller frees with xfree().
 */
char		*db_dialect_sql(const struct store_backend *, const char *sql);

#endif
