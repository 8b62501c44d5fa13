/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz target's corpus without libFuzzer, so `make test` runs
 * every saved input (under the sanitizers too). Usage: TARGET DIR|FILE...
 * A crash or sanitizer report ends the process; otherwise it prints
 * "N passed, 0 failed".
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
replay_file(const char *path)
{
	FILE		*f;
	uint8_t		*p;
	long		 len;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return (-1);
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = xmalloc((size_t)len + 1);
	if (fread(p, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		xfree(p);
		return (-1);
	}
	fclose(f);
	LLVMFuzzerTestOneInput(p, (size_t)len);
	xfree(p);
	return (0);
}

int
main(int argc, char **argv)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	char		 path[4096];
	int		 i, n = 0, bad = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == -1) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			if (replay_file(argv[i]) == 0)
				n++;
			else
				bad++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL) {
			bad++;
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			if (replay_file(path) == 0)
				n++;
			else
				bad++;
		}
		closedir(d);
	}
	printf("%d passed, %d failed\n", n, bad);
	return (bad != 0 || n == 0);
}
