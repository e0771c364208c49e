/*
 * Concurrent delivery (exitbench replay --jobs N): N worker threads deliver
 * different events to the same module instances at once, as a
 * multi-threaded CA can, while this thread reads the trace and reports.
 *
 * Events sit in a ring of slots in trace order. The reader fills free slots;
 * workers take the oldest waiting slot and dispatch it into the slot's
 * batch; the reader reports slots strictly in trace order, so the report is
 * the same whatever the threads' timing (only which events overlap, and the
 * times, differ). An event that changes the CA's context-0 values (a CRL
 * published) runs alone, after the events before it and before those after
 * it, so every event reads the CA as of its place in the trace.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "replay_private.h"

enum slot_state { SLOT_FREE, SLOT_WAITING, SLOT_RUNNING, SLOT_DONE };

struct slot {
	enum slot_state state;
	struct xb_event ev;
	size_t ordinal;
	HRESULT hr;
	xb_error err;
	struct batch batch;
};

struct pool {
	struct run *r;
	pthread_mutex_t lock;
	pthread_cond_t work;  /* a slot is waiting, or stop */
	pthread_cond_t done;  /* a slot is done */
	struct slot *slots;
	size_t nslots;
	size_t next_run;      /* ordinal - 1 of the next slot a worker takes */
	size_t filled;        /* slots filled so far (ordinals handed out) */
	int stop;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->next_run == p->filled)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->next_run == p->filled)
			break; /* stop, and nothing left waiting */
		struct slot *s = &p->slots[p->next_run++ % p->nslots];
		s->state = SLOT_RUNNING;
		pthread_mutex_unlock(&p->lock);
		xb_error_init(&s->err, p->r->opts->trace);
		s->hr = xb_replay_dispatch(p->r, &s->ev, s->ordinal, &s->err, &s->batch);
		pthread_mutex_lock(&p->lock);
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	xb_contract_thread_exit();
	return NULL;
}

/* Reports the oldest slot once it is done, and frees it. 0 to go on, -1 to stop the run. */
static int report_oldest(struct pool *p, size_t oldest, xb_error *err, HRESULT *hr)
{
	struct slot *s = &p->slots[oldest % p->nslots];
	pthread_mutex_lock(&p->lock);
	while (s->state != SLOT_DONE)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < s->batch.n; i++)
		xb_replay_emit(p->r, &s->batch.records[i]);
	s->batch.n = 0;
	if (SUCCEEDED(s->hr))
		xb_replay_count_event(p->r, s->ev.kind);
	int stop = xb_replay_settle(p->r, s->hr, &s->err, err);
	if (stop)
		*hr = s->hr;
	xb_event_free(&s->ev);
	s->state = SLOT_FREE;
	return stop;
}

/* Reads the next event into the newest slot, not yet handed out: S_OK, S_FALSE at the end, or a read failure. */
static HRESULT fill(struct pool *p, struct xb_trace *t, xb_error *line_err)
{
	struct slot *s = &p->slots[p->filled % p->nslots];
	xb_error_init(line_err, p->r->opts->trace);
	HRESULT hr = xb_trace_next(t, &s->ev, line_err);
	if (hr == S_OK)
		p->r->saw_shutdown |= s->ev.kind == EXITEVENT_SHUTDOWN;
	return hr;
}

/* Hands the newest slot to the workers. */
static void hand_out(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	struct slot *s = &p->slots[p->filled % p->nslots];
	s->ordinal = ++p->filled;
	s->state = SLOT_WAITING;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

/* Reports every slot handed out so far, in order. 0, or -1 when the run must stop. */
static int report_all(struct pool *p, size_t *reported, xb_error *err, HRESULT *hr)
{
	while (*reported < p->filled)
		if (report_oldest(p, (*reported)++, err, hr))
			return -1;
	return 0;
}

/* Reads, hands out and reports every event; the run's result. */
static HRESULT pump(struct pool *p, struct xb_trace *t, xb_error *err)
{
	size_t reported = 0;
	HRESULT hr = S_OK;
	int stopping = 0;
	while (!stopping) {
		if (p->filled - reported == p->nslots && report_oldest(p, reported++, err, &hr))
			break;
		xb_error line_err;
		HRESULT read = fill(p, t, &line_err);
		if (read == S_FALSE)
			break;
		if (read == S_OK) {
			/*
			 * An event that changes the CA's context-0 values (a CRL published)
			 * is a barrier, as on a CA: the events before it finish first, and
			 * the ones after it start when it is done, so each reads the CA as
			 * of its own place in the trace.
			 */
			int barrier = p->slots[p->filled % p->nslots].ev.ca.n > 0;
			if (barrier)
				stopping = report_all(p, &reported, err, &hr);
			if (stopping) {
				xb_event_free(&p->slots[p->filled % p->nslots].ev);
				break;
			}
			hand_out(p);
			if (barrier)
				stopping = report_all(p, &reported, err, &hr);
			continue;
		}
		/* A line that does not read: reported in its turn, after the events before it. */
		stopping = report_all(p, &reported, err, &hr);
		if (!stopping && xb_replay_settle(p->r, read, &line_err, err)) {
			hr = read;
			stopping = 1;
		}
	}
/* Let the workers finish what they have, and report it in order. */
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	while (reported < p->filled) {
		HRESULT late = S_OK;
		if (report_oldest(p, reported++, SUCCEEDED(hr) ? err : NULL, &late) && SUCCEEDED(hr))
			hr = late;
	}
	return hr;
}

HRESULT xb_replay_events_parallel(struct run *r, struct xb_trace *t, xb_error *err)
{
	size_t jobs = r->opts->jobs;
	struct pool p = {.r = r, .nslots = 2 * jobs};
	p.slots = calloc(p.nslots, sizeof(*p.slots));
	pthread_t *threads = calloc(jobs, sizeof(*threads));
	if (!p.slots || !threads) {
		free(p.slots);
		free(threads);
		return E_OUTOFMEMORY;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	size_t started = 0;
	while (started < jobs && pthread_create(&threads[started], NULL, worker, &p) == 0)
		started++;
	HRESULT hr = started ? pump(&p, t, err) : E_OUTOFMEMORY;
	if (!started)
		xb_error_set(err, hr, 0, "cannot start a delivery thread");
	pthread_mutex_lock(&p.lock);
	p.stop = 1;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (size_t i = 0; i < p.nslots; i++)
		free(p.slots[i].batch.records);
	pthread_cond_destroy(&p.done);
	pthread_cond_destroy(&p.work);
	pthread_mutex_destroy(&p.lock);
	free(p.slots);
	free(threads);
	return hr;
}
