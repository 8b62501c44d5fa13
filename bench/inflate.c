/* SPDX-License-Identifier: MIT */
/*
 * bench/inflate FILE.gz: inflate throughput of zlib (streaming), ISA-L
 * igzip (streaming) and libdeflate (whole buffer: the file and its output
 * in memory) on one core, in MB/s of output. Build:
 *   cc -O2 -o inflate bench/inflate.c -lz -lisal -ldeflate
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <zlib.h>

static unsigned char	*in, *out;
static size_t		 in_len;
#define OUT_CHUNK	(8u << 20)

static double
now(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec + t.tv_nsec / 1e9);
}

static size_t
run_zlib(void)
{
	z_stream	 z;
	size_t		 total = 0;
	int		 rc;

	memset(&z, 0, sizeof(z));
	inflateInit2(&z, 16 + MAX_WBITS);
	z.next_in = in;
	z.avail_in = in_len;
	do {
		z.next_out = out;
		z.avail_out = OUT_CHUNK;
		rc = inflate(&z, Z_NO_FLUSH);
		total += OUT_CHUNK - z.avail_out;
		if (rc == Z_STREAM_END && z.avail_in > 0) {
			inflateReset(&z);
			rc = Z_OK;
		}
	} while (rc == Z_OK);
	inflateEnd(&z);
	return (total);
}

static size_t
run_isal(void)
{
	struct inflate_state	 z;
	size_t			 total = 0;

	isal_inflate_init(&z);
	z.crc_flag = ISAL_GZIP;
	z.next_in = in;
	z.avail_in = in_len;
	for (;;) {
		z.next_out = out;
		z.avail_out = OUT_CHUNK;
		if (isal_inflate(&z) < 0)
			break;
		total += OUT_CHUNK - z.avail_out;
		if (z.block_state == ISAL_BLOCK_FINISH) {
			if (z.avail_in == 0)
				break;
			uint8_t *ni = z.next_in;
			uint32_t na = z.avail_in;
			isal_inflate_reset(&z);
			z.crc_flag = ISAL_GZIP;
			z.next_in = ni;
			z.avail_in = na;
		}
	}
	return (total);
}

static size_t
run_libdeflate(void)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	size_t		 isize, got = 0;
	unsigned char	*big;

	/* The gzip trailer's ISIZE (mod 2^32) sizes the output. */
	isize = in[in_len - 4] | in[in_len - 3] << 8 | in[in_len - 2] << 16 |
	    (size_t)in[in_len - 1] << 24;
	while (isize < in_len * 3)
		isize += 1ULL << 32;
	big = malloc(isize);
	if (libdeflate_gzip_decompress(d, in, in_len, big, isize, &got) !=
	    LIBDEFLATE_SUCCESS)
		got = 0;
	free(big);
	libdeflate_free_decompressor(d);
	return (got);
}

int
main(int argc, char **argv)
{
	FILE		*f;
	double		 t;
	size_t		 n;
	struct { const char *name; size_t (*fn)(void); } v[] = {
		{ "zlib", run_zlib }, { "isa-l igzip", run_isal },
		{ "libdeflate (whole buffer)", run_libdeflate } };
	unsigned	 i;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL)
		return (2);
	fseek(f, 0, SEEK_END);
	in_len = ftell(f);
	rewind(f);
	in = malloc(in_len);
	out = malloc(OUT_CHUNK);
	if (fread(in, 1, in_len, f) != in_len)
		return (1);
	for (i = 0; i < 3; i++) {
		t = now();
		n = v[i].fn();
		t = now() - t;
		printf("%-28s %8.0f MB/s out (%zu bytes in %.2f s)\n",
		    v[i].name, n / t / 1e6, n, t);
	}
	return (0);
}
