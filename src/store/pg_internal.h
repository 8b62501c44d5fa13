/* SPDX-License-Identifier: MIT */
/*
 * What the PostgreSQL backend's two files share (private to src/store/):
 * pg.c holds the connections (the pool, errors, reconnection) and the
 * transactions; pg_stmt.c the statements (prepare, bind, step, COPY).
 */
#ifndef STORE_PG_INTERNAL_H
#define STORE_PG_INTERNAL_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>

#include "core/err.h"
#include "store/backend.h"
#include "store/db.h"
#include "store/store.h"

#define STMT_CACHE	1024		/* power of two; the program has ~200 statements */
#define WRITE_LOCK	"7061796c"	/* "payl": the one writers' lock */
#define RETRIES		5
#define COPY_FLUSH	(1 << 20)	/* bytes of COPY rows held back */
#define INT8OID		20

enum pkind { P_NULL, P_INT, P_TEXT };

struct param {
	enum pkind	 kind;
	char		 num[24];
	char		*str;
};

struct pg_stmt {
	struct stmt	 base;
	struct pgconn	*c;
	char		*text;		/* '?' translated to $n */
	char		*copy;		/* COPY ... FROM STDIN for a bulk insert */
	char		 name[16];
	unsigned	 gen;		/* connection generation it was prepared on */
	int		 nparams;
	struct param	*params;
	int		 flags;
	int		 write;		/* INSERT, UPDATE or DELETE */
	PGresult	*res;
	int		 row;		/* next row of res to return */
	int		 streaming;	/* single-row mode query in flight */
};

struct pgconn {
	PGconn		*conn;
	struct pg	*pg;
	struct pgconn	*next;
	int		 depth;		/* transactions open (0 or 1) */
	unsigned	 gen;		/* bumped at each (re)connect */
	unsigned	 names;		/* prepared statement names used */
	int64_t		 changes;
	/* Bulk rows waiting for COPY: the command and its rows. */
	const char	*copy_cmd;
	char		*copy_buf;
	size_t		 copy_len, copy_cap;
	int64_t		 copy_rows;
	/* A COPY that failed where nobody could be told (finalize). */
	int		 copy_failed;
	struct err	 copy_err;
	struct {
		const char	*sql;
		struct pg_stmt	*stmt;
	}		 cache[STMT_CACHE];
};

struct pg {
	struct store	*st;
	pthread_key_t	 key;
	pthread_mutex_t	 lock;		/* guards conns */
	struct pgconn	*conns;
};

#define PG(st)		((struct pg *)(st)->impl)
#define PS(x)		((struct pg_stmt *)(void *)(x))

/* pg.c: connections and errors. */
int	pg_error(struct pgconn *c, const PGresult *r, struct err *e);
int	pg_retryable(const PGresult *r);
int	pg_result_ok(const PGresult *r);
int	pg_conn_exec(struct pgconn *c, const char *sql, struct err *e);
int	pg_revived(struct pgconn *c, int *tried, struct err *e);
struct pgconn	*pg_conn_get(struct store *st, struct err *e);

/* pg_stmt.c: statements and bulk rows (the backend's statement calls). */
void	pg_stmt_free(struct pg_stmt *ps);
int	pg_copy_flush(struct pgconn *c, struct err *e);
struct stmt	*pg_prepare(struct store *st, const char *sql, int flags,
	    struct err *e);
void	pg_bind_text(struct stmt *s, int idx, const char *v);
void	pg_bind_int64(struct stmt *s, int idx, int64_t v);
void	pg_bind_null(struct stmt *s, int idx);
int	pg_step(struct stmt *s, struct err *e);
const char	*pg_text(struct stmt *s, int col);
int64_t	pgb_int64(struct stmt *s, int col);
enum db_kind	pg_kind(struct stmt *s, int col);
int	pg_columns(struct stmt *s);
const char	*pg_column_name(struct stmt *s, int col);
void	pg_done(struct stmt *s);
void	pg_finalize(struct stmt *s);

#endif
