/*
 * The engine's side of the event snapshot (bridge_proto.h): everything the
 * engine's server would answer during one call into a bridged module,
 * gathered from the engine under its lock and derived beforehand, so the
 * host can answer every call itself. Linux only (it derives with OpenSSL).
 *
 * Derivation is lazy in the engine: a module that reads only what the
 * trace gives never makes it decode a certificate, and a derivation error
 * is the trace's error only when a module needed it. So the event is
 * derived on a copy first. When that succeeds the derived values go into
 * the event (exactly what the engine's own derivation would have put
 * there); when it fails the snapshot ships the copy, says which values
 * derivation added, and xb_snap_source_after records the error in the
 * engine only if the host says the module needed one of them.
 */
#ifndef XB_EMU_BRIDGE_SNAPSHOT_H
#define XB_EMU_BRIDGE_SNAPSHOT_H

#include "bridge_proto.h"
#include "engine.h"

struct xb_snap_source {
	struct xb_snapshot snap;  /* what xb_snap_source_build made, valid until the next build or free */
	struct xb_engine *engine;
	LONG context;
	struct xb_props ca;       /* the engine's CA properties as last copied */
	struct xb_event copy;     /* the event derived on the side, when that failed */
	struct xb_snap_prop *props;
	size_t props_cap;
	struct xb_snap_attr *attrs;
	size_t attrs_cap;
	struct xb_snap_ext *exts;
	size_t exts_cap;
};

/*
 * Builds s->snap for a call into the module: the CA's properties and the
 * module location of the calling thread (xb_engine_module_location), and,
 * for a Notify with a request context (kind, context), the event's values.
 * engine NULL gives an empty snapshot. S_OK or E_OUTOFMEMORY.
 */
HRESULT xb_snap_source_build(struct xb_snap_source *s, struct xb_engine *engine, LONG kind, LONG context);

/*
 * After the call: when the snapshot's derivation had failed and the host
 * says the module asked for a value that needed it, the engine derives
 * the event itself and so records the error, as it would have in-process.
 */
void xb_snap_source_after(struct xb_snap_source *s, int derive_triggered);

void xb_snap_source_free(struct xb_snap_source *s);

#endif
