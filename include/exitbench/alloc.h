/*
 * Allocation accounting for the BSTR and task allocators, so that the
 * engine can tell which BSTRs a module leaked or freed twice. Off by
 * default; when off, each allocation pays one predictable branch on a
 * global flag and nothing else.
 */
#ifndef XB_INCLUDE_EXITBENCH_ALLOC_H
#define XB_INCLUDE_EXITBENCH_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include "exitbench/wintypes.h"

#if !defined(XB_WINDOWS)

XB_BEGIN_DECLS

typedef enum xb_alloc_kind {
	XB_ALLOC_BSTR = 1,    /* block is the BSTR (pointer to the first character) */
	XB_ALLOC_TASKMEM = 2  /* block is the CoTaskMemAlloc pointer */
} xb_alloc_kind;

/*
 * Called after each allocation and before each free, from the allocating
 * thread. tag is the calling thread's current tag (see xb_alloc_set_tag),
 * possibly NULL. The hooks must not allocate BSTRs themselves.
 */
typedef struct xb_alloc_hooks {
	void (*on_alloc)(void *ctx, xb_alloc_kind kind, const void *block, size_t bytes, const char *tag);
	void (*on_free)(void *ctx, xb_alloc_kind kind, const void *block, const char *tag);
	void *ctx;
} xb_alloc_hooks;

typedef struct xb_alloc_stats {
	uint64_t allocs;     /* allocations since tracking was switched on */
	uint64_t frees;      /* frees of non-NULL blocks */
	int64_t live;        /* allocs - frees */
	int64_t live_bytes;  /* payload bytes of the live blocks */
} xb_alloc_stats;

/*
 * Installs hooks (copied) or removes them (NULL). Install before the
 * threads that allocate start, and remove after they stop.
 */
XB_EXPORT void xb_alloc_set_hooks(const xb_alloc_hooks *hooks);
/* Switches counting on (resetting the counts) or off. */
XB_EXPORT void xb_alloc_set_tracking(int on);
/* Reads the counts (all zero while tracking is off). */
XB_EXPORT void xb_alloc_get_stats(xb_alloc_stats *out);
/*
 * Sets the calling thread's tag ("GetCertificateProperty(SerialNumber)"),
 * handed to the hooks with every allocation; borrowed, so it must stay valid
 * until replaced. Returns the previous tag.
 */
XB_EXPORT const char *xb_alloc_set_tag(const char *tag);

XB_END_DECLS

#endif /* !XB_WINDOWS */

#endif
