/*
 * The COM task allocator. Each block carries its size in a 16-byte header
 * (keeping malloc's alignment) so the accounting knows how much a free
 * releases.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_private.h"

#define TASKMEM_HEADER 16u

XB_EXPORT LPVOID CoTaskMemAlloc(SIZE_T cb)
{
	/* No object may exceed PTRDIFF_MAX; refuse rather than ask malloc. */
	if (cb > PTRDIFF_MAX - TASKMEM_HEADER)
		return NULL;
	char *block = malloc(TASKMEM_HEADER + cb);
	if (!block)
		return NULL;
	memcpy(block, &cb, sizeof(cb));
	void *p = block + TASKMEM_HEADER;
	xb_alloc_note_alloc(XB_ALLOC_TASKMEM, p, cb);
	return p;
}

static SIZE_T size_of(const void *pv)
{
	SIZE_T cb;
	memcpy(&cb, (const char *)pv - TASKMEM_HEADER, sizeof(cb));
	return cb;
}

XB_EXPORT void CoTaskMemFree(LPVOID pv)
{
	if (!pv)
		return;
	xb_alloc_note_free(XB_ALLOC_TASKMEM, pv, size_of(pv));
	free((char *)pv - TASKMEM_HEADER);
}

/* A new block then a free, so the hooks see the move as what it is. */
XB_EXPORT LPVOID CoTaskMemRealloc(LPVOID pv, SIZE_T cb)
{
	if (!pv)
		return CoTaskMemAlloc(cb);
	if (cb == 0) {
		CoTaskMemFree(pv);
		return NULL;
	}
	void *fresh = CoTaskMemAlloc(cb);
	if (!fresh)
		return NULL;
	SIZE_T old = size_of(pv);
	memcpy(fresh, pv, old < cb ? old : cb);
	CoTaskMemFree(pv);
	return fresh;
}
