/* SPDX-License-Identifier: MIT */
/*
 * Private to the ingest files of src/billing: the delivery, the reader of
 * a file's bytes, the parsing worker, and what the files share. Which file
 * holds what: ingest.c the delivery's life (new, files, free), ingest_row.c
 * the header and each row (checks, attribution, the rollup key),
 * ingest_read.c the bytes of a file (gzip, pipes, the sniff), ingest_split.c
 * plain files split over both cores, ingest_parquet.c Parquet files,
 * ingest_commit.c the new version written under its lease.
 */
#ifndef BILLING_INGEST_INTERNAL_H
#define BILLING_INGEST_INTERNAL_H

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <isa-l/igzip_lib.h>
#define XXH_STATIC_LINKING_ONLY	/* XXH3_state_t in our structs */
#include <xxhash.h>

#include "billing/attrs.h"
#include "billing/csv.h"
#include "billing/cur.h"
#include "billing/ingest.h"
#include "billing/money.h"
#include "billing/paid.h"
#include "billing/rollup.h"

#define CHUNK		(8u << 20)	/* bytes per read buffer */
#define RESERVE		(4u << 20)	/* longest row carried over */
#define NBUF		3
#define BATCH		100000		/* rollup rows per transaction */
#define DELETE_BATCH	2000		/* a failed import's rows deleted per
					   transaction (~400 KB of WAL) */
#define ORPHANS_MAX	64		/* running imports judged per import */
#define WAIT_MS		200		/* polls for the same delivery */
#define BALLAST_ROWS	10000		/* imports with space set aside */
#define KEY_MAX		(2432 + 2 + ATTRS_MAX + 8)	/* 11 + 7 x 256 key
				   bytes, then the last account; attrs */
/* A rollup key: the usage day (10 bytes), the in-membership flag, then
 * seven strings each after its length byte, the account first, then the
 * attrs (billing/attrs.h) after their two length bytes (little-endian).
 * An hourly row's key (hourly and resource-level data) is its line's
 * rollup key with KEY_HOURLY in the flag byte, then the hour of the day
 * (a byte) and the resource id after its length byte: both kinds share
 * the delivery's rollup table, so splits and threads merge them alike. */
#define KEY_IN_MEMBERSHIP(k)	((k)[10] & 1)
#define KEY_FLAGS(k)		((k)[10])
#define KEY_HOURLY		2
#define KEY_HOURLY_EXTRA	(1 + 1 + 255)	/* hour, resource id */
#define KEY_STRINGS(k)		((k) + 11)	/* the first string's length byte */
#define KEY_ACCOUNT_LEN(k)	((size_t)(unsigned char)KEY_STRINGS(k)[0])
#define KEY_ACCOUNT(k)		(KEY_STRINGS(k) + 1)
#define HOUR_MS		(3600LL * 1000)
#define IV_MAX		8		/* memberships cached per account */

/* The payer's memberships in the period, indexed by account for
 * attribution: loaded once the delivery's payer and period are known. */
struct member_idx {
	struct billing_membership *m;	/* sorted by account, joined_at */
	size_t			 n;
	uint32_t		*slots;		/* first index + 1 of an account;
						   NULL: not loaded yet */
	size_t			 mask;
	struct err		 err;		/* why loading failed, if it did */
};

struct split;

/*
 * The delivery's reservations and Savings Plans (ingest_commitments.c):
 * per kind and ARN, its attrs' fields (attrs.h) as the first lines naming
 * it give them; shared by the parsing threads under lock, in an
 * open-addressing table of at most INGEST_COMMITMENTS_MAX (more are left
 * out, counted). Few, so a line of one pays a lookup only.
 */
#define INGEST_COMMITMENTS_MAX	BILLING_COMMITMENTS_MAX
struct commitment {
	char		 kind;			/* 'r' or 's' (ATTRS_ARN_*) */
	unsigned	 have;			/* fields set, by bit */
	char		 arn[COMMIT_ARN_MAX + 1];
	char		 f[COMMIT_NFIELDS][COMMIT_FIELD_MAX + 1];
};
struct commitments {
	pthread_mutex_t		 lock;
	int			 ready;		/* lock initialized */
	struct commitment	*c;
	size_t			 n, cap;
	uint32_t		*slots;		/* index + 1; 0 empty */
	uint64_t		 dropped;
};

struct ingest {
	struct store		*st;
	struct ingest_opts	 opts;
	struct arena		 ar;
	struct rollup		 roll;
	struct commitments	 cm;
	struct member_idx	 mi;
	struct ingest_report	 rep;
	size_t			 payer_len;
	/* The payer as the first row wrote it (it may lack the leading
	 * zeros of rep.payer_id): later rows compare their bytes first. */
	char			 payer_raw[ACCOUNT_ID_LEN + 1];
	size_t			 payer_raw_len;
	struct paid_rule	 rule;		/* whose bills are the MSP's */
	int64_t			 period_lo, period_hi;	/* ms, [lo, hi) */
	/* Lines from this hour on are also kept by hour and resource
	 * (paid_hourly()); INT64_MAX: none. */
	int64_t			 hourly_from;
	int			 have_payer, have_period, have_currency;
	int			 broken;	/* an add failed */
	struct timespec		 t0;
	struct split		*split;		/* the file being split */
};

/* One buffer between the reader and the parser. */
struct slot {
	char		*mem;		/* RESERVE + CHUNK + 64 */
	size_t		 len;		/* bytes at mem + RESERVE */
	int		 eof;
	int		 full;
};

struct reader {
	int		 fd;
	int		 gzip;
	struct slot	 s[NBUF];
	int		 head, tail;	/* fill at head, parse at tail */
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	int		 stop;		/* the parser gave up */
	int		 failed;
	char		 msg[200];
	uint64_t	 raw;		/* bytes read */
	uint64_t	 out;		/* bytes handed to the parser */
	XXH3_state_t	 hash;		/* of the raw bytes */
	unsigned char	*in;		/* gzip input */
	struct inflate_state *z;
	const char	*name;
	unsigned char	 pre[4];	/* sniffed bytes not yet handed out */
	size_t		 npre;
};

/*
 * The attrs of recent rows by their inputs (ingest_attrs.c): a file has
 * few distinct tag sets and zones, and parsing them costs a row more than
 * all else in ingest_on_row(). Two-way on a hash of the inputs, which a
 * hit compares in full. A slot's buf holds the inputs, then the attrs.
 */
#define ATTRS_MEMO_SLOTS	256
#define ATTRS_MEMO_BYTES	1008	/* inputs + attrs of a slot */
struct attrs_memo {
	/* The slots compute() reads that the file has (others are always
	 * empty), once known (nin > 0). */
	int		 nin;
	int		 in_slot[ATTR_NDIMS + CUR_TAG_COLUMNS_MAX + 5];
	char		 in[ATTRS_MEMO_BYTES];	/* the row's inputs */
	struct {
		uint64_t	 hash;
		uint16_t	 inlen, outlen;	/* 0, 0: empty */
		uint16_t	 dropped;	/* tags_dropped of a computation */
		char		 buf[ATTRS_MEMO_BYTES];
	}		 slot[ATTRS_MEMO_SLOTS];
	unsigned char	 victim[ATTRS_MEMO_SLOTS / 2];	/* 0 or 1 of a pair */
};

/* The parsing side of one file. */
struct worker {
	struct ingest	*ing;
	struct ingest_report *rep;	/* &ing->rep, or a helper's own */
	struct rollup	*roll;		/* &ing->roll, or a helper's own */
	struct csv	 c;
	enum cur_format	 fmt;
	const char	*name;
	char		*const *cols;
	int		 col_of[CSV_SLOTS_MAX];	/* slot -> column or -1 */
	/* Legacy CUR's tag and cost category columns, slot S_NSLOTS + i:
	 * their kind (attrs.h) and key (in cols). */
	int		 ntagcols;
	char		 tagkind[CUR_TAG_COLUMNS_MAX];
	const char	*tagkey[CUR_TAG_COLUMNS_MAX];
	char		 jbuf[ATTRS_MAX];	/* JSON strings with escapes */
	struct attrs_memo memo;
	char		 last_start[13];
	int64_t		 last_hour;
	const char	*last_acct;		/* raw, as the file wrote it */
	size_t		 last_acct_len;
	char		 last_raw[ACCOUNT_ID_LEN];
	char		 acct_id[ACCOUNT_ID_LEN + 1];	/* normalized */
	int64_t		 last_acct_idx;
	/* The last account's hours in the payer's organization: [lo, hi)
	 * ranges, or niv -1 when it has more than IV_MAX memberships. */
	int		 niv;
	int		 currency_len;	/* of rep->currency, -1: not known */
	int64_t		 iv[IV_MAX][2];
	int		 fatal;
	uint32_t	 nums;		/* Parquet: slots of parquet_num */
	char		 msg[256];		/* as struct err's */
	char		 key[KEY_MAX + KEY_HOURLY_EXTRA];
	/* Commitments this worker found complete (all the file says of
	 * them noted), by a hash of kind and ARN: their lines skip the
	 * lock. Direct-mapped. */
	uint64_t	 cm_done[64];
};

/* ingest.c */
void	ingest_digest_init(XXH3_state_t *);
void	ingest_digest_hex(XXH3_state_t *, char out[INGEST_DIGEST_HEX + 1]);
double	ingest_elapsed(const struct timespec *t0);
/* The report's entry for the delivery's next file, named; NULL (e set)
 * when the delivery failed already or has INGEST_FILES_MAX files. */
struct ingest_file *ingest_file_next(struct ingest *, const char *name,
	    struct err *);

/* ingest_row.c */
/* The payer's memberships of the period, indexed (once payer and period
 * are known; helpers start after). */
int	ingest_members_load(struct ingest *);
/* The header: format, wanted columns; -1 if not a format we read. */
int	ingest_worker_setup(struct worker *, char **names, int ncols,
	    uint64_t line, struct err *);
/* One row of w's file (csv.h's row callback); _hourly also keeps the
 * lines of hourly and resource-level data (ing->hourly_from). The worker
 * setup sets the one the delivery needs as w->c.row. */
int	ingest_on_row(void *w, const struct csv_field *, uint64_t line);
int	ingest_on_row_hourly(void *w, const struct csv_field *, uint64_t line);
/* The error of a failed scan: the worker's own or the splitter's. */
int	ingest_scan_error(const struct worker *, struct err *);

/* ingest_commitments.c */
void	ingest_commitments_init(struct commitments *);
void	ingest_commitments_release(struct commitments *);
/* A row naming a reservation or a Savings Plan (f[S_RI_ARN] or
 * f[S_SP_ARN] not empty): notes what it says of it. */
void	ingest_commitment_note(struct worker *, const struct csv_field *);
/* A commitment's attrs (attrs.h) into out (COMMIT_ATTRS_MAX bytes),
 * NUL-terminated. */
void	ingest_commitment_attrs(const struct commitment *, char *out);

/* ingest_attrs.c */
/* Reads column col of the header if it is a legacy tag or cost category
 * column (1), else 0 (past CUR_TAG_COLUMNS_MAX too). */
int	ingest_attrs_setup(struct worker *, int col, const char *name);
/* The row's attrs (billing/attrs.h) into out (ATTRS_MAX + 8 bytes); the
 * length. */
size_t	ingest_attrs(struct worker *, const struct csv_field *, char *out);

/* A row still open after RESERVE bytes: no buffer holds it. */
int	ingest_long_row_error(const char *name, uint64_t line, struct err *);

/* ingest_split.c */
#define SPLIT_BYTES	(16u << 20)	/* default range of a split */
/* A plain regular file of size bytes, mapped and parsed by range. */
int	ingest_add_split(struct ingest *, int fd, struct ingest_file *,
	    uint64_t size, struct err *);
/* Adds a helper worker's report and rollups to the delivery's. */
int	ingest_split_merge(struct ingest *, struct worker *, struct err *);

/* ingest_parquet.c */
/* A Parquet file (pre: its sniffed first bytes). */
int	ingest_add_parquet(struct ingest *, int fd, struct ingest_file *,
	    uint64_t size, const unsigned char *pre, struct err *);

/*
 * An AWS account id into out (12 digits and a NUL): 12 digits as they
 * are, fewer left-padded with zeros (a spreadsheet drops them). -1 for
 * anything else (12ab, 13 digits, empty).
 */
static inline int
account_id_norm(const char *p, size_t len, char out[ACCOUNT_ID_LEN + 1])
{
	uint64_t	 a, b;
	size_t		 i;

	if (len == ACCOUNT_ID_LEN) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 4, 8);
		if (MONEY_DIGITS8(a) | MONEY_DIGITS8(b))
			return (-1);
		memcpy(out, p, ACCOUNT_ID_LEN);
		out[ACCOUNT_ID_LEN] = '\0';
		return (0);
	}
	if (len == 0 || len > ACCOUNT_ID_LEN)
		return (-1);
	for (i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return (-1);
	memset(out, '0', ACCOUNT_ID_LEN - len);
	memcpy(out + ACCOUNT_ID_LEN - len, p, len);
	out[ACCOUNT_ID_LEN] = '\0';
	return (0);
}

#endif
