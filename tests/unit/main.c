/* SPDX-License-Identifier: MIT */
/*
 * The unit test runner: runs each test of list.h (or those named on the
 * command line) in its own child with a timeout, prints one line per test and
 * a closing "N passed, N failed".
 */
#include <errno.h>
#include <libpq-fe.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xmalloc.h"
#include "test.h"

#define TEST_ENTRY(name)	void test_##name(void);
#include "list.h"
#undef TEST_ENTRY

struct test {
	const char	*name;
	void		(*fn)(void);
};

static const struct test tests[] = {
#define TEST_ENTRY(name)	{ #name, test_##name },
#include "list.h"
#undef TEST_ENTRY
};

#define TEST_TIMEOUT	60

static char	tmpdir[256];

const char *
test_data_dir(void)
{
	const char	*d = getenv("PAYERLINK_TEST_DATA");

	/* The repository's own copy (tests/data), wherever the clone is. */
	return (d != NULL && *d != '\0' ? d : TEST_DATA_DIR);
}

const char *
test_tmpdir(void)
{
	if (tmpdir[0] == '\0') {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/payerlink-unit-XXXXXX");
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			exit(1);
		}
	}
	return (tmpdir);
}

/*
 * A database for a test: a file in the test's temporary directory, or with
 * $PAYERLINK_TEST_PG (a base conninfo) a PostgreSQL database made for this
 * test process and dropped after it. The same name gives the same database.
 */
static char	pgdbs[8][64];
static int	npgdbs;
static char	dbpath[8][512];

const char *
test_db(const char *name)
{
	const char	*pg = getenv("PAYERLINK_TEST_PG");
	char		 db[64], sql[128];
	PGconn		*c;
	PGresult	*r;
	int		 i;

	if (pg == NULL || *pg == '\0') {
		snprintf(dbpath[0], sizeof(dbpath[0]), "%s/%s.db", test_tmpdir(),
		    name);
		return (dbpath[0]);
	}
	snprintf(db, sizeof(db), "plu_%d_%s", (int)getpid(), name);
	for (i = 0; i < npgdbs; i++)
		if (strcmp(pgdbs[i], db) == 0)
			break;
	if (i == npgdbs) {
		if (npgdbs == 8) {
			fprintf(stderr, "test_db: too many databases\n");
			exit(1);
		}
		c = PQconnectdb(pg);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
		r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "test_db: %s", PQerrorMessage(c));
			exit(1);
		}
		PQclear(r);
		PQfinish(c);
		snprintf(pgdbs[npgdbs++], sizeof(pgdbs[0]), "%s", db);
	}
	snprintf(dbpath[i], sizeof(dbpath[i]), "%s dbname=%s", pg, db);
	return (dbpath[i]);
}

static void
test_db_drop(void)
{
	const char	*pg = getenv("PAYERLINK_TEST_PG");
	char		 sql[128];
	PGconn		*c;
	int		 i;

	if (npgdbs == 0)
		return;
	c = PQconnectdb(pg);
	for (i = 0; i < npgdbs; i++) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH "
		    "(FORCE)", pgdbs[i]);
		PQclear(PQexec(c, sql));
	}
	PQfinish(c);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

/* Starts t in its own child (with its own databases and temporary
 * directory); the child's pid, or -1. */
static pid_t
start(const struct test *t)
{
	pid_t	 pid;

	fflush(stdout);
	if ((pid = fork()) == -1) {
		perror("fork");
		return (-1);
	}
	if (pid == 0) {
		alarm(TEST_TIMEOUT);
		t->fn();
		test_db_drop();
		if (tmpdir[0] != '\0')
			nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		exit(0);
	}
	return (pid);
}

/* Prints how t's child ended; 0 when it passed. */
static int
report(const struct test *t, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok %s\n", t->name);
		return (0);
	}
	if (WIFSIGNALED(status))
		printf("FAIL %s (signal %d%s)\n", t->name, WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? ": timeout" : "");
	else
		printf("FAIL %s\n", t->name);
	return (-1);
}

/*
 * build/unit [-j N] [NAME...]: every test (or the named ones), N at a time
 * (default: the online CPUs), each in its own child with a timeout. Ends
 * with "N passed, N failed".
 */
int
main(int argc, char **argv)
{
	size_t		 i, n = sizeof(tests) / sizeof(tests[0]), next = 0;
	pid_t		*pids;
	long		 jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int		 passed = 0, failed = 0, running = 0, j, status, found;
	pid_t		 pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < n; i++)
			printf("%s\n", tests[i].name);
		return (0);
	}
	if (argc > 2 && strcmp(argv[1], "-j") == 0) {
		jobs = strtol(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (jobs < 1)
		jobs = 1;
	pids = xcalloc(n, sizeof(*pids));
	for (;;) {
		while (running < jobs && next < n) {
			i = next++;
			if (argc > 1) {
				for (found = 0, j = 1; j < argc; j++)
					if (strcmp(argv[j], tests[i].name) == 0)
						found = 1;
				if (!found)
					continue;
			}
			if ((pids[i] = start(&tests[i])) == -1)
				failed++;
			else
				running++;
		}
		if (running == 0)
			break;
		while ((pid = wait(&status)) == -1 && errno == EINTR)
			;
		if (pid == -1)
			break;
		for (i = 0; i < n && pids[i] != pid; i++)
			;
		if (i == n)
			continue;
		running--;
		pids[i] = 0;
		if (report(&tests[i], status) == 0)
			passed++;
		else
			failed++;
	}
	xfree(pids);
	printf("%d passed, %d failed\n", passed, failed);
	return (failed == 0 && passed > 0 ? 0 : 1);
}
