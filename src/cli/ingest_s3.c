/* SPDX-License-Identifier: MIT */
/* Cost deliveries from S3 into the ingest. See ingest_s3.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/ingest_s3.h"
#include "billing/parquet.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/every.h"
#include "core/log.h"
#include "rest/import_api.h"

#define S3_OBJECTS_MAX		100000	/* keys listed under one prefix */
#define MANIFEST_MAX		(4 * 1024 * 1024)
#define DELIVERY_FILES_MAX	INGEST_FILES_MAX

struct obj {
	char		*key;
	uint64_t	 size;
	char		 etag[128];
	int64_t		 modified;
	int		 listed;	/* named by some manifest */
};

struct delivery {
	char		*source;	/* s3://bucket/key or s3://bucket/dir/ */
	const char	*kind;		/* manifest | objects */
	char		*group;		/* manifest: report and period */
	char		 version[130];
	char		 period[8];
	int64_t		 modified;
	char		**keys;
	size_t		 nkeys;
	int		 stale;		/* an older manifest of its group */
};

static int
ends_with(const char *s, const char *tail)
{
	size_t	 n = strlen(s), m = strlen(tail);

	return (n >= m && strcmp(s + n - m, tail) == 0);
}

static int
is_data(const char *key)
{
	return (ends_with(key, ".csv") || ends_with(key, ".csv.gz") ||
	    ends_with(key, ".parquet") || ends_with(key, ".snappy.parquet"));
}

static int
parse_url(const char *url, char *bucket, size_t blen, const char **prefix,
    struct err *e)
{
	const char	*p, *slash;

	if (strncmp(url, "s3://", 5) != 0 || url[5] == '\0' || url[5] == '/')
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: expected "
		    "s3://BUCKET[/PREFIX]", url));
	p = url + 5;
	slash = strchr(p, '/');
	if ((size_t)(slash != NULL ? slash - p : (long)strlen(p)) >= blen)
		return (err_set(e, ERR_INVALID, NULL, NULL, "%s: the bucket "
		    "name is too long", url));
	snprintf(bucket, blen, "%.*s", slash != NULL ? (int)(slash - p) :
	    (int)strlen(p), p);
	*prefix = slash != NULL ? slash + 1 : "";
	return (0);
}

/* Every object under prefix, in key order. */
static int
list_objects(struct awsclient *c, struct arena *a, const char *bucket,
    const char *prefix, struct obj **out, size_t *n_out, struct err *e)
{
	struct s3_list_page	 pg;
	struct obj		*v = NULL;
	size_t			 n = 0, cap = 0, i;
	char			*token = NULL;

	for (;;) {
		if (awsclient_s3_list(c, bucket, prefix, NULL, token, 0, &pg,
		    e) == -1)
			return (-1);
		for (i = 0; i < pg.n; i++) {
			if (n == S3_OBJECTS_MAX) {
				s3_list_page_release(&pg);
				return (err_set(e, ERR_LIMIT, NULL, NULL,
				    "s3://%s/%s: more than %d objects; give a "
				    "narrower prefix", bucket, prefix,
				    S3_OBJECTS_MAX));
			}
			if (n == cap) {
				struct obj *nv;

				cap = cap ? cap * 2 : 64;
				nv = arena_zalloc(a, cap * sizeof(*nv));
				if (n > 0)
					memcpy(nv, v, n * sizeof(*nv));
				v = nv;
			}
			v[n].key = arena_strdup(a, pg.objects[i].key);
			v[n].size = pg.objects[i].size;
			snprintf(v[n].etag, sizeof(v[n].etag), "%s",
			    pg.objects[i].etag);
			v[n].modified = pg.objects[i].last_modified_ms;
			n++;
		}
		token = pg.next_token != NULL ? arena_strdup(a,
		    pg.next_token) : NULL;
		s3_list_page_release(&pg);
		if (token == NULL)
			break;
	}
	*out = v;
	*n_out = n;
	return (0);
}

static int
buf_sink(void *arg, const void *p, size_t len, struct err *e)
{
	if (buf_add(arg, p, len) == -1)
		return (err_set(e, ERR_LIMIT, NULL, NULL, "a manifest is "
		    "larger than %d bytes", MANIFEST_MAX));
	return (0);
}

static struct obj *
find(struct obj *v, size_t n, const char *key)
{
	size_t	 lo = 0, hi = n, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(v[mid].key, key)) == 0)
			return (&v[mid]);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (NULL);
}

/* "20261101T000000.000Z" or "2026-11-01T00:00:00Z" -> "2026-11". */
static void
period_of(const char *s, char *out, size_t len)
{
	char	 d[7];
	size_t	 n = 0;

	out[0] = '\0';
	for (; s != NULL && *s != '\0' && n < 6; s++)
		if (*s >= '0' && *s <= '9')
			d[n++] = *s;
		else if (*s != '-')
			break;
	if (n == 6)
		snprintf(out, len, "%.4s-%.2s", d, d + 4);
}

/*
 * The report a manifest belongs to: its key without the segments that name
 * a period or one assembly (20261101-20261201, BILLING_PERIOD=2026-11, a
 * UUID), so that all the manifests of one report and period share it.
 */
static char *
report_of(struct arena *a, const char *key, const char *period)
{
	struct buf	 b;
	const char	*p = key, *slash;
	char		*s;
	size_t		 n, dashes, i;

	buf_init(&b, 0);
	buf_adds(&b, period);
	buf_addc(&b, '|');
	while (*p != '\0') {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		for (i = 0, dashes = 0; i < n; i++)
			dashes += p[i] == '-';
		if (!(strncmp(p, "BILLING_PERIOD=", 15) == 0 ||
		    (n == 17 && dashes == 1 && strspn(p, "0123456789") == 8) ||
		    (n == 36 && dashes == 4))) {
			buf_add(&b, p, n);
			buf_addc(&b, '/');
		}
		p += n;
		if (*p == '/')
			p++;
	}
	s = arena_strdup(a, buf_str(&b));
	buf_release(&b);
	return (s);
}

/* Reads the manifest at key into d; its files must be under the bucket. */
static int
read_manifest(struct awsclient *c, struct arena *a, const char *bucket,
    const struct obj *o, struct delivery *d, struct err *e)
{
	struct s3_sink	 sink;
	struct buf	 b;
	json_error_t	 jerr;
	json_t		*m = NULL, *keys, *v;
	char		 pfx[1100];
	size_t		 i, plen;
	int		 rc = -1;

	buf_init(&b, MANIFEST_MAX);
	sink.fn = buf_sink;
	sink.arg = &b;
	if (awsclient_s3_get(c, bucket, o->key, o->etag, 0, 0, &sink,
	    e) == -1)
		goto out;
	if ((m = json_loadb(buf_str(&b), b.len, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL) {
		err_set(e, ERR_INVALID, NULL, NULL, "s3://%s/%s: not a CUR "
		    "manifest (line %d: %s)", bucket, o->key, jerr.line,
		    jerr.text);
		goto out;
	}
	keys = json_object_get(m, "reportKeys");
	if (!json_is_array(keys))
		keys = json_object_get(m, "dataFiles");
	if (!json_is_array(keys) || json_array_size(keys) == 0 ||
	    json_array_size(keys) > DELIVERY_FILES_MAX) {
		err_set(e, ERR_INVALID, NULL, NULL, "s3://%s/%s: a CUR "
		    "manifest lists its files in \"reportKeys\" or "
		    "\"dataFiles\" (1 to %d)", bucket, o->key,
		    DELIVERY_FILES_MAX);
		goto out;
	}
	snprintf(pfx, sizeof(pfx), "s3://%s/", bucket);
	plen = strlen(pfx);
	d->keys = arena_zalloc(a, json_array_size(keys) * sizeof(*d->keys));
	json_array_foreach(keys, i, v) {
		const char *k = json_string_value(v);

		if (k == NULL) {
			err_set(e, ERR_INVALID, NULL, NULL, "s3://%s/%s: "
			    "file %zu is not a string", bucket, o->key, i);
			goto out;
		}
		if (strncmp(k, "s3://", 5) == 0) {
			if (strncmp(k, pfx, plen) != 0) {
				err_set(e, ERR_INVALID, NULL, NULL, "s3://%s/%s:"
				    " %.200s is in another bucket", bucket,
				    o->key, k);
				goto out;
			}
			k += plen;
		}
		d->keys[d->nkeys++] = arena_strdup(a, k);
	}
	period_of(json_string_value(json_object_get(json_object_get(m,
	    "billingPeriod"), "start")), d->period, sizeof(d->period));
	rc = 0;
out:
	json_decref(m);
	buf_release(&b);
	return (rc);
}

/* FNV-1a over the files' keys and ETags: a folder's version. */
static void
folder_version(struct obj *const *v, size_t n, char *out, size_t len)
{
	uint64_t	 h = 1469598103934665603ULL;
	const char	*p;
	size_t		 i;

	for (i = 0; i < n; i++) {
		for (p = v[i]->key; ; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
			if (*p == '\0')
				break;
		}
		for (p = v[i]->etag; ; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
			if (*p == '\0')
				break;
		}
	}
	snprintf(out, len, "fnv1a64:%016llx:%zu", (unsigned long long)h, n);
}

/* ---- Streaming one object into the ingest ---------------------------- */

struct feed {
	struct awsclient	*c;
	const char		*bucket;
	const char		*key;
	const char		*etag;
	int			 fd;
	int			 rc;
	struct err		 e;
};

static void *
feed_main(void *arg)
{
	struct feed		*f = arg;
	struct s3_read_opts	 ro;
	struct s3_sink		 sink;

	memset(&ro, 0, sizeof(ro));
	sink.fn = s3_sink_fd;
	sink.arg = &f->fd;
	err_clear(&f->e);
	f->rc = awsclient_s3_read(f->c, f->bucket, f->key, &ro, &sink, NULL,
	    &f->e);
	close(f->fd);
	return (NULL);
}

/*
 * A Parquet object, read where it lies: its footer by a ranged GET at the
 * end, then the wanted columns' chunks by ranged GETs from the threads
 * that decode the row groups, and the digest's slices; each GET pinned to
 * the listed ETag (If-Match), so a replaced object fails the delivery
 * rather than mixing two versions. Nothing goes to disk.
 */
struct ranged {
	struct awsclient	*c;
	const char		*bucket;
	const struct obj	*o;
	pthread_mutex_t		 lock;
	int			 failed;
	struct err		 e;		/* the first failure */
};

struct range_buf {
	char	*p;
	size_t	 n, got;
};

static int
range_sink(void *arg, const void *p, size_t len, struct err *e)
{
	struct range_buf	*rb = arg;

	if (len > rb->n - rb->got)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "S3 sent more "
		    "bytes than the range asked"));
	memcpy(rb->p + rb->got, p, len);
	rb->got += len;
	return (0);
}

static ssize_t
ranged_read_at(const struct parquet_source *src, void *p, size_t n,
    uint64_t off)
{
	struct ranged		*rg = src->arg;
	struct range_buf	 rb;
	struct s3_sink		 sink;
	struct err		 e;

	if (off >= src->size || n == 0)
		return (0);
	if (n > src->size - off)
		n = (size_t)(src->size - off);
	rb.p = p;
	rb.n = n;
	rb.got = 0;
	sink.fn = range_sink;
	sink.arg = &rb;
	err_clear(&e);
	if (awsclient_s3_get(rg->c, rg->bucket, rg->o->key, rg->o->etag, off,
	    n, &sink, &e) == -1) {
		pthread_mutex_lock(&rg->lock);
		if (!rg->failed) {
			rg->failed = 1;
			rg->e = e;
		}
		pthread_mutex_unlock(&rg->lock);
		errno = EIO;
		return (-1);
	}
	return ((ssize_t)rb.got);
}

static int
add_parquet_object(struct ingest *ing, struct awsclient *c,
    const char *bucket, const struct obj *o, const char *name,
    struct err *e)
{
	struct parquet_source	 src;
	struct ranged		 rg;
	int			 rc;

	memset(&rg, 0, sizeof(rg));
	rg.c = c;
	rg.bucket = bucket;
	rg.o = o;
	pthread_mutex_init(&rg.lock, NULL);
	memset(&src, 0, sizeof(src));
	src.read_at = ranged_read_at;
	src.arg = &rg;
	src.fd = -1;
	src.size = o->size;
	rc = ingest_add_source(ing, &src, name, e);
	/* S3's own words (PreconditionFailed for a replaced object) say
	 * more than the reader's "Input/output error". */
	if (rc == -1 && rg.failed)
		*e = rg.e;
	pthread_mutex_destroy(&rg.lock);
	return (rc);
}

static int
add_object(struct ingest *ing, struct awsclient *c, const char *bucket,
    const struct obj *o, struct err *e)
{
	struct feed	 f;
	pthread_t	 t;
	const char	*base;
	int		 p[2], rc;

	base = strrchr(o->key, '/');
	if (ends_with(o->key, ".parquet"))
		return (add_parquet_object(ing, c, bucket, o, base != NULL ?
		    base + 1 : o->key, e));
	if (pipe(p) == -1)
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "pipe: out of "
		    "file descriptors"));
	memset(&f, 0, sizeof(f));
	f.c = c;
	f.bucket = bucket;
	f.key = o->key;
	f.etag = o->etag;
	f.fd = p[1];
	if (pthread_create(&t, NULL, feed_main, &f) != 0) {
		close(p[0]);
		close(p[1]);
		return (err_set(e, ERR_INTERNAL, NULL, NULL, "cannot start a "
		    "thread"));
	}
	rc = ingest_add_fd(ing, p[0], base != NULL ? base + 1 : o->key, e);
	close(p[0]);		/* a writer still going gets EPIPE and stops */
	pthread_join(t, NULL);
	/* A read cut short must not pass for a short file. */
	if (f.rc == -1 && (rc == 0 || strstr(f.e.msg, "Broken pipe") == NULL)) {
		*e = f.e;
		return (-1);
	}
	return (rc);
}

static int
import_one(struct store *st, struct awsclient *c, const char *bucket,
    struct obj *all, size_t nall, const struct ingest_opts *base,
    struct delivery *d, json_t *row, struct err *e)
{
	struct ingest_opts	 opts = *base;
	struct ingest		*ing = NULL;
	struct obj		*o;
	int64_t			 id;
	size_t			 i;
	int			 rc = -1;

	if (opts.period == NULL && d->period[0] != '\0')
		opts.period = d->period;
	for (i = 0; i < d->nkeys; i++)
		if (find(all, nall, d->keys[i]) == NULL)
			return (err_set(e, ERR_NOT_FOUND, NULL, NULL, "%s lists "
			    "s3://%s/%s, which is not there (yet)", d->source,
			    bucket, d->keys[i]));
	if (ingest_new(st, &opts, &ing, e) == -1)
		return (-1);
	for (i = 0; i < d->nkeys; i++) {
		o = find(all, nall, d->keys[i]);
		if (add_object(ing, c, bucket, o, e) == -1)
			goto out;
	}
	if (ingest_commit(ing, e) == -1)
		goto out;
	json_object_set_new(row, "Report",
	    import_report_json(ingest_report(ing)));
	id = ingest_report(ing)->import_id;
	if (ingest_source_mark(st, d->source, d->version, id, e) == -1)
		goto out;
	rc = 0;
out:
	ingest_free(ing);
	return (rc);
}

int
ingest_s3(struct store *st, struct awsclient *c, const char *url,
    const struct ingest_opts *base, json_t **out, struct err *e)
{
	struct arena	 a;
	struct obj	*objs = NULL, **files;
	struct delivery	*dv;
	struct err	 de;
	char		 bucket[64];
	const char	*prefix;
	size_t		 nobj = 0, nd = 0, i, j, k, nfiles;
	json_t		*rows, *row;
	int		 seen, imported = 0, already = 0, failed = 0;
	int		 manifests = 0;

	*out = NULL;
	if (parse_url(url, bucket, sizeof(bucket), &prefix, e) == -1)
		return (-1);
	signal(SIGPIPE, SIG_IGN);
	arena_init(&a);
	if (list_objects(c, &a, bucket, prefix, &objs, &nobj, e) == -1) {
		arena_release(&a);
		return (-1);
	}
	dv = arena_zalloc(&a, (nobj + 1) * sizeof(*dv));
	rows = json_array();
	/* Manifests, and the files they name. */
	for (i = 0; i < nobj; i++) {
		struct delivery	*d = &dv[nd];

		if (!ends_with(objs[i].key, "Manifest.json"))
			continue;
		manifests++;
		d->source = arena_printf(&a, "s3://%s/%s", bucket,
		    objs[i].key);
		d->kind = "manifest";
		d->modified = objs[i].modified;
		snprintf(d->version, sizeof(d->version), "%s", objs[i].etag);
		err_clear(&de);
		if (read_manifest(c, &a, bucket, &objs[i], d, &de) == -1) {
			row = json_pack("{s:s, s:s, s:s, s:s}", "Source",
			    d->source, "Kind", d->kind, "Status", "failed",
			    "Error", de.msg);
			json_array_append_new(rows, row);
			failed++;
			continue;
		}
		d->group = report_of(&a, objs[i].key, d->period);
		for (j = 0; j < d->nkeys; j++) {
			struct obj *o = find(objs, nobj, d->keys[j]);

			if (o != NULL)
				o->listed = 1;
		}
		nd++;
	}
	/* Only the latest manifest of each report and period counts. */
	for (i = 0; i < nd; i++)
		for (j = 0; j < nd; j++)
			if (i != j && strcmp(dv[i].group, dv[j].group) == 0 &&
			    (dv[j].modified > dv[i].modified ||
			    (dv[j].modified == dv[i].modified &&
			    strcmp(dv[j].source, dv[i].source) > 0)))
				dv[i].stale = 1;
	/*
	 * Without any manifest, plain data files: one delivery per folder.
	 * With manifests, files none of them names are left alone: they are
	 * an older delivery's (Data Exports overwrite the manifest, not
	 * always the data), and a manifest that could not be read must not
	 * turn its files into plain ones.
	 */
	files = arena_zalloc(&a, (nobj + 1) * sizeof(*files));
	for (i = manifests > 0 ? nobj : 0; i < nobj; i = k) {
		const char	*slash = strrchr(objs[i].key, '/');
		size_t		 dirlen = slash ? (size_t)(slash - objs[i].key +
				    1) : 0;
		struct delivery	*d = &dv[nd];

		nfiles = 0;
		for (k = i; k < nobj; k++) {
			const char *s2 = strrchr(objs[k].key, '/');
			size_t l2 = s2 ? (size_t)(s2 - objs[k].key + 1) : 0;

			if (l2 != dirlen || strncmp(objs[k].key, objs[i].key,
			    dirlen) != 0)
				break;
			if (is_data(objs[k].key) && !objs[k].listed)
				files[nfiles++] = &objs[k];
		}
		if (nfiles == 0)
			continue;
		if (nfiles > DELIVERY_FILES_MAX) {
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s, "
			    "s:s}", "Source", arena_printf(&a, "s3://%s/%.*s",
			    bucket, (int)dirlen, objs[i].key), "Kind",
			    "objects", "Status", "failed", "Error",
			    "more files in one folder than one delivery takes"));
			failed++;
			continue;
		}
		d->source = arena_printf(&a, "s3://%s/%.*s", bucket,
		    (int)dirlen, objs[i].key);
		d->kind = "objects";
		folder_version(files, nfiles, d->version, sizeof(d->version));
		d->keys = arena_zalloc(&a, nfiles * sizeof(*d->keys));
		for (j = 0; j < nfiles; j++)
			d->keys[d->nkeys++] = files[j]->key;
		d->group = d->source;
		nd++;
	}
	for (i = 0; i < nd; i++) {
		struct delivery *d = &dv[i];

		if (d->stale)
			continue;
		row = json_pack("{s:s, s:s, s:s, s:I}", "Source", d->source,
		    "Kind", d->kind, "Period", d->period, "Files",
		    (json_int_t)d->nkeys);
		err_clear(&de);
		if (ingest_source_seen(st, d->source, d->version, &seen,
		    &de) == 0 && seen) {
			json_object_set_new(row, "Status",
			    json_string("already imported"));
			already++;
		} else if (de.code == ERR_NONE && import_one(st, c, bucket,
		    objs, nobj, base, d, row, &de) == 0) {
			json_object_set_new(row, "Status",
			    json_string("imported"));
			imported++;
		} else {
			json_object_set_new(row, "Status", json_string("failed"));
			json_object_set_new(row, "Error", json_string(de.msg));
			failed++;
		}
		json_array_append_new(rows, row);
	}
	*out = json_pack("{s:s, s:o, s:i, s:i, s:i}", "Source", url,
	    "Deliveries", rows, "Imported", imported, "AlreadyImported",
	    already, "Failed", failed);
	arena_release(&a);
	return (0);
}

/* ---- serve --import-s3 ----------------------------------------------- */

static struct {
	struct every		*job;
	struct store		*st;
	struct awsclient	*c;
	char			 url[1100];
} watch;

static void
watch_once(void *arg)
{
	struct ingest_opts	 opts;
	struct err		 e;
	json_t			*res, *v;
	size_t			 i;

	(void)arg;
	memset(&opts, 0, sizeof(opts));
	err_clear(&e);
	if (ingest_s3(watch.st, watch.c, watch.url, &opts, &res, &e) == -1) {
		log_warnx("import from %s failed (next try in its interval): "
		    "%s", watch.url, e.msg);
		return;
	}
	json_array_foreach(json_object_get(res, "Deliveries"), i, v) {
		const char *s = json_string_value(json_object_get(v, "Status"));

		if (s != NULL && strcmp(s, "imported") == 0)
			log_info("imported %s", json_string_value(
			    json_object_get(v, "Source")));
		else if (s != NULL && strcmp(s, "failed") == 0)
			log_warnx("import of %s failed: %s", json_string_value(
			    json_object_get(v, "Source")), json_string_value(
			    json_object_get(v, "Error")));
	}
	json_decref(res);
}

int
ingest_s3_watch_start(struct store *st, const char *url, unsigned interval_s,
    struct err *e)
{
	struct awsclient_opts	 o;
	char			 bucket[64];
	const char		*prefix;

	if (parse_url(url, bucket, sizeof(bucket), &prefix, e) == -1)
		return (-1);
	memset(&o, 0, sizeof(o));
	if (awsclient_new(&o, &watch.c, e) == -1)
		return (-1);
	watch.st = st;
	snprintf(watch.url, sizeof(watch.url), "%s", url);
	signal(SIGPIPE, SIG_IGN);
	if (every_start("--import-s3", interval_s > 0 ? interval_s : 300,
	    watch_once, NULL, &watch.job, e) == -1) {
		awsclient_free(watch.c);
		watch.c = NULL;
		return (-1);
	}
	return (0);
}

void
ingest_s3_watch_stop(void)
{
	if (watch.job == NULL)
		return;
	every_stop(watch.job);
	watch.job = NULL;
	awsclient_free(watch.c);
	watch.c = NULL;
}
