/* The bridge protocol's byte level (bridge_wire.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_wire.h"

/* ---- writing ------------------------------------------------------------- */

void xb_wbuf_free(struct xb_wbuf *w)
{
	free(w->p);
	memset(w, 0, sizeof(*w));
}

/* Room for n more bytes, or w->failed. */
static unsigned char *room(struct xb_wbuf *w, size_t n)
{
	if (w->failed)
		return NULL;
	if (n > XB_WIRE_HEADER + XB_WIRE_MAX_MESSAGE - w->n) {
		w->failed = 1;
		return NULL;
	}
	if (w->n + n > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		while (cap < w->n + n)
			cap *= 2;
		unsigned char *grown = realloc(w->p, cap);
		if (!grown) {
			w->failed = 1;
			return NULL;
		}
		w->p = grown;
		w->cap = cap;
	}
	unsigned char *at = w->p + w->n;
	w->n += n;
	return at;
}

static void le(unsigned char *at, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		at[i] = (unsigned char)(v >> (8 * i));
}

void xb_wire_begin(struct xb_wbuf *w, uint8_t type)
{
	w->n = 0;
	w->failed = 0;
	unsigned char *at = room(w, XB_WIRE_HEADER + 1);
	if (at) {
		le(at, 0, XB_WIRE_HEADER);
		at[XB_WIRE_HEADER] = type;
	}
}

int xb_wire_end(struct xb_wbuf *w)
{
	if (w->failed || w->n < XB_WIRE_HEADER + 1)
		return -1;
	le(w->p, w->n - XB_WIRE_HEADER, XB_WIRE_HEADER);
	return 0;
}

void xb_put_u8(struct xb_wbuf *w, uint8_t v)
{
	unsigned char *at = room(w, 1);
	if (at)
		*at = v;
}

void xb_put_u16(struct xb_wbuf *w, uint16_t v)
{
	unsigned char *at = room(w, 2);
	if (at)
		le(at, v, 2);
}

void xb_put_u32(struct xb_wbuf *w, uint32_t v)
{
	unsigned char *at = room(w, 4);
	if (at)
		le(at, v, 4);
}

void xb_put_i32(struct xb_wbuf *w, int32_t v)
{
	xb_put_u32(w, (uint32_t)v);
}

void xb_put_u64(struct xb_wbuf *w, uint64_t v)
{
	unsigned char *at = room(w, 8);
	if (at)
		le(at, v, 8);
}

void xb_put_f64(struct xb_wbuf *w, double v)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	xb_put_u64(w, bits);
}

void xb_put_bytes(struct xb_wbuf *w, const void *p, size_t n)
{
	if (n > XB_WIRE_MAX_MESSAGE) {
		w->failed = 1;
		return;
	}
	xb_put_u32(w, (uint32_t)n);
	unsigned char *at = room(w, n);
	if (at && n)
		memcpy(at, p, n);
}

void xb_put_str(struct xb_wbuf *w, const char *s)
{
	xb_put_bytes(w, s ? s : "", s ? strlen(s) : 0);
}

void xb_put_optstr(struct xb_wbuf *w, const char *s)
{
	xb_put_u8(w, s != NULL);
	if (s)
		xb_put_str(w, s);
}

void xb_put_wstr(struct xb_wbuf *w, const uint16_t *units, size_t n, int present)
{
	xb_put_u8(w, present ? 1 : 0);
	if (!present)
		return;
	if (n > XB_WIRE_MAX_MESSAGE / 2) {
		w->failed = 1;
		return;
	}
	xb_put_u32(w, (uint32_t)n);
	unsigned char *at = room(w, 2 * n);
	for (size_t i = 0; at && i < n; i++)
		le(at + 2 * i, units[i], 2);
}

/* ---- the arena ----------------------------------------------------------- */

struct xb_arena_chunk {
	struct xb_arena_chunk *next;
	size_t used, cap;
	_Alignas(8) unsigned char data[];
};

void *xb_arena_alloc(struct xb_arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	struct xb_arena_chunk *c = a->head;
	if (!c || c->cap - c->used < size) {
		size_t cap = size > 8192 ? size : 8192;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	void *at = c->data + c->used;
	c->used += size;
	memset(at, 0, size);
	return at;
}

void xb_arena_free(struct xb_arena *a)
{
	while (a->head) {
		struct xb_arena_chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

/* ---- reading ------------------------------------------------------------- */

void xb_rbuf_init(struct xb_rbuf *r, const void *p, size_t n, struct xb_arena *arena)
{
	r->p = p;
	r->n = n;
	r->off = 0;
	r->arena = arena;
	r->error[0] = 0;
}

int xb_rbuf_fail(struct xb_rbuf *r, const char *fmt, ...)
{
	if (r->error[0])
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* The next n bytes, or NULL with a truncation error naming the field. */
static const unsigned char *take(struct xb_rbuf *r, size_t n, const char *what)
{
	if (r->error[0])
		return NULL;
	if (n > r->n - r->off) {
		xb_rbuf_fail(r, "truncated: %s at byte %zu needs %zu byte%s, %zu left", what, r->off, n,
			     n == 1 ? "" : "s", r->n - r->off);
		return NULL;
	}
	const unsigned char *at = r->p + r->off;
	r->off += n;
	return at;
}

static uint64_t from_le(const unsigned char *at, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = (v << 8) | at[i];
	return v;
}

int xb_get_u8(struct xb_rbuf *r, uint8_t *v, const char *what)
{
	const unsigned char *at = take(r, 1, what);
	if (!at)
		return -1;
	*v = *at;
	return 0;
}

int xb_get_bool(struct xb_rbuf *r, int *v, const char *what)
{
	size_t at = r->off;
	uint8_t b;
	if (xb_get_u8(r, &b, what))
		return -1;
	if (b > 1)
		return xb_rbuf_fail(r, "malformed: %s at byte %zu is %u, not 0 or 1", what, at, b);
	*v = b;
	return 0;
}

int xb_get_u16(struct xb_rbuf *r, uint16_t *v, const char *what)
{
	const unsigned char *at = take(r, 2, what);
	if (!at)
		return -1;
	*v = (uint16_t)from_le(at, 2);
	return 0;
}

int xb_get_u32(struct xb_rbuf *r, uint32_t *v, const char *what)
{
	const unsigned char *at = take(r, 4, what);
	if (!at)
		return -1;
	*v = (uint32_t)from_le(at, 4);
	return 0;
}

int xb_get_i32(struct xb_rbuf *r, int32_t *v, const char *what)
{
	uint32_t u;
	if (xb_get_u32(r, &u, what))
		return -1;
	*v = (int32_t)u;
	return 0;
}

int xb_get_u64(struct xb_rbuf *r, uint64_t *v, const char *what)
{
	const unsigned char *at = take(r, 8, what);
	if (!at)
		return -1;
	*v = from_le(at, 8);
	return 0;
}

int xb_get_f64(struct xb_rbuf *r, double *v, const char *what)
{
	uint64_t bits;
	if (xb_get_u64(r, &bits, what))
		return -1;
	memcpy(v, &bits, sizeof(*v));
	return 0;
}

/* A u32 length that the rest of the message can hold. */
static int get_length(struct xb_rbuf *r, size_t unit, size_t *n, const char *what)
{
	uint32_t len;
	size_t at = r->off;
	if (xb_get_u32(r, &len, what))
		return -1;
	if ((uint64_t)len * unit > r->n - r->off)
		return xb_rbuf_fail(r, "truncated: %s at byte %zu says %lu byte%s, %zu left", what, at,
				    (unsigned long)((uint64_t)len * unit), (uint64_t)len * unit == 1 ? "" : "s",
				    r->n - r->off);
	*n = len;
	return 0;
}

static void *arena_or_fail(struct xb_rbuf *r, size_t size)
{
	void *p = r->error[0] ? NULL : xb_arena_alloc(r->arena, size);
	if (!p)
		xb_rbuf_fail(r, "out of memory");
	return p;
}

int xb_get_bytes(struct xb_rbuf *r, const unsigned char **p, size_t *n, const char *what)
{
	size_t len;
	if (get_length(r, 1, &len, what))
		return -1;
	const unsigned char *src = take(r, len, what);
	unsigned char *copy = src ? arena_or_fail(r, len ? len : 1) : NULL;
	if (!copy)
		return -1;
	memcpy(copy, src, len);
	*p = copy;
	*n = len;
	return 0;
}

int xb_wire_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t more;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			more = 1, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			more = 2, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			more = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (more > n - i - 1)
			return 0;
		for (size_t k = 1; k <= more; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += more + 1;
	}
	return 1;
}

int xb_get_str(struct xb_rbuf *r, const char **s, const char *what)
{
	size_t len, at;
	if (get_length(r, 1, &len, what))
		return -1;
	at = r->off;
	const unsigned char *src = take(r, len, what);
	if (!src)
		return -1;
	if (memchr(src, 0, len))
		return xb_rbuf_fail(r, "malformed: %s at byte %zu holds a NUL", what, at);
	if (!xb_wire_utf8_valid(src, len))
		return xb_rbuf_fail(r, "malformed: %s at byte %zu is not UTF-8", what, at);
	char *copy = arena_or_fail(r, len + 1);
	if (!copy)
		return -1;
	memcpy(copy, src, len);
	copy[len] = 0;
	*s = copy;
	return 0;
}

int xb_get_optstr(struct xb_rbuf *r, const char **s, const char *what)
{
	int present = 0;
	*s = NULL;
	if (xb_get_bool(r, &present, what))
		return -1;
	return present ? xb_get_str(r, s, what) : 0;
}

int xb_get_wstr(struct xb_rbuf *r, const uint16_t **units, size_t *n, const char *what)
{
	int present = 0;
	*units = NULL;
	*n = 0;
	if (xb_get_bool(r, &present, what))
		return -1;
	if (!present)
		return 0;
	size_t count;
	if (get_length(r, 2, &count, what))
		return -1;
	const unsigned char *src = take(r, 2 * count, what);
	uint16_t *copy = src ? arena_or_fail(r, 2 * (count + 1)) : NULL;
	if (!copy)
		return -1;
	for (size_t i = 0; i < count; i++)
		copy[i] = (uint16_t)from_le(src + 2 * i, 2);
	copy[count] = 0;
	*units = copy;
	*n = count;
	return 0;
}

int xb_get_count(struct xb_rbuf *r, size_t *count, size_t min_size, const char *what)
{
	uint32_t n;
	size_t at = r->off;
	if (xb_get_u32(r, &n, what))
		return -1;
	if (min_size && n > (r->n - r->off) / min_size)
		return xb_rbuf_fail(r, "malformed: %s at byte %zu says %lu, more than the %zu bytes left can hold", what,
				    at, (unsigned long)n, r->n - r->off);
	*count = n;
	return 0;
}

void *xb_rbuf_array(struct xb_rbuf *r, size_t count, size_t size)
{
	return arena_or_fail(r, count ? count * size : 1);
}

int xb_rbuf_finish(struct xb_rbuf *r, const char *what)
{
	if (r->error[0])
		return -1;
	if (r->off != r->n)
		return xb_rbuf_fail(r, "malformed: %zu byte%s after the end of %s", r->n - r->off,
				    r->n - r->off == 1 ? "" : "s", what);
	return 0;
}
