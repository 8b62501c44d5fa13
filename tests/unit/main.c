/* SPDX-License-Identifier: MIT */
/*
 * The unit test runner: runs each test of list.h (or those named on the
 * command line) in its own child with a timeout, prints one line per test and
 * a closing "N passed, N failed".
 */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

	return (d != NULL ? d : "../shared/data");
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

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static int
run(const struct test *t)
{
	pid_t	 pid;
	int	 status;

	fflush(stdout);
	if ((pid = fork()) == -1) {
		perror("fork");
		return (-1);
	}
	if (pid == 0) {
		alarm(TEST_TIMEOUT);
		t->fn();
		if (tmpdir[0] != '\0')
			nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		exit(0);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
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

int
main(int argc, char **argv)
{
	size_t	 i, n = sizeof(tests) / sizeof(tests[0]);
	int	 passed = 0, failed = 0, j, found;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < n; i++)
			printf("%s\n", tests[i].name);
		return (0);
	}
	for (i = 0; i < n; i++) {
		if (argc > 1) {
			for (found = 0, j = 1; j < argc; j++)
				if (strcmp(argv[j], tests[i].name) == 0)
					found = 1;
			if (!found)
				continue;
		}
		if (run(&tests[i]) == 0)
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return (failed == 0 && passed > 0 ? 0 : 1);
}
