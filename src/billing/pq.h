/* SPDX-License-Identifier: MIT */
/*
 * The Parquet reader's insides, shared by its files (pq_*.c) and the unit
 * tests and fuzz target, not by the rest of payerlink (parquet.h is the
 * interface): the thrift compact protocol, the footer's structures, page
 * headers, codecs, encodings and the conversion of values to text.
 */
#ifndef BILLING_PQ_H
#define BILLING_PQ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "billing/csv.h"
#include "billing/parquet.h"
#include "core/arena.h"
#include "core/err.h"

/* Physical types, encodings, codecs and page types: parquet.thrift's
 * numbers. */
enum pq_type {
	PQ_BOOLEAN = 0, PQ_INT32, PQ_INT64, PQ_INT96, PQ_FLOAT, PQ_DOUBLE,
	PQ_BYTE_ARRAY, PQ_FIXED
};
enum pq_encoding {
	PQ_PLAIN = 0, PQ_PLAIN_DICTIONARY = 2, PQ_RLE = 3, PQ_BIT_PACKED = 4,
	PQ_DELTA_BINARY_PACKED = 5, PQ_DELTA_LENGTH_BYTE_ARRAY = 6,
	PQ_DELTA_BYTE_ARRAY = 7, PQ_RLE_DICTIONARY = 8,
	PQ_BYTE_STREAM_SPLIT = 9
};
enum pq_codec {
	PQ_UNCOMPRESSED = 0, PQ_SNAPPY, PQ_GZIP, PQ_LZO, PQ_BROTLI, PQ_LZ4,
	PQ_ZSTD, PQ_LZ4_RAW
};
enum pq_page_type {
	PQ_DATA_PAGE = 0, PQ_INDEX_PAGE, PQ_DICTIONARY_PAGE, PQ_DATA_PAGE_V2
};
enum pq_repetition { PQ_REQUIRED = 0, PQ_OPTIONAL, PQ_REPEATED };

/* What a primitive column's values mean (logical or converted type). */
enum pq_logical {
	PQ_L_NONE = 0, PQ_L_STRING, PQ_L_DECIMAL, PQ_L_DATE, PQ_L_TIMESTAMP,
	PQ_L_TIME, PQ_L_INTEGER, PQ_L_OTHER
};

#define PQ_SCHEMA_MAX	65536	/* schema elements */
#define PQ_CHUNKS_MAX	(1u << 20)	/* row groups x leaf columns */
#define PQ_DEPTH_MAX	32	/* nesting of groups, and of thrift structs */

/* The thrift compact protocol over p[0..end). */
struct tc {
	const uint8_t	*p, *end;
	int		 depth;
	int		 truncated;	/* ran past the end */
	char		 msg[160];
};

enum tc_type {
	TC_STOP = 0, TC_TRUE, TC_FALSE, TC_BYTE, TC_I16, TC_I32, TC_I64,
	TC_DOUBLE, TC_BINARY, TC_LIST, TC_SET, TC_MAP, TC_STRUCT
};

void	 tc_init(struct tc *, const void *p, size_t n);
/* The next field of a struct: 1 (*type, *id set), 0 at its end, -1. */
int	 tc_field(struct tc *, int16_t *last, int *type, int16_t *id);
int	 tc_i32(struct tc *, int type, int32_t *);
int	 tc_i64(struct tc *, int type, int64_t *);
int	 tc_bool(struct tc *, int type, int *);
int	 tc_binary(struct tc *, int type, const uint8_t **, uint32_t *len);
/* A list's header: its element type and count (checked against the
 * bytes left: every element takes one byte at least). */
int	 tc_list(struct tc *, int type, int *elem, uint32_t *n);
/* Enters and leaves a nested struct (depth capped). */
int	 tc_enter(struct tc *, int type);
void	 tc_leave(struct tc *);
int	 tc_skip(struct tc *, int type);
int	 tc_fail(struct tc *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* One schema element. */
struct pq_el {
	char		*name;
	int		 type;		/* enum pq_type, -1 for a group */
	int		 type_length;
	int		 repetition;
	int		 nchildren;
	int		 logical;	/* enum pq_logical */
	int		 scale, precision;	/* decimals */
	int		 unit;		/* timestamps: 0 ms, 1 us, 2 ns */
	int		 utc;
	int		 is_signed;	/* integers */
	int		 converted;	/* converted_type, -1 if none */
	int		 group_kind;	/* groups: 1 MAP, 2 LIST, 0 other */
};

/* A primitive (leaf) column. */
struct pq_leaf {
	int		 el;		/* its schema element */
	int		 top;		/* its top-level column */
	int		 max_def, max_rep;
	char		*path;		/* "a.key_value.key" */
};

/* A leaf's column chunk in one row group. */
struct pq_chunk {
	int64_t		 start;		/* its first page */
	int64_t		 len;		/* total_compressed_size */
	int64_t		 plain_len;	/* total_uncompressed_size */
	int64_t		 num_values;
	int		 codec;
	int		 type;
	int		 external;	/* file_path set: in another file */
	int		 encrypted;
};

struct pq_rowgroup {
	int64_t		 num_rows;
	int64_t		 first_row;
	struct pq_chunk	*chunks;	/* one per leaf */
};

struct pq_meta {
	struct arena	 ar;		/* names, paths, arrays */
	struct pq_el	*el;
	int		 nel;
	struct pq_leaf	*leaf;
	int		 nleaf;
	int		*top;		/* top-level elements */
	char		**top_name;
	int		*top_leaf;	/* the top-level column's first leaf */
	int		 ntop;
	struct pq_rowgroup *rg;
	int		 nrg;
	struct pq_chunk	*chunks;	/* all row groups' */
	int64_t		 num_rows;
	uint64_t	 plain_bytes;
	char		 created_by[128];
};

/* Parses the footer p[0..n) of a file of data_end bytes before it. */
int	 pq_meta_parse(struct pq_meta *, const uint8_t *p, size_t n,
	    uint64_t data_end, char *msg, size_t msglen);
void	 pq_meta_release(struct pq_meta *);

struct pq_page_header {
	int		 type;
	int32_t		 plain_size;	/* uncompressed_page_size */
	int32_t		 size;		/* compressed_page_size */
	int		 has_crc;
	uint32_t	 crc;
	int32_t		 num_values;
	int32_t		 num_nulls;	/* v2 */
	int32_t		 num_rows;	/* v2 */
	int		 encoding;
	int		 def_encoding, rep_encoding;	/* v1 */
	int32_t		 def_len, rep_len;	/* v2 */
	int		 compressed;	/* v2: is_compressed */
	size_t		 header_len;
};

/* 0, or -1 (*truncated set when p[0..n) ends inside the header). */
int	 pq_page_header(const uint8_t *p, size_t n, struct pq_page_header *,
	    int *truncated, char *msg, size_t msglen);

/* One thread's decompressors. */
struct pq_codecs {
	void		*zstd;		/* ZSTD_DCtx */
	void		*gz;		/* struct inflate_state */
};

const char *pq_codec_name(int);
const char *pq_encoding_name(int);
const char *pq_type_name(int);
void	 pq_codecs_release(struct pq_codecs *);
/* Decompresses src[0..n) into exactly dn bytes at dst; -1 with msg if
 * the codec is not one payerlink reads or the data is not dn bytes. */
int	 pq_decompress(struct pq_codecs *, int codec, const uint8_t *src,
	    size_t n, uint8_t *dst, size_t dn, char *msg, size_t msglen);

/* The RLE / bit-packed hybrid of levels and dictionary indexes. */
struct pq_rle {
	const uint8_t	*p, *end;
	int		 bw;
	uint32_t	 run;		/* values left in the current run */
	int		 packed;	/* the run is bit-packed */
	uint32_t	 value;		/* an RLE run's value */
	const uint8_t	*bits;		/* a packed run's next group */
	uint32_t	 bit;		/* bit offset in it */
};

void	 pq_rle_init(struct pq_rle *, const uint8_t *p, size_t n, int bw);
/* The next n values into out; -1 if the data ends first. */
int	 pq_rle_get(struct pq_rle *, uint32_t *out, size_t n);

/* DELTA_BINARY_PACKED. */
struct pq_delta {
	const uint8_t	*p, *end;
	uint64_t	 block, mini;	/* values a block, miniblocks */
	uint64_t	 total, left;	/* values in all, not yet read */
	int64_t		 last;
	int64_t		 min_delta;
	const uint8_t	*widths;	/* the block's miniblock widths */
	uint32_t	 mb;		/* current miniblock */
	uint32_t	 mb_left;	/* values left in it */
	const uint8_t	*mb_p;		/* its bits */
	uint64_t	 mb_bit;
	int		 first;		/* the first value not yet given */
	int		 is32;		/* INT32: wraps at 32 bits */
};

int	 pq_delta_init(struct pq_delta *, const uint8_t *p, size_t n, int is32,
	    char *msg, size_t msglen);
int	 pq_delta_get(struct pq_delta *, int64_t *out, size_t n, char *msg,
	    size_t msglen);
/* Where the encoded values end (after all were read). */
const uint8_t *pq_delta_end(struct pq_delta *, char *msg, size_t msglen);

/* Values to text. */
#define PQ_TEXT_MAX	PARQUET_TEXT_MAX

/* d as decimal text that parses (money_parse, any scale up to 9) to the
 * shortest round-trip decimal of d, rounded as money_parse rounds it. */
size_t	 pq_double_text(double d, char *out);
size_t	 pq_float_text(float d, char *out);
/* The slow path, for tests: the shortest text by printf and strtod. */
size_t	 pq_double_text_ref(double d, char *out);
/* An unscaled decimal (big-endian two's complement, 1 to 16 bytes) with
 * scale as text; -1 if longer than 16 bytes. */
int	 pq_decimal_be_text(const uint8_t *p, size_t n, int scale, char *out);
size_t	 pq_decimal_text(__int128 v, int scale, char *out);
/* Times: value in unit (0 ms, 1 us, 2 ns; 3 days) as
 * "YYYY-MM-DDTHH:MM:SSZ". */
size_t	 pq_time_text(int64_t v, int unit, char *out);
size_t	 pq_int96_text(const uint8_t *p, char *out);
size_t	 pq_int_text(int64_t v, int min_digits, char *out);
/* A number's value at both scales into x (x->ok 0 if it does not fit,
 * or for doubles the fast path does not take); the text is written when
 * !x->ok or text is set, else it is "#". Returns the text's length. */
size_t	 pq_double_num_other(double d, int text, struct parquet_num *x);

/* For 0 <= |d| < 2^19 (bits its bits): the first 10 decimals of its
 * shortest round-trip decimal, *sticky set when that has more (see
 * pq_value.c). */
static inline uint64_t
pq_double_dec10(uint64_t bits, double mag, int *sticky)
{
	unsigned __int128	 p;
	uint64_t		 m = bits & ((1ULL << 52) - 1), fl, n;
	int			 ex = (int)(bits >> 52 & 0x7ff), sh;

	if (ex == 0 && m == 0) {
		*sticky = 0;
		return (0);
	}
	if (ex == 0)
		sh = 1074;
	else {
		m |= 1ULL << 52;
		sh = 1075 - ex;
	}
	/* |d| * 10^10 = p / 2^sh exactly; sh >= 34 here. */
	p = (unsigned __int128)m * 10000000000ULL;
	if (sh >= 128)
		fl = n = 0;
	else {
		fl = (uint64_t)(p >> sh);
		n = fl + (uint64_t)(p >> (sh - 1) & 1);
	}
	*sticky = (double)n / 1e10 != mag;
	return (*sticky ? fl : n);
}

/* u (10 decimals, sticky: more digits follow) at 10^-digits where
 * p = 10^(10 - digits), half-even as money_parse() rounds. */
static inline int64_t
pq_round10(uint64_t u, uint64_t p, int sticky, int neg)
{
	uint64_t	 q = u / p, r = u % p;

	if (r > p / 2 || (r == p / 2 && (sticky || (q & 1))))
		q++;
	return (neg ? -(int64_t)q : (int64_t)q);
}

/* pq_double_num(), inline for the common doubles of cost columns. */
static inline size_t
pq_double_num(double d, int text, struct parquet_num *x)
{
	uint64_t	 bits, u;
	int		 sticky, neg;

	memcpy(&bits, &d, 8);
	if (text || (bits >> 52 & 0x7ff) >= 1023 + 19)
		return (pq_double_num_other(d, text, x));
	neg = (int)(bits >> 63);
	u = pq_double_dec10(bits, neg ? -d : d, &sticky);
	x->ok = 1;
	x->v9 = pq_round10(u, 10, sticky, neg);
	x->v6 = pq_round10(u, 10000, sticky, neg);
	x->text[0] = '#';
	return (1);
}
size_t	 pq_decimal_num(__int128 v, int scale, int text,
	    struct parquet_num *x);

/*
 * A column chunk being read (pq_column.c): pages read from the source into
 * a window, decompressed, their levels and values decoded a batch at a
 * time into fields. Every buffer handed to the decoders has PQ_PAD
 * readable bytes past its end, for 8-byte loads.
 */
#define PQ_BATCH	512
#define PQ_PAD		16
#define PQ_WINDOW	(256u << 10)	/* bytes read at once */
#define PQ_DELTA_MAX	(4u << 20)	/* values of one delta-coded page */

struct pq_vals {
	const uint8_t	*p, *end;
	int		 enc;
	int		 bit;		/* PLAIN BOOLEAN */
	struct pq_rle	 idx;		/* dictionary indexes */
	struct pq_delta	 dl;		/* DELTA_BINARY_PACKED */
	size_t		 n, i;		/* delta-coded or split values */
};

struct pq_col {
	const struct parquet_source *src;
	const char	*name;		/* the file's, for messages */
	const struct pq_meta *m;
	const struct pq_leaf *lf;
	const struct pq_el *el;
	int		 kind;		/* enum parquet_kind */
	struct pq_codecs *codecs;
	/* The chunk. */
	const struct pq_chunk *ch;
	int		 rg;
	uint64_t	 pos, end;	/* next unread file byte, chunk end */
	int64_t		 values_left;	/* values not yet in a page */
	int		 pages;		/* data pages seen */
	/* The window: file bytes [win_pos, win_pos + win_len). */
	uint8_t		*win;
	size_t		 win_cap, win_len;
	uint64_t	 win_pos;
	/* The page. */
	uint8_t		*page;
	size_t		 page_cap;
	uint32_t	 page_left;	/* values (with nulls) left in it */
	struct pq_rle	 def, rep;
	struct pq_vals	 v;
	struct csv_field *mat;		/* DELTA_BYTE_ARRAY's values */
	size_t		 mat_cap;
	uint8_t		*matbuf;
	size_t		 matbuf_cap;
	uint32_t	*lens;		/* DELTA_LENGTH_BYTE_ARRAY's */
	size_t		 lens_cap;
	/* The dictionary. */
	struct csv_field *dict;
	size_t		 ndict;
	uint8_t		*dict_page;
	size_t		 dict_page_cap;
	struct parquet_num *dict_num;	/* typed entries, converted */
	int		 have_dict;
	/* The batch: fields, and the levels they had. */
	struct csv_field f[PQ_BATCH];
	uint32_t	 dl[PQ_BATCH], rl[PQ_BATCH];
	size_t		 nf, fi;		/* fields decoded, used */
	struct parquet_num num[PQ_BATCH];	/* typed values' text */
	char		 last_text[PQ_TEXT_MAX];	/* times: the last one */
	int64_t		 last_time;
	size_t		 last_len;
	uint64_t	 plain;		/* page bytes decoded */
};

int	 pq_col_fail(struct pq_col *, struct err *, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Values of a data page (pq_decode.c): starts reading encoding enc from
 * p[0..n), then the next n values as fields (typed ones as the text of
 * num[]). The dictionary, if any, is c's. */
int	 pq_vals_start(struct pq_col *, struct pq_vals *, int enc,
	    const uint8_t *p, size_t n, struct err *);
int	 pq_vals_get(struct pq_col *, struct pq_vals *, struct csv_field *f,
	    struct parquet_num *num, size_t n, struct err *);
/* Whether column leaf's values can be read as kind; -1 with msg if
 * not. */
int	 pq_col_check(const struct pq_meta *, int leaf, int kind, char *msg,
	    size_t msglen);
void	 pq_col_init(struct pq_col *, const struct parquet_source *,
	    const char *name,
	    const struct pq_meta *, int leaf, int kind, struct pq_codecs *);
void	 pq_col_release(struct pq_col *);
/* Starts reading row group rg's chunk. */
int	 pq_col_start(struct pq_col *, int rg, struct err *);
/* Decodes the next 1 to n (<= PQ_BATCH) level pairs of the chunk into
 * f[0..nf) (the value where the definition level is the column's
 * maximum, else empty), dl and rl; never across a page. -1 on error,
 * 0 with nf 0 at the end of the chunk. */
int	 pq_col_fill(struct pq_col *, size_t n, struct err *);

#endif
