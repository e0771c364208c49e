/*
 * Windows exit module DLLs from Linux (docs/bridge-protocol.md): the
 * loader hands a PE file to the bridge, which starts exitbench-host.exe
 * under Wine, has it register and activate the DLL through real COM, and
 * gives the loader a proxy object in its place: an ICertExit2 (or
 * ICertExit) whose every method is one round trip to the host, and whose
 * ICertManageModule is one too. The rest of the engine cannot tell the
 * proxy from a .so module: Notify ships the event's snapshot and plays the
 * host's log of server calls back through the engine's observer, on the
 * calling thread, so the same contract checks see the same calls and the
 * same BSTRs (each handed-out BSTR has a Linux stand-in, freed when the
 * module freed the original).
 *
 * Calls into one DLL are made one at a time (a replay with --jobs N
 * serializes them), and only the context of the Notify being made is in
 * flight in the host.
 */
#ifndef XB_EMU_BRIDGE_H
#define XB_EMU_BRIDGE_H

#include "engine.h"
#include "loader.h"

/* Whether the file is a Windows PE image ("MZ", then "PE\0\0" where the DOS header says). */
int xb_bridge_is_pe(const char *path);

struct xb_bridge;

/* What the host learnt about the module, for the loader's record. Borrowed from the bridge. */
struct xb_bridge_module {
	const char *progid;            /* NULL for a CLSID load without one */
	CLSID clsid;
	int is_exit2;                  /* the object answered ICertExit2 */
	int has_can_unload;            /* the DLL exports DllCanUnloadNow */
	const char *const *warnings;   /* what the host noticed while loading (missing exports...) */
	size_t nwarnings;
	ICertExit *object;             /* the proxy: one reference, the loader's (an ICertExit2 when is_exit2) */
};

/*
 * Starts a host, loads spec's DLL in it (path, and progid or clsid, as for
 * a .so) and fills *info. On success *out is a new bridge (xb_bridge_free
 * it after the proxy's final Release). On failure err says why, in the
 * loader's words where the step is the loader's (a missing export, a ProgID
 * that names another file...), or what is missing to run a DLL at all
 * (Wine, the host).
 */
HRESULT xb_bridge_load(const struct xb_module_spec *spec, struct xb_bridge **out, struct xb_bridge_module *info,
		       xb_error *err);

/*
 * The engine whose CA properties and events the calls ship (borrowed; NULL:
 * an empty snapshot), and whose fault injection rules (inject.h) the host
 * applies to the module's server calls: they are sent now, and again
 * before a call whenever the engine's rules changed. S_OK, or a failure
 * with err: the host refused the rules (it cannot parse a specification),
 * or it is gone. A call made while the host has no rules the engine set is
 * not made (a fault line says why).
 */
HRESULT xb_bridge_set_engine(struct xb_bridge *b, struct xb_engine *engine, xb_error *err);

/* The per-call limit in milliseconds (default: $EXITBENCH_HOST_TIMEOUT, else 60 s); 0 keeps the default. */
void xb_bridge_set_timeout(struct xb_bridge *b, unsigned ms);

/* DllCanUnloadNow's answer right after the final Release; E_PENDING before it. */
HRESULT xb_bridge_can_unload(const struct xb_bridge *b);

/*
 * Appends (malloc'd) one line per thing that went wrong outside the COM
 * contract in the calling thread's calls into b since it last asked: the
 * module crashed (a structured exception), did not return in time, or its
 * host ended, or a call was not made because of an earlier one of those.
 * S_OK or E_OUTOFMEMORY.
 */
HRESULT xb_bridge_take_faults(struct xb_bridge *b, char ***lines, size_t *n);

/* Stops the host and frees the bridge. NULL is ignored. */
void xb_bridge_free(struct xb_bridge *b);

#endif
