/* SPDX-License-Identifier: MIT */
/* The watched import directory of `serve --import-dir`: see import_dir.h. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "billing/ingest.h"
#include "cli/import_dir.h"
#include "core/every.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "rest/import_api.h"

#define SEEN_MAX	256		/* files tracked between scans */

struct seen {
	char	 name[256];
	off_t	 size;
	time_t	 mtime;
	int	 live;
};

struct import_dir {
	struct store	*st;
	char		 dir[1024];
	struct every	*job;		/* scan() every second */
	struct seen	 seen[SEEN_MAX];
};

static int
wanted(const char *n)
{
	size_t	 len = strlen(n);

	if (n[0] == '.')
		return (0);
	return ((len > 4 && strcmp(n + len - 4, ".csv") == 0) ||
	    (len > 7 && strcmp(n + len - 7, ".csv.gz") == 0) ||
	    (len > 8 && strcmp(n + len - 8, ".parquet") == 0));
}

static void
write_report(const char *path, json_t *o)
{
	if (json_dump_file(o, path, JSON_INDENT(2)) == -1)
		log_warnx("import-dir: cannot write %s", path);
	json_decref(o);
}

/* Ingests DIR/name and files it under imported/ or failed/. */
static void
take(struct import_dir *d, const char *name)
{
	struct ingest	*ing = NULL;
	struct err	 e;
	char		 src[1400], dst[1400], rep[1500], *paths[1];
	const char	*sub;
	int		 rc;

	snprintf(src, sizeof(src), "%s/%s", d->dir, name);
	paths[0] = src;
	err_clear(&e);
	rc = ingest_files(d->st, NULL, paths, 1, &ing, &e);
	sub = rc == 0 ? "imported" : "failed";
	snprintf(dst, sizeof(dst), "%s/%s", d->dir, sub);
	(void)mkdir(dst, 0755);
	snprintf(dst, sizeof(dst), "%s/%s/%s", d->dir, sub, name);
	snprintf(rep, sizeof(rep), "%s.json", dst);
	if (rename(src, dst) == -1)
		log_warnx("import-dir: cannot move %s: %s", src,
		    strerror(errno));
	if (rc == 0) {
		write_report(rep, import_report_json(ingest_report(ing)));
		log_info("import-dir: %s: %s", name, ingest_report(ing)->status);
	} else {
		write_report(rep, json_pack("{s:s}", "error", e.msg));
		log_warnx("import-dir: %s: %s", name, e.msg);
	}
	ingest_free(ing);
}

static void
scan(void *arg)
{
	struct import_dir	*d = arg;
	struct dirent	*de;
	struct stat	 sb;
	DIR		*dp;
	char		 path[1400];
	size_t		 i, freei;

	if ((dp = opendir(d->dir)) == NULL)
		return;
	for (i = 0; i < SEEN_MAX; i++)
		d->seen[i].live = 0;
	while ((de = readdir(dp)) != NULL) {
		if (!wanted(de->d_name) || strlen(de->d_name) >= 256)
			continue;
		snprintf(path, sizeof(path), "%s/%s", d->dir, de->d_name);
		if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
			continue;
		freei = SEEN_MAX;
		for (i = 0; i < SEEN_MAX; i++) {
			if (d->seen[i].name[0] == '\0') {
				if (freei == SEEN_MAX)
					freei = i;
				continue;
			}
			if (strcmp(d->seen[i].name, de->d_name) == 0)
				break;
		}
		if (i < SEEN_MAX && d->seen[i].size == sb.st_size &&
		    d->seen[i].mtime == sb.st_mtime) {
			/* Unchanged since the last scan: complete. */
			d->seen[i].name[0] = '\0';
			take(d, de->d_name);
			continue;
		}
		if (i == SEEN_MAX)
			i = freei;
		if (i == SEEN_MAX)
			continue;	/* full: seen on a later scan */
		snprintf(d->seen[i].name, sizeof(d->seen[i].name), "%s",
		    de->d_name);
		d->seen[i].size = sb.st_size;
		d->seen[i].mtime = sb.st_mtime;
		d->seen[i].live = 1;
	}
	closedir(dp);
	for (i = 0; i < SEEN_MAX; i++)
		if (!d->seen[i].live)
			d->seen[i].name[0] = '\0';
}

int
import_dir_start(struct store *st, const char *dir, struct import_dir **out,
    struct err *e)
{
	struct import_dir	*d;
	struct stat		 sb;

	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "--import-dir: %s is not a directory", dir));
	if (strlen(dir) >= sizeof(d->dir))
		return (err_set(e, ERR_INVALID, NULL, NULL,
		    "--import-dir: path too long"));
	d = xcalloc(1, sizeof(*d));
	d->st = st;
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	if (every_start("--import-dir", 1, scan, d, &d->job, e) == -1) {
		xfree(d);
		return (-1);
	}
	*out = d;
	return (0);
}

void
import_dir_stop(struct import_dir *d)
{
	if (d == NULL)
		return;
	every_stop(d->job);
	xfree(d);
}
