/*
 * Allocation accounting: counters and the engine's hooks, behind the one
 * flag the allocators test (alloc_private.h).
 */
#include <stdatomic.h>
#include <string.h>

#include "alloc_private.h"

int xb_alloc_instrumented;

/* Written only while no other thread allocates (see xb_alloc_set_hooks). */
static xb_alloc_hooks hooks;
/* Atomic because allocating threads read them while tracking is toggled. */
static atomic_int hooks_on;
static atomic_int tracking_on;
static _Atomic uint64_t n_allocs, n_frees;
static _Atomic int64_t n_live, n_live_bytes;
static _Thread_local const char *thread_tag;

static void update_flag(void)
{
	int on = atomic_load(&hooks_on) || atomic_load(&tracking_on);
	__atomic_store_n(&xb_alloc_instrumented, on, __ATOMIC_RELEASE);
}

static void reset_counts(void)
{
	atomic_store(&n_allocs, 0);
	atomic_store(&n_frees, 0);
	atomic_store(&n_live, 0);
	atomic_store(&n_live_bytes, 0);
}

XB_EXPORT void xb_alloc_set_hooks(const xb_alloc_hooks *h)
{
	if (h && (h->on_alloc || h->on_free)) {
		hooks = *h;
		atomic_store(&hooks_on, 1);
	} else {
		atomic_store(&hooks_on, 0);
		memset(&hooks, 0, sizeof(hooks));
	}
	update_flag();
}

XB_EXPORT void xb_alloc_set_tracking(int on)
{
	/*
	 * Off: stop counting before zeroing, so the counts read zero
	 * afterwards. On: zero before counting, so nothing from before leaks in.
	 */
	if (!on) {
		atomic_store(&tracking_on, 0);
		update_flag();
		reset_counts();
	} else {
		reset_counts();
		atomic_store(&tracking_on, 1);
		update_flag();
	}
}

XB_EXPORT void xb_alloc_get_stats(xb_alloc_stats *out)
{
	if (!out)
		return;
	out->allocs = atomic_load(&n_allocs);
	out->frees = atomic_load(&n_frees);
	out->live = atomic_load(&n_live);
	out->live_bytes = atomic_load(&n_live_bytes);
}

XB_EXPORT const char *xb_alloc_set_tag(const char *tag)
{
	const char *previous = thread_tag;
	thread_tag = tag;
	return previous;
}

void xb_alloc_report_alloc(xb_alloc_kind kind, uintptr_t block, size_t bytes)
{
	if (atomic_load(&tracking_on)) {
		atomic_fetch_add(&n_allocs, 1);
		atomic_fetch_add(&n_live, 1);
		atomic_fetch_add(&n_live_bytes, (int64_t)bytes);
	}
	if (atomic_load(&hooks_on) && hooks.on_alloc)
		hooks.on_alloc(hooks.ctx, kind, (const void *)block, bytes, thread_tag);
}

void xb_alloc_report_free(xb_alloc_kind kind, uintptr_t block, size_t bytes)
{
	if (atomic_load(&hooks_on) && hooks.on_free)
		hooks.on_free(hooks.ctx, kind, (const void *)block, thread_tag);
	if (atomic_load(&tracking_on)) {
		atomic_fetch_add(&n_frees, 1);
		atomic_fetch_sub(&n_live, 1);
		atomic_fetch_sub(&n_live_bytes, (int64_t)bytes);
	}
}
