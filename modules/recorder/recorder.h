/*
 * The recorder module's parts, shared between its files (never installed):
 * the property table and the reading of values (recorder_props.c), the
 * durable, ordered output (recorder_output.c), the module itself
 * (recorder.c).
 */
#ifndef XB_MODULES_RECORDER_RECORDER_H
#define XB_MODULES_RECORDER_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "exitbench.h"

#if !defined(XB_WINDOWS)
# include <pthread.h>
#endif

/* ---- the property table (recorder_props.c) ------------------------------ */

/* Where the reference lists a property: a bit set. */
enum rec_where {
	REC_REQUEST = 1,     /* GetRequestProperty with the request's context (§3.2, §3.3) */
	REC_CERTIFICATE = 2, /* GetCertificateProperty with the request's context (§3.3, §3.4) */
	REC_CA = 4           /* GetCertificateProperty with context 0 (§3.5) */
};

/* Which ".#" suffixes a CA property takes. */
enum rec_index {
	REC_SINGLE,    /* none */
	REC_PER_CERT,  /* .0 .. .CertCount-1: a CA certificate (or, for CRLSuffix, a CRL) index */
	REC_PER_PERIOD /* .0 .. .6: an ENUM_PERIOD_* value */
};

struct rec_property {
	const char *name;
	LONG type;            /* the PROPTYPE_* the reference gives */
	unsigned where;       /* enum rec_where bits */
	enum rec_index index;
};

/* ---- values as read ------------------------------------------------------ */

/* One property's value: PROPTYPE_STRING text is UTF-8 in bytes (len bytes, NUL-terminated). */
struct rec_value {
	char *name;
	LONG type;
	LONG l;
	DATE date;
	unsigned char *bytes;
	size_t len;
};

struct rec_values {
	struct rec_value *items;
	size_t n, cap;
};

void rec_values_free(struct rec_values *values);
/* Whether two values are the same type and the same value. */
int rec_value_equal(const struct rec_value *a, const struct rec_value *b);
/* The value named name (exact spelling), or NULL. */
const struct rec_value *rec_values_find(const struct rec_values *values, const char *name);

/*
 * Called for a property the CA answered with something other than a value
 * or CERTSRV_E_PROPERTY_EMPTY (the recorder logs it once per name).
 */
typedef void (*rec_unreadable_fn)(void *ctx, enum rec_where where, const char *name, HRESULT hr);

/*
 * Reads every property of the table listed for where (one of REC_REQUEST,
 * REC_CERTIFICATE, REC_CA) from server, whose context is already set, into
 * *out (appended; CA properties with their ".#" suffixes). A property the
 * CA does not have is left out. Returns S_OK, or E_OUTOFMEMORY.
 */
HRESULT rec_read_properties(ICertServerExit *server, enum rec_where where, struct rec_values *out,
			    rec_unreadable_fn unreadable, void *ctx);

/*
 * Writes values (those for which changed_from has no equal value, when it
 * is not NULL) as an object under key; an empty object is left out. The
 * line's HRESULT; a value the writer refuses is logged and left out.
 */
HRESULT rec_write_values(xb_kit_trace_line *line, const char *key, const struct rec_values *values,
			 const struct rec_values *changed_from);

/* ---- the output (recorder_output.c) --------------------------------------- */

/* A lock, so that lines of concurrent Notify calls never interleave. */
struct rec_lock {
#if defined(XB_WINDOWS)
	CRITICAL_SECTION section;
#else
	pthread_mutex_t mutex;
#endif
};

void rec_lock_init(struct rec_lock *lock);
void rec_lock_enter(struct rec_lock *lock);
void rec_lock_leave(struct rec_lock *lock);
void rec_lock_destroy(struct rec_lock *lock);

/* The output file, opened for one append. */
struct rec_file {
#if defined(XB_WINDOWS)
	HANDLE handle;
#else
	int fd;
	const char *path;   /* borrowed from rec_file_open's caller */
#endif
	uint64_t size;      /* its size when opened: what a failed append goes back to */
	int ends_in_line;   /* empty, or its last byte is '\n' */
};

/*
 * Opens (creating it if need be) the file at path (UTF-8) for appending.
 * On failure returns the HRESULT and puts the system's words in why.
 */
HRESULT rec_file_open(const char *path, struct rec_file *file, char *why, size_t why_size);
/*
 * Appends len bytes with one write, then flushes them to the disk (fsync,
 * FlushFileBuffers; on POSIX also the directory's entry, when the file was
 * empty, so that a new file survives a crash too). S_OK only when all of
 * it is written and flushed;
 * otherwise the file is cut back to its size before the call, so that no
 * partial line stays, and the HRESULT and why say what failed.
 */
HRESULT rec_file_append(struct rec_file *file, const char *text, size_t len, char *why, size_t why_size);
void rec_file_close(struct rec_file *file);

#endif
