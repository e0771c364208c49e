/*
 * An ICertServerExit that answers from an event snapshot (bridge_proto.h)
 * with exactly the engine's semantics, being the engine's own server object
 * (server_core.c) over the snapshot: exitbench-host.exe serves a Windows
 * module's calls with it, locally, so a call costs no round trip to the
 * engine. Portable C; tests/check_bridge.c holds it to the engine's answers
 * call by call over the same events.
 *
 * Where the engine's backend asks the engine (is this context in flight?
 * derive now?), this one asks its xb_snap_host: the snapshot of the call
 * being made, and what it must report back (the calls, with the BSTRs it
 * handed out; the server objects created and released; whether the module
 * needed a value only derivation could give).
 */
#ifndef XB_EMU_SNAPSHOT_SERVER_H
#define XB_EMU_SNAPSHOT_SERVER_H

#include "bridge_proto.h"

struct xb_snap_host;

/* What the host watches and decides, called on the calling thread. Every member is optional. */
struct xb_snap_hooks {
	void *ctx;
	/* After every server call: the call, and the BSTR handed to the module (NULL if none). */
	void (*call)(void *ctx, const struct xb_call_record *call, BSTR handed);
	/* Before a call has any effect: S_OK to go on, or the HRESULT to fail it with (fault injection). */
	HRESULT (*fault)(void *ctx, const char *method, const char *name, LONG context);
};

/* A new host with nothing in flight and no CA properties. NULL when out of memory. */
struct xb_snap_host *xb_snap_host_new(const struct xb_snap_hooks *hooks);
/* Frees the host; server objects still alive answer E_UNEXPECTED from then on. NULL is ignored. */
void xb_snap_host_free(struct xb_snap_host *h);

/*
 * Starts serving a call into the module from snap (borrowed until the
 * next xb_snap_host_begin or xb_snap_host_free): snap->context is in
 * flight until xb_snap_host_end; the CA properties stay readable after
 * it. Resets the counts below.
 */
void xb_snap_host_begin(struct xb_snap_host *h, const struct xb_snapshot *snap);
/* The call into the module returned: its context is no longer in flight. */
void xb_snap_host_end(struct xb_snap_host *h);

/* Since xb_snap_host_begin: server objects created and released, and whether derivation was needed. */
uint32_t xb_snap_host_created(const struct xb_snap_host *h);
uint32_t xb_snap_host_released(const struct xb_snap_host *h);
int xb_snap_host_derive_triggered(const struct xb_snap_host *h);
/* Server objects alive now (created and not yet released, ever). */
long xb_snap_host_live(const struct xb_snap_host *h);

/* A new server object (ICertServerExit, one reference) on h, as CCertServerExit's factory makes it. */
HRESULT xb_snap_server_create(struct xb_snap_host *h, REFIID riid, void **ppv);
/* The CCertServerExit class object of h, to register with CoRegisterClassObject. Borrowed from h. */
IClassFactory *xb_snap_host_factory(struct xb_snap_host *h);

#endif
