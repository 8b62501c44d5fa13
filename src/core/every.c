/* SPDX-License-Identifier: MIT */
/* A job run every N seconds on its own thread (see every.h). */
#include <pthread.h>
#include <time.h>

#include "core/every.h"
#include "core/xmalloc.h"

struct every {
	pthread_t	 th;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	int		 stop;
	unsigned	 interval_s;
	void		(*fn)(void *);
	void		*arg;
};

static void *
every_main(void *p)
{
	struct every	*ev = p;
	struct timespec	 until;

	pthread_mutex_lock(&ev->lock);
	while (!ev->stop) {
		pthread_mutex_unlock(&ev->lock);
		ev->fn(ev->arg);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += ev->interval_s;
		pthread_mutex_lock(&ev->lock);
		while (!ev->stop && pthread_cond_timedwait(&ev->cv, &ev->lock,
		    &until) == 0)
			;
	}
	pthread_mutex_unlock(&ev->lock);
	return (NULL);
}

int
every_start(const char *what, unsigned interval_s, void (*fn)(void *),
    void *arg, struct every **out, struct err *e)
{
	struct every	*ev = xcalloc(1, sizeof(*ev));

	ev->interval_s = interval_s > 0 ? interval_s : 1;
	ev->fn = fn;
	ev->arg = arg;
	pthread_mutex_init(&ev->lock, NULL);
	pthread_cond_init(&ev->cv, NULL);
	if (pthread_create(&ev->th, NULL, every_main, ev) != 0) {
		pthread_mutex_destroy(&ev->lock);
		pthread_cond_destroy(&ev->cv);
		xfree(ev);
		return (err_set(e, ERR_INTERNAL, NULL, NULL,
		    "%s: cannot start its thread", what));
	}
	*out = ev;
	return (0);
}

void
every_stop(struct every *ev)
{
	if (ev == NULL)
		return;
	pthread_mutex_lock(&ev->lock);
	ev->stop = 1;
	pthread_cond_broadcast(&ev->cv);
	pthread_mutex_unlock(&ev->lock);
	pthread_join(ev->th, NULL);
	pthread_mutex_destroy(&ev->lock);
	pthread_cond_destroy(&ev->cv);
	xfree(ev);
}
