/*
 * The engine's CA: its context-0 properties, the events in flight and the
 * CCertServerExit class a module creates to read them. Creating an engine
 * registers CLSID_CCertServerExit with CoRegisterClassObject, exactly as a
 * CA host does on Windows, so a module's
 * CoCreateInstance(&CLSID_CCertServerExit, ...) returns a server object of
 * this engine. One engine at a time per process.
 */
#ifndef XB_EMU_ENGINE_H
#define XB_EMU_ENGINE_H

#include <pthread.h>

#include "server_core.h"
#include "trace.h"

struct xb_engine;

/*
 * A new engine with the trace header's config and CA properties (copied,
 * then completed by xb_ca_props_derive). A CA property that is not what it
 * must be (a RawCACertificate.# that is no certificate...) fails with err.
 */
HRESULT xb_engine_new(const char *config, const struct xb_props *ca, struct xb_engine **out, xb_error *err);
/* Revokes the class and frees the engine; server objects still alive keep working on context 0 only. */
void xb_engine_free(struct xb_engine *engine);

/*
 * Puts an event in flight: the returned context is what Notify passes and
 * SetContext accepts until xb_engine_end_event. Events with a request get a
 * context of their own (never 0; the event is borrowed meanwhile); the
 * others (crlissued, shutdown, startup) get 0, the CA's. The event's "ca"
 * updates apply to context 0 from now on (and are derived from as the
 * header's are; a bad one fails with err).
 */
HRESULT xb_engine_begin_event(struct xb_engine *engine, struct xb_event *ev, LONG *context, xb_error *err);
void xb_engine_end_event(struct xb_engine *engine, LONG context);

/* The Initialize configuration string. Borrowed. */
const char *xb_engine_config(const struct xb_engine *engine);

/*
 * The first derivation error met while serving since the last call (a
 * RawCertificate OpenSSL cannot read...), or S_OK; the engine forgets it.
 */
HRESULT xb_engine_take_error(struct xb_engine *engine, xb_error *copy);

/*
 * Called after every server call, from the calling thread, outside the
 * engine lock (it may call back into the engine). NULL turns it off.
 */
typedef void (*xb_server_observer)(void *ctx, const struct xb_server_call *call);
void xb_engine_set_observer(struct xb_engine *engine, xb_server_observer fn, void *ctx);

/*
 * The ModuleRegistryLocation the calling thread's module gets (each module
 * has its own key, as on a CA): set it around every call into a module.
 * NULL: the CA property as the trace gives it. Borrowed; thread-local.
 */
void xb_engine_set_module_location(const char *location);
/* The EXITEVENT_* being delivered on the calling thread (0 outside Notify), for fault injection's event= rules. */
void xb_engine_set_delivering(LONG kind);
const char *xb_engine_module_location(void);

/*
 * Fault injection: with an injector set, every server call first asks it
 * whether to fail (inject.h). NULL turns it off. Borrowed.
 */
struct xb_injector;
void xb_engine_set_injector(struct xb_engine *engine, struct xb_injector *injector);
/* The fault for a call (S_OK for none); context is the one the call runs in. */
HRESULT xb_engine_fault(struct xb_engine *engine, const char *method, const char *name, LONG context);
/*
 * The injector set (borrowed; NULL: none) and in *generation a number
 * that every xb_engine_set_injector, on any engine, changes (never 0):
 * a copy of the rules elsewhere (a DLL's host, bridge.c) is stale when
 * the generation it was made from is not the current one.
 */
struct xb_injector *xb_engine_injector(struct xb_engine *engine, unsigned long *generation);

/* Server objects created on this engine and not yet released. */
long xb_engine_live_servers(struct xb_engine *engine);
/* Server objects created minus released by the calling thread (any engine). */
long xb_engine_thread_servers(void);

/* ---- used by the server object (server.c) ------------------------------ */

void xb_engine_observe(struct xb_engine *engine, const struct xb_server_call *call);
void xb_engine_server_born(struct xb_engine *engine);
void xb_engine_server_gone(struct xb_engine *engine);


/*
 * The event of a context as the trace gave it, with the engine lock held on
 * success (release it with xb_engine_unlock); NULL and no lock for an
 * unknown context.
 */
struct xb_event *xb_engine_lock_event(struct xb_engine *engine, LONG context);
/*
 * Derives a locked event's implicit values, once (lazily: a module that
 * reads only what the trace gives never pays for decoding). A failure is
 * kept for xb_engine_take_error.
 */
void xb_engine_derive_locked(struct xb_engine *engine, struct xb_event *ev);
/* Locks for reading the CA properties; xb_engine_locked_ca gives them again while the lock is held. */
const struct xb_props *xb_engine_lock_ca(struct xb_engine *engine);
const struct xb_props *xb_engine_locked_ca(struct xb_engine *engine);
void xb_engine_unlock(struct xb_engine *engine);
void xb_engine_ref(struct xb_engine *engine);
void xb_engine_unref(struct xb_engine *engine);

/* The engine as the server objects' backend (server.c), and a new object (one reference) on it. */
extern const struct xb_server_ops xb_engine_server_ops;
HRESULT xb_server_create(struct xb_engine *engine, REFIID riid, void **ppv);

#endif
