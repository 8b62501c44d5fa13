/* SPDX-License-Identifier: MIT */
/*
 * The CSV splitter for cost and usage files (RFC 4180: ',' separates, '"'
 * quotes, "" escapes a quote, quoted fields may hold ',' and newlines; CRLF
 * or LF ends a row). It works in place on a buffer of whole rows, 64 bytes
 * at a time with SIMD masks (SSE2, or AVX2 where the CPU has it, checked at
 * run time): a byte is inside quotes when an odd number of '"' precede it
 * in the row (prefix XOR of the quote mask), which is exactly RFC 4180's
 * quoting for well-formed input. Only the columns the caller wants are
 * handed out, as pointers into the buffer: no allocation per field. Owns
 * nothing but its scratch buffer for unescaping.
 *
 * Fatal errors (the file is refused): a row with more columns than the
 * header, a field longer than CSV_FIELD_MAX, an unterminated quote at the
 * end. Rows with too few columns go to the reject callback.
 */
#ifndef BILLING_CSV_H
#define BILLING_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/arena.h"

#define CSV_FIELD_MAX	(64 * 1024)
#define CSV_COLS_MAX	4096
#define CSV_SLOTS_MAX	128	/* cur.h: S_NSLOTS + legacy tag columns */

struct csv_field {
	const char	*p;
	size_t		 len;
};

struct csv;

/* Called for each complete row with the wanted fields (unquoted, by slot)
 * and the row's first line number; a non-zero return stops the scan. */
typedef int	(*csv_row_fn)(void *arg, const struct csv_field *f,
		    uint64_t line);
/* Called for a row with too few columns; non-zero stops the scan. */
typedef int	(*csv_reject_fn)(void *arg, uint64_t line, int col,
		    const char *why);

struct csv {
	int		 ncols;
	int16_t		 slot[CSV_COLS_MAX];	/* column -> slot or -1 */
	int		 nslots;
	struct csv_field f[CSV_SLOTS_MAX];
	csv_row_fn	 row;
	csv_reject_fn	 reject;
	void		*arg;
	uint64_t	 line;		/* line number of the next row */
	uint64_t	 rows;		/* rows handed to row() or reject() */
	char		*scratch;	/* unescaped quoted fields */
	size_t		 scratch_len;
	/* After a fatal error: where and why. */
	uint64_t	 err_line;
	int		 err_col;	/* 1-based column, 0 if none */
	char		 err_msg[160];
	int		 stopped;	/* a callback asked to stop */
	int		 avx2;		/* AVX2 masks (csv_init: if the CPU
					 * has AVX2, PCLMUL, POPCNT, BMI1
					 * and BMI2; tests clear it) */
	/* Lazy slots (csv_want_lazy()): their columns, and the row being
	 * handed out when a good row's fields are still to find (le NULL:
	 * found, or the row went through the slow path, which finds all). */
	uint8_t		 lazy[CSV_SLOTS_MAX];
	int		 nlazy;
	size_t		 lcol[CSV_SLOTS_MAX];
	int		 lslot[CSV_SLOTS_MAX];
	const char	*lp;
	const size_t	*le;
};

/* Sets up c for ncols columns, no column wanted yet, first row on line. */
void	csv_init(struct csv *, int ncols, uint64_t line);
void	csv_release(struct csv *);
/* Hands out column col (0-based) as f[slot]. */
void	csv_want(struct csv *, int col, int slot);
/* The same, but a good row's field is found only when the row callback
 * calls csv_fill_lazy() (a column most rows do not need: no cost to
 * them); until then f[slot] holds an earlier row's. */
void	csv_want_lazy(struct csv *, int col, int slot);
void	csv_fill_lazy(struct csv *);

/*
 * Scans the whole rows of p[0..n), which starts at a row start. Returns the
 * bytes consumed (up to the start of an incomplete last row), or -1 on a
 * fatal error (err_* filled) or when a callback stopped it (stopped set).
 * With final set the buffer ends the input: a last row without newline is a
 * row, an open quote an error.
 */
ssize_t	csv_scan(struct csv *, const char *p, size_t n, int final);
/* The same, byte by byte: the reference the SIMD path is tested against. */
ssize_t	csv_scan_ref(struct csv *, const char *p, size_t n, int final);

/*
 * Parses the header row at the start of p[0..n) (after a UTF-8 BOM, if
 * any): the column names, unquoted, copied into arena. Returns the bytes
 * consumed (BOM and row), 0 if the row is not complete yet (and !final), or
 * -1 if malformed (msg filled).
 */
ssize_t	csv_header(const char *p, size_t n, int final, struct arena *,
	    char ***names_out /* OUT */, int *ncols_out /* OUT */,
	    char *msg, size_t msglen);

/* Number of '"' and '\n' bytes in p[0..n): for parallel splits. */
void	csv_count(const char *p, size_t n, uint64_t *quotes_out /* OUT */,
	    uint64_t *newlines_out /* OUT */);

/*
 * For byte-range splits: the first row start at or after p[from], given
 * inq, whether p[from] is inside quotes (the parity of the '"' before it,
 * from csv_count() over p[0..from)): the byte after the first '\n' outside
 * quotes, or n if there is none. Scanning p[0..s) and p[s..n) (each with
 * final set) hands out exactly the rows of scanning p[0..n) whole.
 */
size_t	csv_row_start(const char *p, size_t n, size_t from, int inq);

#endif
