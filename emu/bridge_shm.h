/*
 * The bridge's shared-memory transport (docs/bridge-protocol.md, "Shared
 * memory"): the same frames as on the pipes, written into a file both
 * sides map, with a sequence number per direction. A waiting side spins
 * a little on the other's sequence number before it sleeps on its pipe,
 * and a side that publishes a frame writes a one-byte doorbell to the
 * pipe only when the other says it sleeps. Wine wakes a thread blocked in
 * ReadFile through the wineserver, which costs a round trip 50-100 us; a
 * spinning host answers in a few. Portable C (header only), for both sides.
 *
 * Lost wake-ups cannot happen: the sleeper sets its flag and then looks at
 * the sequence number; the publisher bumps the sequence number and then
 * looks at the flag; with sequentially consistent operations at least one
 * of them sees the other's write. A doorbell neither needed nor read stays
 * in the pipe and wakes the next sleep early, which then looks again.
 */
#ifndef XB_EMU_BRIDGE_SHM_H
#define XB_EMU_BRIDGE_SHM_H

#include <stddef.h>
#include <stdint.h>

#include "bridge_wire.h"

#define XB_SHM_MAGIC 0x6d687378u /* "xshm" */
/* Each direction's area holds one whole frame of the largest size. */
#define XB_SHM_AREA (XB_WIRE_HEADER + XB_WIRE_MAX_MESSAGE)
#define XB_SHM_HEADER 4096
#define XB_SHM_SIZE ((size_t)XB_SHM_HEADER + 2 * (size_t)XB_SHM_AREA)

/* The first page of the file; the fields each side writes on a cache line of their own. */
struct xb_shm_header {
	uint32_t magic;
	uint32_t area; /* XB_SHM_AREA of the side that made it */
	_Alignas(64) uint32_t request_seq;    /* the engine bumps it after writing a request */
	_Alignas(64) uint32_t response_seq;   /* the host bumps it after writing a response */
	_Alignas(64) uint32_t host_sleeps;    /* the host sleeps on its standard input: ring it */
	_Alignas(64) uint32_t engine_sleeps;  /* the engine sleeps on the host's standard output */
};

static inline unsigned char *xb_shm_requests(void *base)
{
	return (unsigned char *)base + XB_SHM_HEADER;
}

static inline unsigned char *xb_shm_responses(void *base)
{
	return (unsigned char *)base + XB_SHM_HEADER + XB_SHM_AREA;
}

static inline uint32_t xb_shm_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static inline void xb_shm_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

/* How long a waiting side spins before it sleeps: long enough to cover the other side's usual work. */
#define XB_SHM_SPIN_NS 2000000

#endif
