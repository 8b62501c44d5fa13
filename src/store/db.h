/* SPDX-License-Identifier: MIT */
/*
 * Private to store/: the driver interface. Portable SQL in the store/
 * sources goes through these calls with '?' placeholders; db.c dispatches
 * them to the backend (sqlite.c or pg.c, see backend.h). Statements are
 * cached per connection, keyed by the address of their SQL text, so SQL
 * must be a string literal.
 */
#ifndef STORE_DB_H
#define STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct store;
struct stmt;

/* Prepares (or takes from the cache) sql on this thread's connection. */
struct stmt	*db_stmt(struct store *, const char *sql, struct err *);
/*
 * Like db_stmt, for an INSERT ... VALUES (?, ...) of many rows in one
 * write transaction (ingest): a backend may batch the rows (PostgreSQL
 * sends them with COPY before the next other statement or the commit), so
 * a failing row may surface at a later call or at store_commit().
 */
struct stmt	*db_bulk(struct store *, const char *sql, struct err *);
void		 stmt_bind_text(struct stmt *, int idx, const char *);
void		 stmt_bind_int64(struct stmt *, int idx, int64_t);
void		 stmt_bind_null(struct stmt *, int idx);
/* 1: a row is ready; 0: done; -1: failed (constraint: ERR_CONFLICT). */
int		 stmt_step(struct stmt *, struct err *);
const char	*stmt_text(struct stmt *, int col);	/* "" for NULL */
int64_t		 stmt_int64(struct stmt *, int col);
int		 stmt_is_null(struct stmt *, int col);
/* Steps a statement that returns no rows, then resets it: 0 or -1. */
int		 stmt_exec(struct stmt *, struct err *);
/* Resets the statement for reuse; call after the last step. */
void		 stmt_done(struct stmt *);
/* Rows changed by the last statement on this connection. */
int64_t		 db_changes(struct store *);
/* Runs one statement without parameters or results. */
int		 db_exec(struct store *, const char *sql, struct err *);

/* Copies a column into a fixed-size field, truncating safely. */
void		 stmt_copy(struct stmt *, int col, char *dst, size_t size);

struct arena;
/*
 * For loops that collect rows into an arena array: returns v, or a copy
 * twice as large (zero-filled past n) when n has reached *cap, which it
 * updates. The caller caps n (a LIMIT in the SQL).
 */
void		*db_grow(struct arena *, void *v, size_t n, size_t *cap,
		    size_t elem);

#endif
