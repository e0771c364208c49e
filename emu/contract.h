/*
 * What the engine checks of a module's side of the contract while it
 * delivers one call: calls the documented protocol does not allow
 * (SetContext with another context, reads before SetContext, a wrong
 * PropertyType, enumerations not set up, NULL out pointers); every BSTR the server hands the module (out BSTRs and
 * VARIANT contents) must be freed by the time the call returns, and every
 * server object the module created must be released. The BSTR check uses
 * lib's allocation hooks, so it sees the module's SysFreeString and
 * VariantClear whichever way it calls them.
 */
#ifndef XB_EMU_CONTRACT_H
#define XB_EMU_CONTRACT_H

#include <stddef.h>

#include "engine.h"
#include "replay.h"

struct xb_contract;

/* A new checker; installs lib's allocation hooks until xb_contract_free. */
HRESULT xb_contract_new(struct xb_contract **out);
void xb_contract_free(struct xb_contract *c);

/* Call from the engine's observer: counts the call and remembers a BSTR it handed out. */
void xb_contract_observe(struct xb_contract *c, const struct xb_server_call *call);

/*
 * Starts a delivery on the calling thread with its Notify context (0 for
 * other calls): counts from zero, notes the thread's live server objects.
 * Each thread delivers one call at a time; several threads may deliver at
 * once.
 */
void xb_contract_begin(struct xb_contract *c, struct xb_engine *engine, LONG context);

/*
 * Ends a delivery into its record: the calls made since xb_contract_begin
 * (n->calls), one line per fault injected (n->injected), and one per
 * violation (n->violations): a call that broke the documented protocol, a
 * BSTR not freed (naming the call that produced it), server objects not
 * released, and, when faults were injected and anything else went wrong,
 * that the module did not handle them. Lines are malloc'd.
 */
HRESULT xb_contract_end(struct xb_contract *c, struct xb_engine *engine, struct xb_notification *n);

/* Frees the calling thread's delivery buffers: call before a delivering thread ends. */
void xb_contract_thread_exit(void);

#endif
