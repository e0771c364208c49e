/*
 * The bridge protocol's messages (docs/bridge-protocol.md): what the
 * engine sends exitbench-host.exe over its standard input and what the
 * host answers on its standard output, one response per request, in
 * order. Portable C compiled into both sides; every decoder refuses a
 * truncated, oversized or malformed message with a sentence saying what
 * and where, and never reads past the bytes it was given.
 *
 * Decoded strings, arrays and UTF-16 texts live in the caller's arena
 * until it is freed; encoders copy nothing they are given.
 */
#ifndef XB_EMU_BRIDGE_PROTO_H
#define XB_EMU_BRIDGE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "bridge_wire.h"
#include "exitbench.h"
#include "server_core.h"

/* "xbhp" in the first four bytes of HELLO, then the version both must speak. */
#define XB_BRIDGE_MAGIC 0x70686278u
#define XB_BRIDGE_VERSION 1

enum xb_msg_type {
	/* engine -> host */
	XB_MSG_HELLO = 0x01,
	XB_MSG_LOAD = 0x02,
	XB_MSG_INITIALIZE = 0x03,
	XB_MSG_GET_DESCRIPTION = 0x04,
	XB_MSG_GET_MANAGE_MODULE = 0x05,
	XB_MSG_MANAGE_GET_PROPERTY = 0x06,
	XB_MSG_MANAGE_RELEASE = 0x07,
	XB_MSG_NOTIFY = 0x08,
	XB_MSG_RELEASE = 0x09,
	XB_MSG_BYE = 0x0A,
	XB_MSG_SHM = 0x0B,
	XB_MSG_INJECT = 0x0C,
	/* host -> engine */
	XB_MSG_HELLO_OK = 0x81,
	XB_MSG_LOADED = 0x82,
	XB_MSG_RESULT = 0x83,
	XB_MSG_SHM_READY = 0x84,
	XB_MSG_INJECT_READY = 0x85,
	XB_MSG_BROKEN = 0x8F, /* the host could not read a request; it exits after sending this */
};

/* The message's name ("NOTIFY"), or NULL for a type the protocol does not have. Static. */
const char *xb_bridge_type_name(unsigned type);
/* Whether a request type calls into the module (and so carries a snapshot and gets a RESULT). */
int xb_bridge_calls_module(unsigned type);

/* ---- the event snapshot ------------------------------------------------ */

/* A property: its value as the server object reads it (server_core.h), borrowed. */
struct xb_snap_prop {
	const char *name;
	struct xb_server_value value;
	int derived; /* came from Raw* values, not from the trace (meaningful with derive_pending) */
};

struct xb_snap_attr {
	const char *name, *value;
	int derived;
};

struct xb_snap_ext {
	const char *oid;
	LONG flags; /* EXTENSION_* */
	const unsigned char *value;
	size_t len;
	int derived;
};

struct xb_snap_set {
	const struct xb_snap_prop *items;
	size_t n;
};

/*
 * Everything the engine would serve during one call into the module: the
 * CA's context-0 properties, and for an event with a request the request
 * and certificate properties, attributes and extensions, each already
 * derived (explicit values win, as in the engine).
 */
struct xb_snapshot {
	LONG kind;            /* the EXITEVENT_* being delivered, 0 outside Notify */
	LONG context;         /* the request context in flight, 0 when none */
	int has_certificate;  /* the certificate side exists (event.h) */
	/*
	 * Derivation from the Raw* values failed: the engine records that
	 * failure only when the module asks for something that would have
	 * needed derivation, so the host must say whether it did; items then
	 * say which values derivation added.
	 */
	int derive_pending;
	const char *module_location; /* the calling module's ModuleRegistryLocation, NULL: the CA property's */
	struct xb_snap_set ca, request, cert;
	const struct xb_snap_attr *attrs;
	size_t nattrs;
	const struct xb_snap_ext *exts;
	size_t nexts;
};

/* ---- the server calls a module made ------------------------------------ */

/* The ICertServerExit method of index i (0-based, in vtable order after IDispatch), NULL past the end. */
const char *xb_bridge_method_name(unsigned i);
/* The index of a method name, or -1. */
int xb_bridge_method_index(const char *name);
#define XB_BRIDGE_METHOD_COUNT 12

/* One ICertServerExit call, as engine.h's xb_server_call says it, with the BSTR's fate. */
struct xb_call_record {
	unsigned method;  /* xb_bridge_method_name */
	LONG context;     /* the object's context at the call (SetContext: the one asked for) */
	const char *name; /* property, attribute or extension, or NULL */
	LONG type;
	HRESULT hr;
	int handed;       /* a BSTR was handed to the module (an out BSTR or a VARIANT's bstrVal) */
	uint32_t bstr;    /* then the host's number for it (never 0), for a free reported in a later RESULT */
	int freed;        /* and the module freed it before its call returned */
	int injected;     /* hr is a fault the host injected */
};

/*
 * What a call into the module that a structured exception ended, and one
 * that did not return in time, count as: the HRESULTs isolate.h's
 * XB_E_MODULE_CRASHED and XB_E_MODULE_TIMEOUT have for a Linux module.
 */
#define XB_BRIDGE_E_CRASHED HRESULT_FROM_WIN32(1067L) /* ERROR_PROCESS_ABORTED */
#define XB_BRIDGE_E_TIMEOUT HRESULT_FROM_WIN32(1460L) /* ERROR_TIMEOUT */

/* A structured exception that ended a call into the module. */
enum xb_fault_kind { XB_FAULT_NONE = 0, XB_FAULT_EXCEPTION = 1 };
struct xb_fault {
	unsigned kind;
	uint32_t code;     /* EXCEPTION_ACCESS_VIOLATION... */
	uint64_t address;  /* where */
	const char *text;  /* for a person: "EXCEPTION_ACCESS_VIOLATION reading 0x0 at hello.dll+0x1530" */
};

/* A configuration value for the module's registry key, as the registry stores it. */
struct xb_wire_setting {
	const char *name;
	uint32_t type; /* REG_* */
	const unsigned char *data;
	size_t len;
};

/* A UTF-16 string that may be NULL (a BSTR). */
struct xb_wire_wstr {
	const uint16_t *units; /* NULL: absent */
	size_t n;
};

/* ---- requests (engine -> host) ------------------------------------------ */

struct xb_bridge_request {
	unsigned type; /* XB_MSG_HELLO ... XB_MSG_BYE */
	/* HELLO */
	uint32_t version;
	/*
	 * LOAD: the DLL as a Unix path (the host maps it) or a Windows one; the optional ProgID or raw CLSID.
	 * SHM: the file to map for the shared-memory transport (bridge_shm.h), path only.
	 */
	const char *path, *progid, *clsid;
	/* every call into the module */
	struct xb_snapshot snap;
	/* INITIALIZE */
	const char *config;   /* strConfig */
	const char *location; /* the module's key below HKLM, where settings go */
	LONG mask_sentinel;   /* *pEventMask before the call, so a module that does not set it is seen */
	const struct xb_wire_setting *settings;
	size_t nsettings;
	/* NOTIFY */
	LONG event, context;
	/* INJECT: the --inject specifications (none: injection off) and the seed of their random= rules */
	const char *const *specs;
	size_t nspecs;
	uint64_t seed;
	/* MANAGE_GET_PROPERTY */
	struct xb_wire_wstr manage_config, manage_location, manage_name;
	LONG manage_flags;
};

/* ---- responses (host -> engine) ----------------------------------------- */

struct xb_bridge_response {
	unsigned type; /* XB_MSG_HELLO_OK ... XB_MSG_BROKEN */
	/* HELLO_OK */
	uint32_t version;
	uint32_t pid;
	const char *host;      /* "exitbench-host 0.1.0 on Wine 8.0" */
	int bstr_tracking;     /* the host sees the module free BSTRs (its self-test passed) */
	/* LOADED, SHM_READY, INJECT_READY, and RESULT's return value */
	HRESULT hr;
	/* LOADED (all but error NULL on failure), SHM_READY's and INJECT_READY's failure, BROKEN's reason */
	const char *error;
	const char *path;      /* the Windows path loaded */
	const char *progid;    /* NULL for a raw CLSID load without one */
	const char *clsid;     /* braced, upper case */
	int is_exit2;          /* the object answered ICertExit2 */
	int qi_exit;           /* QueryInterface(ICertExit) on it succeeded */
	int has_can_unload;    /* DllCanUnloadNow is exported */
	const char *const *warnings;
	size_t nwarnings;
	/* RESULT */
	unsigned answers;      /* the request type answered */
	struct xb_fault fault;
	const struct xb_call_record *calls;
	size_t ncalls;
	const uint32_t *freed_earlier; /* BSTRs of earlier calls (xb_call_record.bstr) freed since the last RESULT */
	size_t nfreed_earlier;
	uint32_t servers_created, servers_released;
	int derive_triggered;  /* a call needed a value that only derivation could give (see derive_pending) */
	LONG mask;             /* INITIALIZE: *pEventMask after the call */
	struct xb_wire_wstr text; /* GET_DESCRIPTION; MANAGE_GET_PROPERTY when vt is VT_BSTR */
	uint16_t vt;           /* MANAGE_GET_PROPERTY: the VARIANT's type */
	int has_object;        /* GET_MANAGE_MODULE: a non-NULL ICertManageModule came back */
	uint32_t refs;         /* RELEASE, MANAGE_RELEASE: what Release returned */
	HRESULT can_unload;    /* RELEASE: DllCanUnloadNow right after */
};

/*
 * Encodes a whole frame (length prefix included) into w. 0, or -1 when the
 * message would be larger than XB_WIRE_MAX_MESSAGE or memory ran out, or
 * the structure is not one the protocol can say (an unknown type).
 */
int xb_bridge_encode_request(struct xb_wbuf *w, const struct xb_bridge_request *q);
int xb_bridge_encode_response(struct xb_wbuf *w, const struct xb_bridge_response *p);

/*
 * Decodes one message body (the bytes after the length prefix: type and
 * payload) into *q or *p, with strings and arrays in arena. 0, or -1 with
 * error (of size errsize) saying what is wrong: a truncated field, a
 * count larger than the message, a string with a NUL or not UTF-8, a
 * flag out of range, a type the other side does not send, bytes left over.
 */
int xb_bridge_decode_request(const void *body, size_t n, struct xb_bridge_request *q, struct xb_arena *arena,
			     char *error, size_t errsize);
int xb_bridge_decode_response(const void *body, size_t n, struct xb_bridge_response *p, struct xb_arena *arena,
			      char *error, size_t errsize);

/*
 * The frame length read from a stream, checked before anything is
 * allocated for it: 0, or -1 with error for an empty or oversized body.
 */
int xb_bridge_check_length(uint32_t length, char *error, size_t errsize);

#endif
