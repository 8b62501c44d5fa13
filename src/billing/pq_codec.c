/* SPDX-License-Identifier: MIT */
/*
 * Parquet page codecs on Debian's libraries: SNAPPY (libsnappy), GZIP
 * (ISA-L's inflater, as the CSV path uses; gzip, zlib or raw deflate by
 * the first bytes), ZSTD (libzstd, one context per thread). The others
 * (LZO, BROTLI, LZ4, LZ4_RAW) are refused by name. Every page must
 * inflate to exactly the size its header gives.
 */
#include <stdio.h>
#include <string.h>

#include <isa-l/igzip_lib.h>
#include <snappy-c.h>
#include <zstd.h>

#include "billing/pq.h"
#include "core/xmalloc.h"

const char *
pq_codec_name(int c)
{
	static const char *const names[] = { "UNCOMPRESSED", "SNAPPY",
	    "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW" };

	return (c >= 0 && c <= PQ_LZ4_RAW ? names[c] : "unknown");
}

const char *
pq_encoding_name(int e)
{
	static const char *const names[] = { "PLAIN", "GROUP_VAR_INT",
	    "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
	    "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY",
	    "BYTE_STREAM_SPLIT" };

	return (e >= 0 && e <= PQ_BYTE_STREAM_SPLIT ? names[e] : "unknown");
}

const char *
pq_type_name(int t)
{
	static const char *const names[] = { "BOOLEAN", "INT32", "INT64",
	    "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
	    "FIXED_LEN_BYTE_ARRAY" };

	return (t >= 0 && t <= PQ_FIXED ? names[t] : "unknown");
}

void
pq_codecs_release(struct pq_codecs *c)
{
	if (c->zstd != NULL)
		ZSTD_freeDCtx(c->zstd);
	xfree(c->gz);
	memset(c, 0, sizeof(*c));
}

static int
gunzip(struct pq_codecs *c, const uint8_t *src, size_t n, uint8_t *dst,
    size_t dn, char *msg, size_t msglen)
{
	struct inflate_state	*z;
	int			 rc, flag;

	if (n > UINT32_MAX || dn > UINT32_MAX)
		return (snprintf(msg, msglen, "a GZIP page over 4 GiB"), -1);
	if (c->gz == NULL)
		c->gz = xmalloc(sizeof(struct inflate_state));
	z = c->gz;
	/* Parquet says gzip; some writers write zlib or raw deflate. */
	flag = n >= 2 && src[0] == 0x1f && src[1] == 0x8b ? ISAL_GZIP :
	    n >= 2 && (src[0] & 0x0f) == 8 && (src[0] << 8 | src[1]) % 31 == 0 ?
	    ISAL_ZLIB : ISAL_DEFLATE;
	isal_inflate_init(z);
	z->crc_flag = flag;
	z->next_in = (uint8_t *)(uintptr_t)src;
	z->avail_in = (uint32_t)n;
	z->next_out = dst;
	z->avail_out = (uint32_t)dn;
	for (;;) {
		rc = isal_inflate(z);
		if (rc != ISAL_DECOMP_OK)
			break;
		if (z->block_state != ISAL_BLOCK_FINISH)
			break;	/* out of input or output */
		if (z->avail_in == 0 || flag != ISAL_GZIP)
			break;
		/* Another gzip member. */
		{
			uint8_t		*ni = z->next_in, *no = z->next_out;
			uint32_t	 na = z->avail_in, ao = z->avail_out;

			isal_inflate_reset(z);
			z->crc_flag = flag;
			z->next_in = ni;
			z->avail_in = na;
			z->next_out = no;
			z->avail_out = ao;
		}
	}
	if (rc != ISAL_DECOMP_OK || z->block_state != ISAL_BLOCK_FINISH ||
	    z->avail_out != 0) {
		snprintf(msg, msglen, "a GZIP page does not inflate to its "
		    "%zu bytes (ISA-L %d, %u bytes short)", dn, rc,
		    z->avail_out);
		return (-1);
	}
	return (0);
}

int
pq_decompress(struct pq_codecs *c, int codec, const uint8_t *src, size_t n,
    uint8_t *dst, size_t dn, char *msg, size_t msglen)
{
	size_t	 got;

	switch (codec) {
	case PQ_UNCOMPRESSED:
		if (n != dn)
			break;
		memcpy(dst, src, n);
		return (0);
	case PQ_SNAPPY:
		if (snappy_uncompressed_length((const char *)src, n, &got) !=
		    SNAPPY_OK || got != dn)
			break;
		if (snappy_uncompress((const char *)src, n, (char *)dst,
		    &got) != SNAPPY_OK || got != dn)
			break;
		return (0);
	case PQ_GZIP:
		return (gunzip(c, src, n, dst, dn, msg, msglen));
	case PQ_ZSTD:
		if (c->zstd == NULL && (c->zstd = ZSTD_createDCtx()) == NULL) {
			snprintf(msg, msglen, "out of memory for ZSTD");
			return (-1);
		}
		got = ZSTD_decompressDCtx(c->zstd, dst, dn, src, n);
		if (ZSTD_isError(got) || got != dn)
			break;
		return (0);
	default:
		if (codec >= 0 && codec <= PQ_LZ4_RAW)
			snprintf(msg, msglen, "codec %s is not supported "
			    "(payerlink reads UNCOMPRESSED, SNAPPY, GZIP and "
			    "ZSTD)", pq_codec_name(codec));
		else
			snprintf(msg, msglen, "unknown codec %d (payerlink "
			    "reads UNCOMPRESSED, SNAPPY, GZIP and ZSTD)", codec);
		return (-1);
	}
	snprintf(msg, msglen, "a %s page does not decompress to the %zu "
	    "bytes its header says", pq_codec_name(codec), dn);
	return (-1);
}
