/*
 * CCertServerExit, the ICertServerExit object a module creates to read an
 * event (reference §1.5, §3, §4.4-4.7), once for every place that serves
 * one: the engine (emu/server.c, the event data under the engine's lock)
 * and exitbench-host.exe (emu/snapshot_server.c, the snapshot the engine
 * shipped with the call). This file holds the semantics: argument checks,
 * the order of checks, name aliases, CA-property indexing, type
 * conversions, extension decoding, enumeration cursors, fault injection
 * and the report of every call. A backend only says where the values are
 * and whether a context is in flight. Portable C: it compiles for Linux
 * and for Windows. Choices where Windows is not documented are in
 * docs/decisions.md ("The server object").
 */
#ifndef XB_EMU_SERVER_CORE_H
#define XB_EMU_SERVER_CORE_H

#include <stddef.h>

#include "exitbench.h"

/* One server call, as the object reports it after the call. */
struct xb_server_call {
	LONG context;       /* the object's context at the call (SetContext: the one asked for) */
	const char *method; /* "GetRequestProperty"... (static) */
	const char *name;   /* property, attribute or extension name as UTF-8, or NULL */
	LONG type;          /* PROPTYPE_* asked, or 0 */
	HRESULT hr;         /* what the call returned */
	const void *bstr;   /* the BSTR handed to the module (out BSTR or VARIANT's bstrVal), or NULL */
	int injected;       /* hr is a fault the backend injected */
};

/* A stored value, borrowed from the backend for the duration of a read. */
struct xb_server_value {
	LONG type; /* PROPTYPE_LONG, _DATE, _BINARY or _STRING */
	LONG l;
	DATE date;
	const char *text;           /* STRING, UTF-8 */
	const unsigned char *bytes; /* BINARY */
	size_t len;
};

/* One extension, borrowed likewise. */
struct xb_server_ext {
	const char *oid;
	LONG flags; /* EXTENSION_* */
	const unsigned char *value;
	size_t len;
};

enum xb_server_side { XB_SIDE_CA, XB_SIDE_REQUEST, XB_SIDE_CERTIFICATE };

/* What the object needs to know of a locked event. */
struct xb_server_event {
	void *ev;            /* the backend's own handle, passed back below */
	int has_request;     /* event.h's xb_event_has_request (not crlissued, shutdown) */
	int has_certificate; /* the certificate side exists (event.h's xb_event_has_certificate) */
};

/*
 * Where the values are. Every function is called on the module's calling
 * thread; lookups run between a lock and its unlock. Values that only
 * derivation gives (from RawCertificate, RawRequest...) are invisible
 * until derive was called for that event: the object calls it before any
 * lookup that must see them and after a lookup that missed.
 */
struct xb_server_ops {
	/* Reference counts of the backend (held by each object and by the class object). */
	void (*ref)(void *be);
	void (*unref)(void *be);
	/* An object was created / released (after ref, before unref). */
	void (*born)(void *be);
	void (*gone)(void *be);
	/* Fault injection: S_OK to go on, or the HRESULT to fail the call with before it has any effect. */
	HRESULT (*fault)(void *be, const char *method, const char *name, LONG context);
	/* After every call, outside any lock. */
	void (*observe)(void *be, const struct xb_server_call *call);
	/* Locks the event of a request context in flight: 0 and no lock when none is. */
	int (*lock_event)(void *be, LONG context, struct xb_server_event *out);
	/* Locks the CA's context-0 properties. */
	void (*lock_ca)(void *be);
	void (*unlock)(void *be);
	/* Makes a locked event's derived values visible (once; it records a derivation error itself). */
	void (*derive)(void *be, void *ev);
	/* The visible property of that name (ASCII case ignored) on a side (ev NULL for the CA's): 1, or 0. */
	int (*find)(void *be, void *ev, enum xb_server_side side, const char *name, struct xb_server_value *out);
	/* The i-th visible attribute or extension of a locked event, in order: 1, or 0 past the end. */
	int (*attribute)(void *be, void *ev, size_t i, const char **name, const char **value);
	int (*extension)(void *be, void *ev, size_t i, struct xb_server_ext *out);
	/* The calling module's ModuleRegistryLocation, which wins over the CA's; NULL when none is set. */
	const char *(*module_location)(void *be);
};

/* A new object (one reference, then QueryInterface(riid)) on the backend be. */
HRESULT xb_server_core_create(const struct xb_server_ops *ops, void *be, REFIID riid, void **ppv);

/*
 * The CCertServerExit class object of a backend, embedded in it: its
 * AddRef and Release are the backend's ref and unref, and CreateInstance
 * makes an object on it. Register &f->IClassFactory_iface with
 * CoRegisterClassObject.
 */
struct xb_server_factory {
	IClassFactory IClassFactory_iface;
	const struct xb_server_ops *ops;
	void *be;
};

void xb_server_factory_init(struct xb_server_factory *f, const struct xb_server_ops *ops, void *be);

#endif
