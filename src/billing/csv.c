/* SPDX-License-Identifier: MIT */
/* The quote-safe CSV splitter: see csv.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__SSE2__)
#include <immintrin.h>
#define CSV_SSE2	1
#endif
#ifdef __x86_64__
#define CSV_AVX2	1	/* built; used where the CPU has it */
#endif

#include "billing/csv.h"
#include "core/xmalloc.h"

void
csv_init(struct csv *c, int ncols, uint64_t line)
{
	int	 i;

	memset(c, 0, sizeof(*c));
	c->ncols = ncols;
	c->line = line;
#ifdef CSV_AVX2
	c->avx2 = __builtin_cpu_supports("avx2") &&
	    __builtin_cpu_supports("pclmul") &&
	    __builtin_cpu_supports("popcnt") &&
	    __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
#endif
	for (i = 0; i < CSV_COLS_MAX; i++)
		c->slot[i] = -1;
	for (i = 0; i < CSV_SLOTS_MAX; i++) {
		c->f[i].p = "";
		c->f[i].len = 0;
	}
}

void
csv_release(struct csv *c)
{
	xfree(c->scratch);
	c->scratch = NULL;
}

void
csv_want(struct csv *c, int col, int slot)
{
	if (col < 0 || col >= c->ncols || col >= CSV_COLS_MAX ||
	    slot < 0 || slot >= CSV_SLOTS_MAX)
		return;
	c->slot[col] = (int16_t)slot;
	if (slot >= c->nslots)
		c->nslots = slot + 1;
}

void
csv_want_lazy(struct csv *c, int col, int slot)
{
	csv_want(c, col, slot);
	if (slot >= 0 && slot < CSV_SLOTS_MAX)
		c->lazy[slot] = 1;
}

static int
fatal(struct csv *c, uint64_t line, int col, const char *fmt, ...)
{
	va_list	 ap;

	c->err_line = line;
	c->err_col = col;
	va_start(ap, fmt);
	vsnprintf(c->err_msg, sizeof(c->err_msg), fmt, ap);
	va_end(ap);
	return (-1);
}

/* Strips a field's quotes and undoubles "" (into scratch when needed). */
static void
unquote(struct csv *c, struct csv_field *f)
{
	const char	*p = f->p + 1, *q;
	size_t		 len = f->len - 1, i;
	char		*d;

	if (len > 0 && p[len - 1] == '"')
		len--;
	if ((q = memchr(p, '"', len)) == NULL) {
		f->p = p;
		f->len = len;
		return;
	}
	if (c->scratch == NULL)
		c->scratch = xmalloc(CSV_SLOTS_MAX * (CSV_FIELD_MAX + 1));
	d = c->scratch + c->scratch_len;
	f->p = d;
	for (i = 0; i < len; i++) {
		*d++ = p[i];
		if (p[i] == '"' && i + 1 < len && p[i + 1] == '"')
			i++;
	}
	f->len = d - f->p;
	c->scratch_len += f->len;
}

static int
emit(struct csv *c, uint64_t line)
{
	int	 s, rc;

	c->scratch_len = 0;
	for (s = 0; s < c->nslots; s++)
		if (c->f[s].len > 0 && c->f[s].p[0] == '"')
			unquote(c, &c->f[s]);
	c->le = NULL;		/* replay() found the lazy ones too */
	c->rows++;
	if ((rc = c->row(c->arg, c->f, line)) != 0)
		c->stopped = 1;
	return (rc);
}

/*
 * The end of a row at pos (a newline, or the end of the input): the last
 * field is p[fstart..pos) less a trailing CR. Returns -1 to stop.
 */
static inline int
row_end(struct csv *c, const char *p, size_t pos, size_t fstart, int col)
{
	size_t	 flen = pos - fstart;
	char	 why[96];
	int	 s;

	if (flen > 0 && p[pos - 1] == '\r')
		flen--;
	if (col == 0 && flen == 0)
		return (0);		/* a blank line */
	if (col != c->ncols - 1) {
		c->rows++;
		snprintf(why, sizeof(why), "row has %d columns, expected %d",
		    col + 1, c->ncols);
		if (c->reject != NULL && c->reject(c->arg, c->line, col + 1,
		    why) != 0) {
			c->stopped = 1;
			return (-1);
		}
		return (0);
	}
	if ((s = c->slot[col]) >= 0) {
		c->f[s].p = p + fstart;
		c->f[s].len = flen;
	}
	return (emit(c, c->line) != 0 ? -1 : 0);
}

#define CSV_BATCH	16	/* blocks whose masks are made at once */

#define TOO_MANY(c) fatal((c), (c)->line, (c)->ncols + 1, \
	"row has more than %d columns", (c)->ncols)
#define TOO_LONG(c, col) fatal((c), (c)->line, (col) + 1, \
	"field longer than %d bytes", CSV_FIELD_MAX)

/* Without -mpopcnt __builtin_popcountll is a libgcc call: SWAR inline. */
static inline int
popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return ((int)((x * 0x0101010101010101ULL) >> 56));
}

static inline uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return (x);
}

/* Bit i of *q, *sep, *nl: byte i of the 64 at p is '"', ',' or '\n', '\n'. */
static inline void
masks(const char *p, uint64_t *q, uint64_t *sep, uint64_t *nl)
{
#ifdef CSV_SSE2
	const __m128i	 Q = _mm_set1_epi8('"'), C = _mm_set1_epi8(',');
	const __m128i	 N = _mm_set1_epi8('\n');
	__m128i		 v0, v1, v2, v3;
	uint64_t	 mc;

	/* Unrolled by hand: -O2 keeps a 4-iteration loop. */
	v0 = _mm_loadu_si128((const __m128i *)p);
	v1 = _mm_loadu_si128((const __m128i *)(p + 16));
	v2 = _mm_loadu_si128((const __m128i *)(p + 32));
	v3 = _mm_loadu_si128((const __m128i *)(p + 48));
#define MASK64(X) ((uint64_t)(unsigned)_mm_movemask_epi8( \
	_mm_cmpeq_epi8(v0, X)) | \
	(uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, X)) << 16 | \
	(uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v2, X)) << 32 | \
	(uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v3, X)) << 48)
	*q = MASK64(Q);
	*nl = MASK64(N);
	mc = MASK64(C);
#undef MASK64
	*sep = mc | *nl;
#else
	uint64_t	 mq = 0, ms = 0, mn = 0;
	int		 i;

	for (i = 0; i < 64; i++) {
		mq |= (uint64_t)(p[i] == '"') << i;
		mn |= (uint64_t)(p[i] == '\n') << i;
		ms |= (uint64_t)(p[i] == '\n' || p[i] == ',') << i;
	}
	*q = mq;
	*sep = ms;
	*nl = mn;
#endif
}

/*
 * The masks of nblk 64-byte blocks at p: sep[i] has the ',' and '\n'
 * outside quotes, nl[i] every '\n'. carry is all ones when p[0] is
 * inside quotes; returns the same for the byte after the blocks.
 */
static uint64_t
blocks_portable(const char *p, size_t nblk, uint64_t carry, uint64_t *sep,
    uint64_t *nl)
{
	uint64_t	 q, sm;
	size_t		 i;

	for (i = 0; i < nblk; i++, p += 64) {
		masks(p, &q, &sm, &nl[i]);
		if (q != 0)
			q = prefix_xor(q);
		q ^= carry;			/* inside quotes */
		carry = (uint64_t)((int64_t)q >> 63);
		sep[i] = sm & ~q;
	}
	return (carry);
}

#ifdef CSV_AVX2
/* blocks_portable() with 32-byte compares and the prefix XOR as one
 * carry-less multiply by all ones; csv_init() checks the CPU. */
__attribute__((target("avx2,pclmul")))
static uint64_t
blocks_avx2(const char *p, size_t nblk, uint64_t carry, uint64_t *sep,
    uint64_t *nl)
{
	const __m256i	 Q = _mm256_set1_epi8('"'), C = _mm256_set1_epi8(',');
	const __m256i	 N = _mm256_set1_epi8('\n');
	const __m128i	 ones = _mm_set1_epi8((char)0xff);
	__m256i		 v0, v1;
	uint64_t	 q, mn, mc;
	size_t		 i;

	for (i = 0; i < nblk; i++, p += 64) {
		v0 = _mm256_loadu_si256((const __m256i *)p);
		v1 = _mm256_loadu_si256((const __m256i *)(p + 32));
#define MASK64(X) ((uint64_t)(uint32_t)_mm256_movemask_epi8( \
	_mm256_cmpeq_epi8(v0, X)) | (uint64_t)(uint32_t) \
	_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, X)) << 32)
		q = MASK64(Q);
		mn = MASK64(N);
		mc = MASK64(C);
#undef MASK64
		q = (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(
		    _mm_cvtsi64_si128((long long)q), ones, 0));
		q ^= carry;
		carry = (uint64_t)((int64_t)q >> 63);
		sep[i] = (mc | mn) & ~q;
		nl[i] = mn;
	}
	return (carry);
}
#endif

/*
 * The per-separator rules for e[0..k), the separators of one row from its
 * start (fields from *fstart, column *col): each field's length cap, too
 * many columns, and the row's end when nl_end says e[k - 1] is its
 * newline. The slow path of csv_scan(): rows that are not plainly good.
 */
static int
replay(struct csv *c, const char *p, const size_t *e, size_t k, int nl_end,
    size_t *fstart, int *col)
{
	size_t	 i, pos;
	int	 s;

	for (i = 0; i < k; i++) {
		pos = e[i];
		if (pos - *fstart > CSV_FIELD_MAX)
			return (TOO_LONG(c, *col));
		if (i + 1 < k || !nl_end) {
			if (*col >= c->ncols - 1)
				return (TOO_MANY(c));
			if ((s = c->slot[*col]) >= 0) {
				c->f[s].p = p + *fstart;
				c->f[s].len = pos - *fstart;
			}
			(*col)++;
			*fstart = pos + 1;
			continue;
		}
		if (row_end(c, p, pos, *fstart, *col) == -1)
			return (-1);
		*col = 0;
		*fstart = pos + 1;
	}
	return (0);
}

/* A wanted column and where it goes. */
struct want {
	size_t			 col;
	struct csv_field	*f;
};

/* Hands out the wanted fields of a good row (see csv_scan()). */
static inline void
fill(struct csv *c, const char *p, const size_t *restrict e,
    const struct want *restrict w, int nw)
{
	size_t		 st, en;
	int		 i;

	for (i = 0; i < nw; i++) {
		st = e[w[i].col - 1] + 1;
		en = e[w[i].col];
		w[i].f->p = p + st;
		w[i].f->len = en - st;
		/* p[st] is the separator when the field is empty. */
		if (p[st] == '"')
			unquote(c, w[i].f);
	}
}

void
csv_fill_lazy(struct csv *c)
{
	size_t		 st, en;
	int		 i;

	if (c->le == NULL)
		return;
	for (i = 0; i < c->nlazy; i++) {
		st = c->le[c->lcol[i] - 1] + 1;
		en = c->le[c->lcol[i]];
		c->f[c->lslot[i]].p = c->lp + st;
		c->f[c->lslot[i]].len = en - st;
		if (c->lp[st] == '"')
			unquote(c, &c->f[c->lslot[i]]);
	}
	c->le = NULL;
}

typedef uint64_t (*blocks_fn)(const char *, size_t, uint64_t, uint64_t *,
    uint64_t *);

/* popcount64(), or the instruction where the caller's target has it. */
#define POPCNT(x) (hw ? __builtin_popcountll(x) : popcount64(x))

/*
 * csv_scan()'s body. Two passes over each 64-byte block: the masks
 * (made CSV_BATCH blocks at a time by blocks()) give the separators
 * outside quotes, whose offsets are written out in a row, four at a time
 * without a test each (a spent mask writes junk past the count, which
 * sep[] has room for); then each newline among them closes a row whose
 * k-th field ends at the k-th offset. A row with exactly ncols columns
 * and shorter than the field cap is handed out directly (the wanted
 * columns only); any other row goes through replay(), which applies the
 * rules separator by separator, so errors and rejects are exactly
 * csv_scan_ref()'s. The offsets of the row still open stay in sep[]: at
 * most ncols - 1 (more is an error), plus one block's and the junk.
 * Compiled twice: with the portable masks, and with the AVX2 ones, where
 * hw brings the popcnt, tzcnt and blsr instructions too.
 */
static inline __attribute__((always_inline)) ssize_t
scan(struct csv *c, const char *p, size_t n, int final, blocks_fn blocks,
    int hw)
{
	const uint64_t	 line0 = c->line;
	const uint64_t	 top = 1ULL << 63;
	const int	 last = c->ncols - 1;
	struct csv_field *f = c->f;
	size_t		 sepb[CSV_COLS_MAX + 129], *sep = sepb + 1;
	int16_t		 wcol[CSV_SLOTS_MAX];
	struct want	 want[CSV_SLOTS_MAX];
	uint64_t	 carry = 0, nl_before = 0, nl, nlo, m;
	uint64_t	 msep[CSV_BATCH], mnl[CSV_BATCH];
	size_t		 base, pos, row_start = 0, fstart, nsep = 0, o, rf, k;
	size_t		 fs, nb = 0, bi = 0, i;
	char		 tail[64] __attribute__((aligned(16)));
	size_t		*e;
	int		 col, s, b, nw = 0;

	/* The wanted columns, one per slot (a later column wins). */
	for (s = 0; s < CSV_SLOTS_MAX; s++)
		wcol[s] = -1;
	for (col = 0; col < c->ncols; col++)
		if ((s = c->slot[col]) >= 0 && s < CSV_SLOTS_MAX)
			wcol[s] = (int16_t)col;
	c->nlazy = 0;
	c->lp = p;
	for (s = 0; s < CSV_SLOTS_MAX; s++)
		if (wcol[s] >= 0 && c->lazy[s]) {
			c->lcol[c->nlazy] = (size_t)wcol[s];
			c->lslot[c->nlazy++] = s;
		} else if (wcol[s] >= 0) {
			want[nw].col = (size_t)wcol[s];
			want[nw++].f = &f[s];
		}

	for (base = 0; base < n; base += 64) {
		if (bi == nb) {
			/* The masks of the next blocks, at most CSV_BATCH. */
			bi = 0;
			nb = (n - base) / 64;
			if (nb > CSV_BATCH)
				nb = CSV_BATCH;
			if (nb > 0)
				carry = blocks(p + base, nb, carry, msep, mnl);
			else {
				memset(tail, 0, sizeof(tail));
				memcpy(tail, p + base, n - base);
				carry = blocks(tail, 1, carry, msep, mnl);
				nb = 1;
			}
		}
		m = msep[bi];
		nl = mnl[bi++];
		o = nsep;
		for (e = sep + nsep, nsep += POPCNT(m); m != 0; e += 4) {
			e[0] = base + __builtin_ctzll(m);
			m &= m - 1;
			e[1] = base + __builtin_ctzll(m | top);
			m &= m - 1;
			e[2] = base + __builtin_ctzll(m | top);
			m &= m - 1;
			e[3] = base + __builtin_ctzll(m | top);
			m &= m - 1;
		}
		if (nl == 0)
			continue;
		m = msep[bi - 1];
		nlo = nl & m;
		rf = 0;
		for (; nlo != 0; nlo &= nlo - 1) {
			b = __builtin_ctzll(nlo);
			pos = base + b;
			/* This newline is separator k; the row is rf..k. */
			k = o + POPCNT(m & ((2ULL << b) - 1)) - 1;
			e = sep + rf;
			if (k - rf == (size_t)last &&
			    pos - row_start <= CSV_FIELD_MAX) {
				/* Field j is e[j - 1] + 1 .. e[j]: the entry
				 * before the row is its start less one, the
				 * newline's is the last field's end. */
				e[-1] = row_start - 1;
				fs = e[last - 1] + 1;
				if (pos > fs && p[pos - 1] == '\r')
					e[last] = pos - 1;
				if (last != 0 || e[last] != fs) {
					c->scratch_len = 0;
					fill(c, p, e, want, nw);
					c->le = e;
					c->rows++;
					if (c->row(c->arg, f, c->line) != 0) {
						c->stopped = 1;
						return (-1);
					}
				}
			} else {
				fstart = row_start;
				col = 0;
				if (replay(c, p, e, k - rf + 1, 1, &fstart,
				    &col) == -1)
					return (-1);
			}
			row_start = pos + 1;
			rf = k + 1;
			c->line = line0 + nl_before + POPCNT(nl &
			    ((2ULL << b) - 1));
		}
		if (rf > 0) {
			/* A few offsets: no memmove call. */
			for (i = rf; i < nsep; i++)
				sep[i - rf] = sep[i];
			nsep -= rf;
		}
		nl_before += POPCNT(nl);
		if (nsep > (size_t)last) {
			/* More separators than a row holds: an error. */
			fstart = row_start;
			col = 0;
			if (replay(c, p, sep, nsep, 0, &fstart, &col) == -1)
				return (-1);
			return (TOO_MANY(c));
		}
	}
	/* The row still open: its separators by the rules. */
	fstart = row_start;
	col = 0;
	if (replay(c, p, sep, nsep, 0, &fstart, &col) == -1)
		return (-1);
	if (!final) {
		if (n - fstart > CSV_FIELD_MAX)
			return (TOO_LONG(c, col));
		return (row_start);
	}
	if (carry)
		return (fatal(c, c->line, col + 1,
		    "unterminated quoted field"));
	if (row_start < n) {
		if (n - fstart > CSV_FIELD_MAX)
			return (TOO_LONG(c, col));
		if (row_end(c, p, n, fstart, col) == -1)
			return (-1);
	}
	return (n);
}
#undef POPCNT

static ssize_t
scan_portable(struct csv *c, const char *p, size_t n, int final)
{
	return (scan(c, p, n, final, blocks_portable, 0));
}

#ifdef CSV_AVX2
__attribute__((target("avx2,pclmul,popcnt,bmi,bmi2")))
static ssize_t
scan_avx2(struct csv *c, const char *p, size_t n, int final)
{
	return (scan(c, p, n, final, blocks_avx2, 1));
}
#endif

ssize_t
csv_scan(struct csv *c, const char *p, size_t n, int final)
{
	if (c->ncols < 1 || c->ncols > CSV_COLS_MAX)
		return (csv_scan_ref(c, p, n, final));
#ifdef CSV_AVX2
	if (c->avx2)
		return (scan_avx2(c, p, n, final));
#endif
	return (scan_portable(c, p, n, final));
}

ssize_t
csv_scan_ref(struct csv *c, const char *p, size_t n, int final)
{
	const uint64_t	 line0 = c->line;
	uint64_t	 nls = 0;
	size_t		 pos, row_start = 0, fstart = 0;
	int		 inq = 0, col = 0, s;

	for (pos = 0; pos < n; pos++) {
		if (p[pos] == '\n')
			nls++;
		if (p[pos] == '"') {
			inq ^= 1;
			continue;
		}
		if (inq || (p[pos] != ',' && p[pos] != '\n'))
			continue;
		if (pos - fstart > CSV_FIELD_MAX)
			return (TOO_LONG(c, col));
		if (p[pos] == ',') {
			if (col >= c->ncols - 1)
				return (TOO_MANY(c));
			if ((s = c->slot[col]) >= 0) {
				c->f[s].p = p + fstart;
				c->f[s].len = pos - fstart;
			}
			col++;
		} else {
			if (row_end(c, p, pos, fstart, col) == -1)
				return (-1);
			col = 0;
			row_start = pos + 1;
			c->line = line0 + nls;
		}
		fstart = pos + 1;
	}
	if (!final) {
		if (n - fstart > CSV_FIELD_MAX)
			return (TOO_LONG(c, col));
		return (row_start);
	}
	if (inq)
		return (fatal(c, c->line, col + 1,
		    "unterminated quoted field"));
	if (row_start < n) {
		if (n - fstart > CSV_FIELD_MAX)
			return (TOO_LONG(c, col));
		if (row_end(c, p, n, fstart, col) == -1)
			return (-1);
	}
	return (n);
}

ssize_t
csv_header(const char *p, size_t n, int final, struct arena *ar,
    char ***names_out, int *ncols_out, char *msg, size_t msglen)
{
	size_t		 start = 0, pos, fstart, end = (size_t)-1;
	char		**names;
	int		 inq = 0, ncols = 0, i;
	struct csv	*c;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	for (pos = start; pos < n; pos++) {
		if (p[pos] == '"')
			inq ^= 1;
		else if (!inq && p[pos] == '\n') {
			end = pos;
			break;
		}
	}
	if (end == (size_t)-1) {
		if (!final) {
			if (n > (size_t)CSV_COLS_MAX * 256) {
				snprintf(msg, msglen, "header row too long");
				return (-1);
			}
			return (0);
		}
		if (inq || n == start) {
			snprintf(msg, msglen, n == start ? "empty file" :
			    "unterminated quote in the header");
			return (-1);
		}
		end = n;
	}
	inq = 0;
	for (pos = start; pos < end; pos++) {
		if (p[pos] == '"')
			inq ^= 1;
		if (p[pos] != ',' || inq)
			continue;
		if (++ncols >= CSV_COLS_MAX) {
			snprintf(msg, msglen, "more than %d columns",
			    CSV_COLS_MAX);
			return (-1);
		}
	}
	ncols++;
	names = arena_zalloc(ar, (size_t)ncols * sizeof(*names));
	/* Reuse the splitter on the one row, every column wanted in turn. */
	c = xmalloc(sizeof(*c));
	fstart = start;
	inq = 0;
	i = 0;
	for (pos = start; pos <= end; pos++) {
		if (pos < end && p[pos] == '"') {
			inq ^= 1;
			continue;
		}
		if (pos < end && (inq || p[pos] != ','))
			continue;
		{
			struct csv_field f = { p + fstart, pos - fstart };

			if (pos == end && f.len > 0 && f.p[f.len - 1] == '\r')
				f.len--;
			c->scratch = NULL;
			c->scratch_len = 0;
			if (f.len > 0 && f.p[0] == '"')
				unquote(c, &f);
			names[i++] = arena_strndup(ar, f.p, f.len);
			xfree(c->scratch);
		}
		fstart = pos + 1;
	}
	xfree(c);
	*names_out = names;
	*ncols_out = ncols;
	return (end < n ? (ssize_t)end + 1 : (ssize_t)n);
}

void
csv_count(const char *p, size_t n, uint64_t *quotes_out, uint64_t *nl_out)
{
	uint64_t	 nq = 0, nn = 0, q, sep, nl;
	size_t		 i;

	for (i = 0; i + 64 <= n; i += 64) {
		masks(p + i, &q, &sep, &nl);
		nq += popcount64(q);
		nn += popcount64(nl);
	}
	for (; i < n; i++) {
		nq += p[i] == '"';
		nn += p[i] == '\n';
	}
	*quotes_out = nq;
	*nl_out = nn;
}

size_t
csv_row_start(const char *p, size_t n, size_t from, int inq)
{
	const char	*q;
	size_t		 pos = from;

	while (pos < n) {
		if (!inq) {
			/* Outside quotes: the next '"' or '\n' decides. */
			q = memchr(p + pos, '\n', n - pos);
			if (q == NULL)
				q = p + n;
			{
				const char *d = memchr(p + pos, '"',
				    (size_t)(q - (p + pos)));

				if (d == NULL)
					return (q < p + n ?
					    (size_t)(q - p) + 1 : n);
				pos = (size_t)(d - p) + 1;
				inq = 1;
			}
		} else {
			if ((q = memchr(p + pos, '"', n - pos)) == NULL)
				return (n);
			pos = (size_t)(q - p) + 1;
			inq = 0;
		}
	}
	return (n);
}
