/* SPDX-License-Identifier: MIT */
/* bench/floor FILE: the floor of CSV reading on one core: read(2) in 8 MiB
 * buffers and count ',' and '\n' with memchr. Prints the counts. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static char	 buf[8 << 20];
	unsigned long long commas = 0, lines = 0;
	const char	*p, *end;
	ssize_t		 n;
	int		 fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) == -1) {
		fprintf(stderr, "usage: floor FILE\n");
		return (2);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		end = buf + n;
		for (p = buf; (p = memchr(p, ',', end - p)) != NULL; p++)
			commas++;
		for (p = buf; (p = memchr(p, '\n', end - p)) != NULL; p++)
			lines++;
	}
	printf("%llu %llu\n", commas, lines);
	return (0);
}
