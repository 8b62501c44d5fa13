/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/store/row.c: the template directives a column table
 * expands to, and the binds and row copies it drives, against a real store
 * (SQLite, or PostgreSQL under $PAYERLINK_TEST_PG).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "store/db.h"
#include "store/row.h"
#include "store/store.h"

/* A record with every kind and flag a column can have. */
struct rt {
	char	 id[8];
	char	 name[16];
	char	 note[6];		/* NULL when "", truncated on read */
	int	 level;
	int64_t	 opt;			/* NULL when 0 */
	int64_t	 created_at;		/* not changed by an update */
	int64_t	 serial;		/* the database's */
	int64_t	 twice;			/* computed */
};

static const struct col rt_cols[] = {
	COL_T(struct rt, id, COL_KEY),
	COL_T(struct rt, name, 0),
	COL_T(struct rt, note, COL_NULL),
	COL_I(struct rt, level, 0),
	COL_I64(struct rt, opt, COL_NULL),
	COL_I64(struct rt, created_at, COL_KEY),
	COL_I64(struct rt, serial, COL_RO),
	COL_I64_EXPR(struct rt, twice, "2 * level"),
};
static const struct row rt_row = ROW(struct rt, rt_cols);

TEST(store_row_directives)
{
	static struct row_sql	 sel = ROW_SQL(&rt_row,
	    "SELECT {cols} FROM rt WHERE id = ?");
	static struct row_sql	 sel_x = ROW_SQL(&rt_row,
	    "SELECT {cols x} FROM rt x");
	static struct row_sql	 ins = ROW_SQL(&rt_row,
	    "INSERT INTO rt {insert}");
	static struct row_sql	 ins_k = ROW_SQL(&rt_row,
	    "INSERT INTO rt {insert p, q}");
	static struct row_sql	 upd = ROW_SQL(&rt_row,
	    "UPDATE rt SET {set} WHERE id = ?");
	static struct row_sql	 ups = ROW_SQL(&rt_row,
	    "INSERT INTO rt {insert} ON CONFLICT (id) DO UPDATE SET "
	    "{set excluded}");
	static struct row_sql	 other = ROW_SQL(&rt_row,
	    "SELECT '{x}', {colsx} FROM rt");

	CHECK_STR(row_sql_text(&sel), "SELECT id, name, note, level, opt, "
	    "created_at, serial, 2 * level FROM rt WHERE id = ?");
	CHECK_STR(row_sql_text(&sel_x), "SELECT x.id, x.name, x.note, "
	    "x.level, x.opt, x.created_at, x.serial, 2 * level FROM rt x");
	CHECK_STR(row_sql_text(&ins), "INSERT INTO rt (id, name, note, level, "
	    "opt, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	CHECK_STR(row_sql_text(&ins_k), "INSERT INTO rt (p, q, id, name, note, "
	    "level, opt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	CHECK_STR(row_sql_text(&upd), "UPDATE rt SET name = ?, note = ?, "
	    "level = ?, opt = ? WHERE id = ?");
	CHECK_STR(row_sql_text(&ups), "INSERT INTO rt (id, name, note, level, "
	    "opt, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO "
	    "UPDATE SET name = excluded.name, note = excluded.note, "
	    "level = excluded.level, opt = excluded.opt");
	/* What is not a directive stays as written. */
	CHECK_STR(row_sql_text(&other), "SELECT '{x}', {colsx} FROM rt");
	/* Built once: the statement cache keys on the address. */
	CHECK(row_sql_text(&sel) == row_sql_text(&sel));
}

static int64_t
count(struct store *st, const char *sql)
{
	struct stmt	*s;
	struct err	 e;
	int64_t		 n;

	CHECK((s = db_stmt(st, sql, &e)) != NULL);
	CHECK_INT(stmt_step(s, &e), 1);
	n = stmt_int64(s, 0);
	stmt_done(s);
	return (n);
}

TEST(store_row_binds_and_reads)
{
	static struct row_sql	 ins = ROW_SQL(&rt_row,
	    "INSERT INTO rt {insert}");
	static struct row_sql	 upd = ROW_SQL(&rt_row,
	    "UPDATE rt SET {set} WHERE id = ?");
	static struct row_sql	 get = ROW_SQL(&rt_row,
	    "SELECT {cols} FROM rt WHERE id = ?");
	static struct row_sql	 all = ROW_SQL(&rt_row,
	    "SELECT {cols r} FROM rt r ORDER BY r.id");
	static const char	*nulls = "SELECT count(*) FROM rt WHERE "
	    "note IS NULL AND opt IS NULL";
	static const char	*notes = "SELECT count(*) FROM rt WHERE "
	    "note = 'short' AND opt = 5 AND name = 'renamed'";
	struct rt		 r, out, *v;
	struct store		*st;
	struct stmt		*s;
	struct arena		 a;
	struct err		 e;
	size_t			 n;

	CHECK_INT(store_open(test_db("row"), 0, &st, &e), 0);
	CHECK_INT(store_begin(st, STORE_WRITE, &e), 0);
	CHECK_INT(db_exec(st, "CREATE TABLE rt (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL, note TEXT, level INTEGER NOT NULL, "
	    "opt BIGINT, created_at BIGINT NOT NULL, "
	    "serial BIGINT NOT NULL DEFAULT 7)", &e), 0);

	/* Insert: every written column in table order, "" and 0 as NULL. */
	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "a");
	snprintf(r.name, sizeof(r.name), "first");
	r.level = 3;
	r.created_at = 100;
	r.serial = 99;			/* COL_RO: never written */
	CHECK((s = row_stmt(st, &ins, &e)) != NULL);
	CHECK_INT(row_bind(s, 1, &rt_row, &r, 1), 7);
	CHECK_INT(stmt_exec(s, &e), 0);
	CHECK_INT(count(st, nulls), 1);

	/* Update: the non-key columns, then the caller's WHERE. */
	snprintf(r.name, sizeof(r.name), "renamed");
	snprintf(r.note, sizeof(r.note), "short");
	r.opt = 5;
	r.created_at = 200;		/* COL_KEY: not in {set} */
	CHECK((s = row_stmt(st, &upd, &e)) != NULL);
	stmt_bind_text(s, row_bind(s, 1, &rt_row, &r, 0), r.id);
	CHECK_INT(row_exec_one(st, s, &e, "rt %s does not exist", r.id), 0);
	CHECK_INT(count(st, nulls), 0);
	CHECK_INT(count(st, notes), 1);
	CHECK_INT(db_exec(st, "UPDATE rt SET note = 'a long note'", &e), 0);

	/* Read: all columns into the record, text truncated to its field. */
	memset(&out, 0xff, sizeof(out));
	CHECK((s = row_stmt(st, &get, &e)) != NULL);
	stmt_bind_text(s, 1, "a");
	CHECK_INT(row_get(s, &rt_row, &out, &e, "rt %s does not exist", "a"),
	    0);
	CHECK_STR(out.id, "a");
	CHECK_STR(out.name, "renamed");
	CHECK_STR(out.note, "a lon");
	CHECK_INT(out.level, 3);
	CHECK_INT(out.opt, 5);
	CHECK_INT(out.created_at, 100);
	CHECK_INT(out.serial, 7);
	CHECK_INT(out.twice, 6);

	/* Not there: ERR_NOT_FOUND with the caller's message. */
	CHECK((s = row_stmt(st, &get, &e)) != NULL);
	stmt_bind_text(s, 1, "zz");
	CHECK_INT(row_get(s, &rt_row, &out, &e, "rt %s does not exist", "zz"),
	    -1);
	CHECK_INT(e.code, ERR_NOT_FOUND);
	CHECK_STR(e.msg, "rt zz does not exist");
	CHECK((s = row_stmt(st, &get, &e)) != NULL);
	stmt_bind_text(s, 1, "zz");
	CHECK_INT(row_one(s, &rt_row, &out, &e), 0);
	CHECK((s = row_stmt(st, &upd, &e)) != NULL);
	stmt_bind_text(s, row_bind(s, 1, &rt_row, &r, 0), "zz");
	CHECK_INT(row_exec_one(st, s, &e, "rt %s does not exist", "zz"), -1);
	CHECK_INT(e.code, ERR_NOT_FOUND);

	/* All rows, capped: NULLs read as "" and 0. */
	snprintf(r.id, sizeof(r.id), "b");
	r.note[0] = '\0';
	r.opt = 0;
	CHECK((s = row_stmt(st, &ins, &e)) != NULL);
	row_bind(s, 1, &rt_row, &r, 1);
	CHECK_INT(stmt_exec(s, &e), 0);
	arena_init(&a);
	CHECK((s = row_stmt(st, &all, &e)) != NULL);
	CHECK_INT(row_all(s, &a, &rt_row, 10, &v, &n, &e), 0);
	CHECK_INT(n, 2);
	CHECK_STR(v[0].id, "a");
	CHECK_STR(v[1].id, "b");
	CHECK_STR(v[1].note, "");
	CHECK_INT(v[1].opt, 0);
	CHECK_INT(v[1].created_at, 200);
	CHECK((s = row_stmt(st, &all, &e)) != NULL);
	CHECK_INT(row_all(s, &a, &rt_row, 1, &v, &n, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(v[0].id, "a");
	arena_release(&a);
	store_rollback(st);
	store_close(st);
}

TEST(store_row_leading_columns_and_upsert)
{
	static struct row_sql	 ins = ROW_SQL(&rt_row,
	    "INSERT INTO rtp {insert parent} ON CONFLICT (id) DO UPDATE SET "
	    "{set excluded}");
	static const char	*chk = "SELECT parent, name, created_at "
	    "FROM rtp WHERE id = ?";
	struct rt		 r;
	struct store		*st;
	struct stmt		*s;
	struct err		 e;

	CHECK_INT(store_open(test_db("rowp"), 0, &st, &e), 0);
	CHECK_INT(store_begin(st, STORE_WRITE, &e), 0);
	CHECK_INT(db_exec(st, "CREATE TABLE rtp (parent TEXT NOT NULL, "
	    "id TEXT PRIMARY KEY, name TEXT NOT NULL, note TEXT, "
	    "level INTEGER NOT NULL, opt BIGINT, created_at BIGINT NOT NULL)",
	    &e), 0);
	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "k");
	snprintf(r.name, sizeof(r.name), "one");
	r.created_at = 1;
	CHECK((s = row_stmt(st, &ins, &e)) != NULL);
	stmt_bind_text(s, 1, "p1");
	CHECK_INT(row_bind(s, 2, &rt_row, &r, 1), 8);
	CHECK_INT(stmt_exec(s, &e), 0);
	/* Again: the non-key columns change, the key columns stay. */
	snprintf(r.name, sizeof(r.name), "two");
	r.created_at = 2;
	CHECK((s = row_stmt(st, &ins, &e)) != NULL);
	stmt_bind_text(s, 1, "p2");
	row_bind(s, 2, &rt_row, &r, 1);
	CHECK_INT(stmt_exec(s, &e), 0);
	CHECK((s = db_stmt(st, chk, &e)) != NULL);
	stmt_bind_text(s, 1, "k");
	CHECK_INT(stmt_step(s, &e), 1);
	CHECK_STR(stmt_text(s, 0), "p1");
	CHECK_STR(stmt_text(s, 1), "two");
	CHECK_INT(stmt_int64(s, 2), 1);
	stmt_done(s);
	store_rollback(st);
	store_close(st);
}
