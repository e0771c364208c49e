/*
 * Fault injection (exitbench replay --inject SPEC): chosen ICertServerExit
 * calls fail with a chosen HRESULT, so a test can see whether a module
 * survives what a real CA may answer (an empty property, no memory, an RPC
 * failure). docs/harness.md describes the specification language:
 *
 *   SPEC  := RULE [";" RULE]...
 *   RULE  := FIELD ["," FIELD]...
 *   FIELD := error=HRESULT | method=NAME | name=PROPERTY | event=KIND
 *          | every=N | random=P | seed=S
 *
 * A call matches a rule when it matches every field given; then every=N
 * fails the Nth, 2Nth... matching call, random=P fails each with
 * probability P (from a generator seeded with seed=, else with a seed the
 * report prints so the run can be repeated), and neither fails them all.
 * The first rule that fires wins. HRESULTs are names (E_OUTOFMEMORY,
 * CERTSRV_E_PROPERTY_EMPTY, RPC, which is
 * HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE)) or numbers.
 *
 * Portable C: exitbench-host.exe decides a Windows DLL's calls with the
 * same code, from the specifications the engine ships (bridge_proto.h).
 */
#ifndef XB_EMU_INJECT_H
#define XB_EMU_INJECT_H

#include <stdint.h>

#include "exitbench.h"

struct xb_injector;

/*
 * Parses specs[0..n) into a new injector (free with xb_injector_free).
 * E_INVALIDARG with err saying which spec, which field and why; the error's
 * position is the byte offset in that spec.
 */
HRESULT xb_injector_new(const char *const *specs, size_t n, struct xb_injector **out, xb_error *err);
void xb_injector_free(struct xb_injector *in);

/* The seed random= rules use (given, or chosen from the clock), for the report. */
uint64_t xb_injector_seed(const struct xb_injector *in);
/*
 * Restarts the random= generator from seed, whatever the specifications
 * said: another process deciding from the same rules (a DLL's host, an
 * isolated module's process) must draw from the seed the report prints.
 */
void xb_injector_set_seed(struct xb_injector *in, uint64_t seed);
/* The specifications it was made from, as given (*n of them); borrowed from in. */
const char *const *xb_injector_specs(const struct xb_injector *in, size_t *n);
/* Whether any rule uses random=. */
int xb_injector_random(const struct xb_injector *in);

/*
 * The HRESULT to fail this call with, or S_OK to let it through. method is
 * the ICertServerExit method, name the property/attribute/extension (or
 * NULL), kind the EXITEVENT_* of the call's context (0 for the CA's).
 * Thread-safe; counts and the generator are shared, so with concurrent
 * delivery which call is the Nth depends on timing.
 */
HRESULT xb_injector_decide(struct xb_injector *in, const char *method, const char *name, LONG kind);

#endif
