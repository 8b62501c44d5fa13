/* SPDX-License-Identifier: MIT */
/*
 * Cost and usage ingestion: a delivery's life (new, files, report,
 * free). See ingest.h, ingest_internal.h for the other files, and
 * docs/billing.md.
 *
 * Gzip and pipes: a reader (read(2), the digest of the raw bytes, and
 * ISA-L inflate for gzip) fills 8 MiB buffers; the calling thread splits
 * rows (csv.c), parses numbers (money.c), attributes each line by the
 * membership history and adds it to the rollup table (rollup.c). Plain
 * regular files of two ranges or more are mapped instead: split over both
 * cores, or with --threads 1 hashed and parsed in one pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


#include "billing/ingest.h"
#include "billing/ingest_internal.h"
#include "billing/paid.h"
#include "core/clock.h"
#include "core/codec.h"
#include "core/xmalloc.h"

/*
 * A delivery's digest is XXH3-128 of its raw bytes, as `xxh128sum`
 * prints it. It tells a re-delivery of the same bytes from a new one; it
 * authenticates nothing (an upload's SigV4 signature covers the body's
 * SHA-256), so it need not be cryptographic; SHA-256 took 1.7 s of CPU on
 * the 2.4 GB bench file, XXH3-128 runs at memory speed.
 */
void
ingest_digest_init(XXH3_state_t *h)
{
	XXH3_INITSTATE(h);
	(void)XXH3_128bits_reset(h);
}

void
ingest_digest_hex(XXH3_state_t *h, char out[INGEST_DIGEST_HEX + 1])
{
	XXH128_canonical_t	 c;

	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h));
	hex_encode(c.digest, sizeof(c.digest), out);
}


struct ingest_file *
ingest_file_next(struct ingest *ing, const char *name, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct ingest_file	*file;

	if (ing->broken) {
		err_set(e, ERR_INVALID, NULL, NULL,
		    "this delivery already failed");
		return (NULL);
	}
	if (r->n_files >= INGEST_FILES_MAX) {
		err_set(e, ERR_LIMIT, NULL, NULL, "more than %d files in one "
		    "delivery", INGEST_FILES_MAX);
		return (NULL);
	}
	file = &r->files[r->n_files];
	memset(file, 0, sizeof(*file));
	snprintf(file->name, sizeof(file->name), "%s", name);
	return (file);
}

double
ingest_elapsed(const struct timespec *t0)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ((t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9);
}

int
ingest_new(struct store *st, const struct ingest_opts *opts,
    struct ingest **out, struct err *e)
{
	struct ingest	*ing;
	size_t		 n;
	char		 id[ACCOUNT_ID_LEN + 1];

	ing = xcalloc(1, sizeof(*ing));
	ing->st = st;
	if (opts != NULL)
		ing->opts = *opts;
	arena_init(&ing->ar);
	clock_gettime(CLOCK_MONOTONIC, &ing->t0);
	snprintf(ing->rep.role, sizeof(ing->rep.role), "%s",
	    ing->opts.reference ? PAID_ROLE_REFERENCE : PAID_ROLE_BILLING);
	/* Whose bill may come in is decided at the payer's first sight
	 * (payer_fix) and, for a billing transfer's source, once its month
	 * is known (ingest_members_load): the rule is read now, once. */
	if (paid_rule_load(st, &ing->ar, &ing->rule, e) == -1) {
		ingest_free(ing);
		return (-1);
	}
	/* Hourly and resource-level data (the MSP's opt-in): the lines of
	 * the last 14 days, as AWS keeps them, of a bill (never another
	 * payer's history, which Cost Explorer does not read). Off, no line
	 * is at or after INT64_MAX: on_row() pays one compare. */
	ing->hourly_from = INT64_MAX;
	if (ing->rule.hourly && !ing->opts.reference)
		ing->hourly_from = (store_now(st) / MS_PER_DAY -
		    INGEST_HOURLY_DAYS) * MS_PER_DAY;
	if (ing->opts.payer != NULL) {
		n = strlen(ing->opts.payer);
		if (account_id_norm(ing->opts.payer, n, id) == -1) {
			ingest_free(ing);
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "--payer: not an AWS account id (12 digits)"));
		}
		if (paid_import_allowed(&ing->rule, id, ACCOUNT_ID_LEN, "",
		    ing->rep.role, e) == -1) {
			ingest_free(ing);
			return (-1);
		}
		memcpy(ing->rep.payer_id, id, sizeof(id));
		ing->payer_len = ACCOUNT_ID_LEN;
		ing->have_payer = 1;
	}
	if (ing->opts.period != NULL) {
		if (!month_valid(ing->opts.period)) {
			ingest_free(ing);
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "--period: not YYYY-MM"));
		}
		memcpy(ing->rep.period, ing->opts.period, 8);
		(void)month_bounds(ing->rep.period, &ing->period_lo,
		    &ing->period_hi);
		ing->have_period = 1;
	}
	/* Both given: load now, before any helper thread can start. */
	if (ing->have_payer && ing->have_period && ingest_members_load(ing) == -1) {
		*e = ing->mi.err;
		ingest_free(ing);
		return (-1);
	}
	rollup_init(&ing->roll, 1 << 16);
	ingest_commitments_init(&ing->cm);
	*out = ing;
	return (0);
}

const struct ingest_report *
ingest_report(const struct ingest *ing)
{
	return (&ing->rep);
}

void
ingest_free(struct ingest *ing)
{
	if (ing == NULL)
		return;
	rollup_release(&ing->roll);
	ingest_commitments_release(&ing->cm);
	xfree(ing->mi.slots);
	xfree(ing->rep.accounts);
	arena_release(&ing->ar);
	xfree(ing);
}

int
ingest_files(struct store *st, const struct ingest_opts *opts,
    char *const *paths, int n, struct ingest **out, struct err *e)
{
	struct ingest	*ing;
	int		 i, fd, rc;

	*out = NULL;
	if (ingest_new(st, opts, &ing, e) == -1)
		return (-1);
	*out = ing;
	for (i = 0; i < n; i++) {
		if ((fd = open(paths[i], O_RDONLY | O_CLOEXEC)) == -1)
			return (err_set(e, ERR_INVALID, NULL, NULL,
			    "%s: %s", paths[i], strerror(errno)));
#ifdef POSIX_FADV_SEQUENTIAL
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
		rc = ingest_add_fd(ing, fd, paths[i], e);
		close(fd);
		if (rc == -1)
			return (-1);
	}
	if (ingest_commit(ing, e) == -1)
		return (-1);
	ing->rep.seconds = ingest_elapsed(&ing->t0);
	return (0);
}
