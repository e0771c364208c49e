/*
 * The byte level of the bridge protocol (docs/bridge-protocol.md): a
 * growable little-endian writer, a bounds-checked reader that keeps its
 * first error with the byte offset where it happened, and an arena for
 * what a decoder hands out. Portable C with no dependency: compiled into
 * the engine and into exitbench-host.exe, so both sides read the bytes
 * with the same code.
 */
#ifndef XB_EMU_BRIDGE_WIRE_H
#define XB_EMU_BRIDGE_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* The largest message body (type byte and payload) either side sends or accepts. */
#define XB_WIRE_MAX_MESSAGE (16u << 20)
/* The frame: a u32 body length, then the body. */
#define XB_WIRE_HEADER 4

/* A message being written. */
struct xb_wbuf {
	unsigned char *p;
	size_t n, cap;
	int failed; /* out of memory, or the message outgrew XB_WIRE_MAX_MESSAGE: it must not be sent */
};

void xb_wbuf_free(struct xb_wbuf *w);
/* Starts a frame of that type in w (emptied, memory kept). */
void xb_wire_begin(struct xb_wbuf *w, uint8_t type);
/* Fills in the frame's length. 0, or -1 when the message failed (w->failed). */
int xb_wire_end(struct xb_wbuf *w);

void xb_put_u8(struct xb_wbuf *w, uint8_t v);
void xb_put_u16(struct xb_wbuf *w, uint16_t v);
void xb_put_u32(struct xb_wbuf *w, uint32_t v);
void xb_put_i32(struct xb_wbuf *w, int32_t v);
void xb_put_u64(struct xb_wbuf *w, uint64_t v);
void xb_put_f64(struct xb_wbuf *w, double v);
/* A u32 length and the bytes. */
void xb_put_bytes(struct xb_wbuf *w, const void *p, size_t n);
/* A UTF-8 string: a u32 length and the bytes, no NUL. NULL is written as "". */
void xb_put_str(struct xb_wbuf *w, const char *s);
/* An optional string: u8 0, or u8 1 and the string. */
void xb_put_optstr(struct xb_wbuf *w, const char *s);
/* An optional UTF-16 string: u8 0 (NULL), or u8 1, a u32 count of code units and the units. */
void xb_put_wstr(struct xb_wbuf *w, const uint16_t *units, size_t n, int present);

/* Memory a decoder hands out, in chunks that never move, freed at once. Zero-initialise it. */
struct xb_arena_chunk;
struct xb_arena {
	struct xb_arena_chunk *head;
};
/* Room for size bytes, 8-aligned and zeroed; NULL when out of memory. */
void *xb_arena_alloc(struct xb_arena *a, size_t size);
void xb_arena_free(struct xb_arena *a);

/* A message being read. error is "" until the first problem, which stays. */
struct xb_rbuf {
	const unsigned char *p;
	size_t n, off;
	struct xb_arena *arena; /* where strings and arrays go */
	char error[200];
};

void xb_rbuf_init(struct xb_rbuf *r, const void *p, size_t n, struct xb_arena *arena);
/* Records an error (if none yet): "<what> at byte N: <text>". Returns -1. */
int xb_rbuf_fail(struct xb_rbuf *r, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Each returns 0, or -1 with r->error naming what (the field) and why. */
int xb_get_u8(struct xb_rbuf *r, uint8_t *v, const char *what);
int xb_get_bool(struct xb_rbuf *r, int *v, const char *what); /* a u8 that must be 0 or 1 */
int xb_get_u16(struct xb_rbuf *r, uint16_t *v, const char *what);
int xb_get_u32(struct xb_rbuf *r, uint32_t *v, const char *what);
int xb_get_i32(struct xb_rbuf *r, int32_t *v, const char *what);
int xb_get_u64(struct xb_rbuf *r, uint64_t *v, const char *what);
int xb_get_f64(struct xb_rbuf *r, double *v, const char *what);
/* Bytes copied to the arena (*p is never NULL, even for 0 bytes). */
int xb_get_bytes(struct xb_rbuf *r, const unsigned char **p, size_t *n, const char *what);
/* A string copied to the arena with a NUL; refused when it holds a NUL or is not UTF-8. */
int xb_get_str(struct xb_rbuf *r, const char **s, const char *what);
/* An optional string: NULL when absent. */
int xb_get_optstr(struct xb_rbuf *r, const char **s, const char *what);
/* An optional UTF-16 string copied to the arena with a NUL unit; *units NULL when absent. */
int xb_get_wstr(struct xb_rbuf *r, const uint16_t **units, size_t *n, const char *what);
/*
 * A u32 element count, refused when even elements of min_size bytes each
 * could not fit in what is left: a corrupt count must not make a decoder
 * allocate gigabytes.
 */
int xb_get_count(struct xb_rbuf *r, size_t *count, size_t min_size, const char *what);
/* An array of count elements of size bytes in the arena (count already checked). */
void *xb_rbuf_array(struct xb_rbuf *r, size_t count, size_t size);
/* 0 when every byte was read, else -1 with an error about the bytes left over. */
int xb_rbuf_finish(struct xb_rbuf *r, const char *what);

/* Whether n bytes are strict UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
int xb_wire_utf8_valid(const unsigned char *s, size_t n);

#endif
