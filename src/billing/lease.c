/* SPDX-License-Identifier: MIT */
/*
 * Import leases: see lease.h. Owns this process's identity, the registry
 * of the imports its ingests hold, and one heartbeat thread per ingest.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "billing/lease.h"
#include "core/codec.h"
#include "core/log.h"
#include "core/xmalloc.h"

#define LEASE_IDS	72	/* an ingest's import and the orphans it cleans */

struct lease {
	struct store	*st;
	int64_t		 ids[LEASE_IDS];
	size_t		 n;
	pthread_t	 th;
	int		 started;	/* th runs */
	pthread_cond_t	 cv;
	int		 stop;
	struct lease	*next;		/* in the registry */
};

/* The registry: every lease of the process, guarded by one mutex (also
 * for each lease's ids and stop flag). */
static pthread_mutex_t	 reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lease	*reg;

static pthread_once_t	 self_once = PTHREAD_ONCE_INIT;
static char		 self_owner[33];
static char		 self_host[65];
static char		 self_proc[96];		/* "" when /proc cannot say */
static char		 self_ns[64];		/* "boot:pidns" of self_proc */

static int
read_line(const char *path, char *buf, size_t len)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "re")) == NULL)
		return (-1);
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return (-1);
	buf[strcspn(buf, "\n")] = '\0';
	return (0);
}

/*
 * A process's start time (clock ticks after boot, field 22 of
 * /proc/PID/stat), which tells a pid reused from the one recorded. The
 * process name in parentheses may hold spaces: count after the last ')'.
 */
static int
proc_start(pid_t pid, unsigned long long *out)
{
	char		 path[64], buf[1024], *p;
	int		 field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_line(path, buf, sizeof(buf)) == -1 ||
	    (p = strrchr(buf, ')')) == NULL)
		return (-1);
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL)
		return (-1);
	*out = strtoull(p + 1, NULL, 10);
	return (0);
}

static void
self_init(void)
{
	unsigned char		 r[16];
	char			 boot[64], ns[64], buf[1024];
	unsigned long long	 start;
	ssize_t			 n;

	random_bytes(r, sizeof(r));
	hex_encode(r, sizeof(r), self_owner);
	if (gethostname(self_host, sizeof(self_host) - 1) == -1)
		snprintf(self_host, sizeof(self_host), "unknown");
	/*
	 * Only when /proc shows this process's own PID namespace (its pid in
	 * /proc/self/stat is getpid()): under `unshare --pid` without a new
	 * /proc mount it shows the parent's, and a pid read there would name
	 * another process.
	 */
	if (read_line("/proc/sys/kernel/random/boot_id", boot,
	    sizeof(boot)) == -1 ||
	    (n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1)) <= 0 ||
	    read_line("/proc/self/stat", buf, sizeof(buf)) == -1 ||
	    strtol(buf, NULL, 10) != (long)getpid() ||
	    proc_start(getpid(), &start) == -1)
		return;
	ns[n] = '\0';
	snprintf(self_ns, sizeof(self_ns), "%.36s:%.26s", boot, ns);
	snprintf(self_proc, sizeof(self_proc), "%s:%d:%llu", self_ns,
	    (int)getpid(), start);
}

int64_t
lease_ms(struct store *st)
{
	const char	*v;
	long		 n;

	if (store_emulated(st) &&
	    (v = getenv("PAYERLINK_TEST_LEASE_MS")) != NULL &&
	    (n = strtol(v, NULL, 10)) >= 500 && n <= LEASE_MS)
		return (n);
	return (LEASE_MS);
}

const char *
lease_owner(void)
{
	pthread_once(&self_once, self_init);
	return (self_owner);
}

void
lease_stamp(struct billing_import *imp, int64_t until)
{
	pthread_once(&self_once, self_init);
	snprintf(imp->owner, sizeof(imp->owner), "%s", self_owner);
	snprintf(imp->owner_host, sizeof(imp->owner_host), "%s", self_host);
	snprintf(imp->owner_proc, sizeof(imp->owner_proc), "%s", self_proc);
	imp->pid = getpid();
	imp->lease_until = until;
}

/* Held by an ingest of this process? */
static int
held(int64_t id)
{
	struct lease	*l;
	size_t		 i;
	int		 found = 0;

	pthread_mutex_lock(&reg_lock);
	for (l = reg; l != NULL && !found; l = l->next)
		for (i = 0; i < l->n; i++)
			if (l->ids[i] == id)
				found = 1;
	pthread_mutex_unlock(&reg_lock);
	return (found);
}

/* Is owner_proc a process of our PID namespace that is gone? 0 when it
 * cannot tell (another host or namespace, no /proc). */
static int
proc_gone(const char *owner_proc)
{
	size_t			 nl = strlen(self_ns);
	unsigned long long	 start, now;
	char			*end;
	long			 pid;

	if (self_proc[0] == '\0' || strncmp(owner_proc, self_ns, nl) != 0 ||
	    owner_proc[nl] != ':')
		return (0);
	pid = strtol(owner_proc + nl + 1, &end, 10);
	if (*end != ':' || pid <= 0 || pid > INT_MAX)
		return (0);
	start = strtoull(end + 1, NULL, 10);
	if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
		return (1);
	/* Alive, or a new process under a reused pid. */
	return (proc_start((pid_t)pid, &now) == 0 && now != start);
}

int
lease_orphan(const struct billing_import *x, int64_t now)
{
	pthread_once(&self_once, self_init);
	if (strcmp(x->owner, self_owner) == 0)
		return (!held(x->id));
	if (x->owner_proc[0] != '\0' && proc_gone(x->owner_proc))
		return (1);
	return (x->lease_until < now);
}

/*
 * The heartbeat: every lease_ms / 6, each held import's lease_until moved
 * to the database's now + lease_ms, on this thread's own connection (the
 * ingest's may be waiting for the write lock, or the ingest for another
 * import). A renewal that fails is tried again at the next beat; one the
 * store refuses (the import was taken or is no longer running) is left:
 * the ingest finds out in its next transaction.
 */
static void *
heartbeat_main(void *arg)
{
	struct lease	*l = arg;
	struct timespec	 ts;
	int64_t		 ids[LEASE_IDS], ms = lease_ms(l->st), now, beat;
	size_t		 n, i;
	struct err	 e;

	beat = ms / 6;
	pthread_mutex_lock(&reg_lock);
	for (;;) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += beat / 1000;
		ts.tv_nsec += (beat % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		while (!l->stop && pthread_cond_timedwait(&l->cv, &reg_lock,
		    &ts) != ETIMEDOUT)
			;
		if (l->stop)
			break;
		n = l->n;
		memcpy(ids, l->ids, n * sizeof(ids[0]));
		pthread_mutex_unlock(&reg_lock);
		err_clear(&e);
		if (n > 0 && store_db_clock(l->st, &now, &e) == 0)
			for (i = 0; i < n; i++)
				if (store_billing_lease_renew(l->st, ids[i],
				    self_owner, now + ms, &e) == -1)
					log_warnx("import %lld: lease not "
					    "renewed: %s", (long long)ids[i],
					    e.msg);
		pthread_mutex_lock(&reg_lock);
	}
	pthread_mutex_unlock(&reg_lock);
	return (NULL);
}

int
lease_start(struct store *st, struct lease **out, struct err *e)
{
	struct lease	*l = xcalloc(1, sizeof(*l));

	pthread_once(&self_once, self_init);
	l->st = st;
	pthread_cond_init(&l->cv, NULL);
	pthread_mutex_lock(&reg_lock);
	l->next = reg;
	reg = l;
	pthread_mutex_unlock(&reg_lock);
	if (pthread_create(&l->th, NULL, heartbeat_main, l) != 0) {
		lease_stop(l);
		return (err_set(e, ERR_INTERNAL, AWSERR(ServiceException), NULL,
		    "cannot start the import's heartbeat thread"));
	}
	l->started = 1;
	*out = l;
	return (0);
}

void
lease_hold(struct lease *l, int64_t id)
{
	pthread_mutex_lock(&reg_lock);
	if (l->n < LEASE_IDS)
		l->ids[l->n++] = id;
	pthread_mutex_unlock(&reg_lock);
}

void
lease_release(struct lease *l, int64_t id)
{
	size_t	 i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < l->n; i++)
		if (l->ids[i] == id) {
			l->ids[i] = l->ids[--l->n];
			break;
		}
	pthread_mutex_unlock(&reg_lock);
}

void
lease_stop(struct lease *l)
{
	struct lease	**pp;

	if (l == NULL)
		return;
	pthread_mutex_lock(&reg_lock);
	l->stop = 1;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&reg_lock);
	if (l->started)
		pthread_join(l->th, NULL);
	pthread_mutex_lock(&reg_lock);
	for (pp = &reg; *pp != NULL; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	pthread_mutex_unlock(&reg_lock);
	pthread_cond_destroy(&l->cv);
	xfree(l);
}
