/*
 * One call into one loaded module with the contract checks around it:
 * the module's ModuleRegistryLocation for the calling thread, the
 * contract's begin and end, the call described for the crash handler
 * (crash.h), the time spent inside the module, and the result record
 * (struct xb_notification) with its violations and warnings, a DLL's
 * crash, hang or lost host among them (xb_module_take_faults). The replay
 * loop and the Check helpers (libexitbench-check) both deliver through
 * these, so a module is held to one contract whichever drives it.
 *
 * A module must be pointed at d->engine with xb_module_set_engine once
 * after loading, before the first of these (a DLL's calls are answered
 * from that engine's events, with its fault injection).
 */
#ifndef XB_EMU_DELIVER_H
#define XB_EMU_DELIVER_H

#include "contract.h"
#include "engine.h"
#include "loader.h"
#include "replay.h"

/* Where a call goes and what watches it. Everything borrowed. */
struct xb_delivery {
	struct xb_engine *engine;
	struct xb_contract *contract; /* the engine's observer must feed it (xb_contract_observe) */
	struct xb_module *module;
	const char *location;         /* the module's ModuleRegistryLocation */
};

/*
 * xb_module_initialize(config) with the checks around it. n is the
 * caller's record (module, event, line already set; they also name the
 * call for the crash handler): method, hr, seconds,
 * calls and violations are filled in, and the loader's warnings so far
 * are copied into n->warnings. *mask (optional) receives the mask, 0 when
 * Initialize failed. Returns what Initialize returned.
 */
HRESULT xb_deliver_initialize(const struct xb_delivery *d, const char *config, LONG *mask,
			      struct xb_notification *n);

/*
 * Notify(kind, context) with the checks around it (the event must be in
 * flight in d->engine under that context, or context 0). n->hr is what
 * Notify returned, or the loader's refusal (E_UNEXPECTED) when it could
 * not be called. The caller honours the module's mask.
 */
void xb_deliver_notify(const struct xb_delivery *d, LONG kind, LONG context, struct xb_notification *n);

/*
 * The final Release (xb_module_unload) with the checks around it; adds
 * the findings of the unload as violations: references the final Release
 * left, DllCanUnloadNow saying S_FALSE after it.
 */
void xb_deliver_unload(const struct xb_delivery *d, struct xb_notification *n);

/* Frees the lines of a record (violations, warnings, injected) and empties them. */
void xb_notification_clear(struct xb_notification *n);

#endif
