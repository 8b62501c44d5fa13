/* SPDX-License-Identifier: MIT */
/*
 * The bytes of one file: a reader thread (read(2), the digest, ISA-L
 * inflate for gzip) filling buffers for the parser, the sniff of the
 * format, and ingest_add_fd() choosing the path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "billing/ingest.h"
#include "billing/ingest_internal.h"
#include "billing/parquet.h"
#include "core/xmalloc.h"

/* The reader thread. */

static int
reader_fail(struct reader *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
reader_fail(struct reader *rd, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(rd->msg, sizeof(rd->msg), fmt, ap);
	va_end(ap);
	rd->failed = 1;
	return (-1);
}

static ssize_t
read_full(int fd, unsigned char *p, size_t n)
{
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		r = read(fd, p + got, n - got);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		got += r;
	}
	return (got);
}

/* read_full() after the bytes taken to sniff the format. */
static ssize_t
rd_read(struct reader *rd, unsigned char *p, size_t n)
{
	size_t	 k = 0;
	ssize_t	 r;

	if (rd->npre > 0 && n > 0) {
		k = rd->npre < n ? rd->npre : n;
		memcpy(p, rd->pre, k);
		memmove(rd->pre, rd->pre + k, rd->npre - k);
		rd->npre -= k;
	}
	if ((r = read_full(rd->fd, p + k, n - k)) < 0)
		return (-1);
	return (r + k);
}

/* Fills dst[0..CHUNK) with plain bytes; *eof at the end of input. */
static ssize_t
reader_fill(struct reader *rd, char *dst, int *eof)
{
	struct inflate_state	*z = rd->z;
	ssize_t			 r;
	int			 rc;

	*eof = 0;
	if (!rd->gzip) {
		if ((r = rd_read(rd, (unsigned char *)dst, CHUNK)) < 0)
			return (reader_fail(rd, "%s: read: %s", rd->name,
			    strerror(errno)));
		(void)XXH3_128bits_update(&rd->hash, dst, r);
		rd->raw += r;
		*eof = r < (ssize_t)CHUNK;
		return (r);
	}
	z->next_out = (uint8_t *)dst;
	z->avail_out = CHUNK;
	while (z->avail_out > 0) {
		if (z->avail_in == 0) {
			if ((r = rd_read(rd, rd->in, CHUNK / 2)) < 0)
				return (reader_fail(rd, "%s: read: %s",
				    rd->name, strerror(errno)));
			(void)XXH3_128bits_update(&rd->hash, rd->in, r);
			rd->raw += r;
			z->next_in = rd->in;
			z->avail_in = r;
			if (r == 0) {
				if (z->block_state != ISAL_BLOCK_FINISH ||
				    z->tmp_out_valid > z->tmp_out_processed)
					return (reader_fail(rd, "%s: truncated "
					    "gzip: the input ends at byte %llu "
					    "inside a compressed stream",
					    rd->name,
					    (unsigned long long)rd->raw));
				*eof = 1;
				break;
			}
		}
		if (z->block_state == ISAL_BLOCK_FINISH) {
			/* Another gzip member follows (concatenated). */
			uint8_t *ni = z->next_in;
			uint32_t na = z->avail_in;

			isal_inflate_reset(z);
			z->crc_flag = ISAL_GZIP;
			z->next_in = ni;
			z->avail_in = na;
			z->next_out = (uint8_t *)dst + (CHUNK - z->avail_out);
		}
		rc = isal_inflate(z);
		if (rc < 0)
			return (reader_fail(rd, "%s: corrupt gzip near byte "
			    "%llu (ISA-L error %d)", rd->name,
			    (unsigned long long)(rd->raw - z->avail_in), rc));
	}
	return (CHUNK - z->avail_out);
}

/* Fills slot s: plain bytes, or the end of input, or a failure. */
static void
reader_step(struct reader *rd, struct slot *s)
{
	ssize_t		 n;
	int		 eof = 0;

	n = reader_fill(rd, s->mem + RESERVE, &eof);
	if (n < 0) {
		s->len = 0;
		eof = 1;
	} else {
		s->len = n;
		rd->out += n;
	}
	s->eof = eof;
}

static void *
reader_main(void *arg)
{
	struct reader	*rd = arg;
	struct slot	*s;
	int		 eof = 0;

	while (!eof) {
		pthread_mutex_lock(&rd->lock);
		while (rd->s[rd->head].full && !rd->stop)
			pthread_cond_wait(&rd->cv, &rd->lock);
		if (rd->stop) {
			pthread_mutex_unlock(&rd->lock);
			break;
		}
		s = &rd->s[rd->head];
		pthread_mutex_unlock(&rd->lock);
		reader_step(rd, s);
		eof = s->eof;
		pthread_mutex_lock(&rd->lock);
		s->full = 1;
		rd->head = (rd->head + 1) % NBUF;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->lock);
	}
	return (NULL);
}

int
ingest_add_fd(struct ingest *ing, int fd, const char *name, struct err *e)
{
	struct ingest_report	*r = &ing->rep;
	struct ingest_file	*file;
	struct reader		 rd;
	struct worker		*w = NULL;
	struct stat		 sb;
	pthread_t		 th;
	struct slot		*s, *prev = NULL;
	char			*start, **names, msg[160];
	const char		*tail = NULL;
	size_t			 tail_len = 0, n;
	ssize_t			 used;
	uint64_t		 total = 0, line = 1;
	int			 i, ncols, have_header = 0, rc = -1;
	int			 threaded = 0;

	if ((file = ingest_file_next(ing, name, e)) == NULL)
		return (-1);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		total = sb.st_size;

	memset(&rd, 0, sizeof(rd));
	rd.fd = fd;
	rd.name = name;
	pthread_mutex_init(&rd.lock, NULL);
	pthread_cond_init(&rd.cv, NULL);
	for (i = 0; i < NBUF; i++)
		rd.s[i].mem = xmalloc(RESERVE + CHUNK + 64);
	/* Sniff gzip or Parquet from the first bytes, kept as input (a
	 * pipe cannot rewind). */
	ingest_digest_init(&rd.hash);
	if ((used = read_full(fd, rd.pre, 4)) < 0) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s: read: %s", name,
		    strerror(errno));
		goto out_noreader;
	}
	rd.npre = used;
	if (used >= 2 && rd.pre[0] == 0x1f && rd.pre[1] == 0x8b)
		rd.gzip = 1;
	if (used == 4 && memcmp(rd.pre, PARQUET_MAGIC, 4) == 0) {
		rc = ingest_add_parquet(ing, fd, file, total, rd.pre, e);
		goto out_noreader;
	}
	if (rd.gzip) {
		rd.in = xmalloc(CHUNK / 2);
		rd.z = xcalloc(1, sizeof(*rd.z));
		isal_inflate_init(rd.z);
		rd.z->crc_flag = ISAL_GZIP;
	}
	file->gzip = rd.gzip;
	if (!rd.gzip && total >= 2 * (ing->opts.split_bytes > 0 ?
	    ing->opts.split_bytes : SPLIT_BYTES)) {
		rc = ingest_add_split(ing, fd, file, total, e);
		goto out_noreader;
	}
	w = xcalloc(1, sizeof(*w));
	w->ing = ing;
	w->rep = &ing->rep;
	w->roll = &ing->roll;
	w->name = file->name;
	w->last_acct = "";
	w->last_acct_idx = -1;
	w->currency_len = -1;
	memset(w->last_start, 0, sizeof(w->last_start));
	threaded = ing->opts.threads != 1;
	if (threaded && pthread_create(&th, NULL, reader_main, &rd) != 0)
		threaded = 0;

	for (;;) {
		/* The next buffer, filled by the reader (or here). */
		if (threaded) {
			pthread_mutex_lock(&rd.lock);
			while (!rd.s[rd.tail].full)
				pthread_cond_wait(&rd.cv, &rd.lock);
			s = &rd.s[rd.tail];
			pthread_mutex_unlock(&rd.lock);
		} else {
			s = &rd.s[rd.tail];
			reader_step(&rd, s);
		}
		if (rd.failed) {
			err_set(e, ERR_INVALID, NULL, NULL, "%s", rd.msg);
			goto out;
		}
		start = s->mem + RESERVE - tail_len;
		if (tail_len > 0)
			memmove(start, tail, tail_len);
		n = tail_len + s->len;
		if (prev != NULL) {
			pthread_mutex_lock(&rd.lock);
			prev->full = 0;
			pthread_cond_broadcast(&rd.cv);
			pthread_mutex_unlock(&rd.lock);
		}
		prev = s;
		rd.tail = (rd.tail + 1) % NBUF;
		used = 0;
		if (!have_header) {
			used = csv_header(start, n, s->eof, &ing->ar, &names,
			    &ncols, msg, sizeof(msg));
			if (used < 0) {
				err_set(e, ERR_INVALID, NULL, NULL, "%s:1: %s",
				    name, msg);
				goto out;
			}
			if (used > 0) {
				for (i = 0; i < (int)used; i++)
					line += start[i] == '\n';
				if (ingest_worker_setup(w, names, ncols, line, e) == -1)
					goto out;
				have_header = 1;
			}
		}
		if (have_header) {
			ssize_t k = csv_scan(&w->c, start + used, n - used,
			    s->eof);
			if (w->fatal || k < 0) {
				(void)ingest_scan_error(w, e);
				goto out;
			}
			used += k;
		}
		tail = start + used;
		tail_len = n - used;
		if (s->eof)
			break;
		if (tail_len > RESERVE) {
			(void)ingest_long_row_error(name, have_header ? w->c.line : 1,
			    e);
			goto out;
		}
		if (ing->opts.progress != NULL)
			ing->opts.progress(ing->opts.progress_arg, rd.raw,
			    total);
	}
	if (!have_header) {
		err_set(e, ERR_INVALID, NULL, NULL, "%s: empty file", name);
		goto out;
	}
	file->bytes = rd.raw;
	file->csv_bytes = rd.out;
	file->rows = w->c.rows;
	snprintf(file->format, sizeof(file->format), "%s",
	    cur_format_name(w->fmt));
	ingest_digest_hex(&rd.hash, file->digest);
	r->bytes += rd.raw;
	r->csv_bytes += rd.out;
	r->rows += w->c.rows;
	if (r->format[0] == '\0')
		snprintf(r->format, sizeof(r->format), "%s", file->format);
	r->n_files++;
	if (ing->opts.progress != NULL)
		ing->opts.progress(ing->opts.progress_arg, rd.raw, total);
	rc = 0;
out:
	if (threaded) {
		pthread_mutex_lock(&rd.lock);
		rd.stop = 1;
		for (i = 0; i < NBUF; i++)
			rd.s[i].full = 0;
		pthread_cond_broadcast(&rd.cv);
		pthread_mutex_unlock(&rd.lock);
		/* The reader may be filling a slot: wait for it. */
		pthread_join(th, NULL);
	}
out_noreader:
	if (w != NULL)
		csv_release(&w->c);
	xfree(w);
	for (i = 0; i < NBUF; i++)
		xfree(rd.s[i].mem);
	xfree(rd.in);
	xfree(rd.z);
	pthread_mutex_destroy(&rd.lock);
	pthread_cond_destroy(&rd.cv);
	if (rc == -1)
		ing->broken = 1;
	return (rc);
}
