/*
 * The allocators' side of the accounting hooks (exitbench/alloc.h): one
 * predictable branch on a global flag while nothing is instrumented.
 */
#ifndef XB_LIB_ALLOC_PRIVATE_H
#define XB_LIB_ALLOC_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "exitbench.h"

/* Non-zero while hooks are installed or counting is on. */
extern int xb_alloc_instrumented;

/*
 * The block travels as an address: it is an identity for the hooks, never
 * read (fresh task memory is uninitialised, and GCC would say so).
 */
void xb_alloc_report_alloc(xb_alloc_kind kind, uintptr_t block, size_t bytes);
void xb_alloc_report_free(xb_alloc_kind kind, uintptr_t block, size_t bytes);

static inline void xb_alloc_note_alloc(xb_alloc_kind kind, const void *block, size_t bytes)
{
	if (__builtin_expect(__atomic_load_n(&xb_alloc_instrumented, __ATOMIC_RELAXED) != 0, 0))
		xb_alloc_report_alloc(kind, (uintptr_t)block, bytes);
}

/* bytes is the block's payload size, so live_bytes can be kept. */
static inline void xb_alloc_note_free(xb_alloc_kind kind, const void *block, size_t bytes)
{
	if (__builtin_expect(__atomic_load_n(&xb_alloc_instrumented, __ATOMIC_RELAXED) != 0, 0))
		xb_alloc_report_free(kind, (uintptr_t)block, bytes);
}

#endif
