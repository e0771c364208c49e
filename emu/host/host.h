/*
 * exitbench-host.exe: the Windows side of the bridge (docs/bridge-protocol.md).
 * It loads one exit module DLL as regsvr32 and certsrv do, serves the
 * module's ICertServerExit calls from the event snapshots the engine sends,
 * and answers each call into the module with what the module did. Built
 * with mingw-w64; it depends on nothing but Windows system DLLs and is
 * independent of the module kit, so it runs DLLs built with MSVC, C++ or
 * ATL as well as ours.
 *
 * What the parts share; not an interface for anything else.
 */
#ifndef XB_EMU_HOST_HOST_H
#define XB_EMU_HOST_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "bridge_proto.h"

/* ---- host_guard.c: structured exceptions as results ---------------------- */

struct xb_host_exception {
	DWORD code;
	void *address;
	char text[400]; /* "EXCEPTION_ACCESS_VIOLATION (0xC0000005) reading address 0x0 at crash.dll+0x1530" */
};

/* Installs the top-level exception filter the guard relies on. Once, at start. */
void xb_host_guard_install(void);
/*
 * Calls fn(arg). 0 when it returned; 1 when a structured exception that no
 * handler of the module's own took ended it, with *ex describing it (the
 * call is abandoned where it was). One guarded call at a time, on one thread.
 */
int xb_host_guarded(void (*fn)(void *), void *arg, struct xb_host_exception *ex);

/* ---- host_spy.c: which BSTRs the module frees ----------------------------- */

/*
 * Registers an IMallocSpy (with oleaut32's BSTR cache off), so every free
 * of a BSTR block is seen, whichever way the module frees it. 1 when the
 * spy is in place and its self-test saw a SysFreeString.
 */
int xb_host_spy_install(void);
/*
 * Watches a BSTR handed to the module until it is freed, across calls
 * (a module may keep one and free it later); returns its number, never 0
 * (0 when out of memory: then it is not watched).
 */
uint32_t xb_host_spy_watch(BSTR b);
/* Whether the BSTR of that number has been freed (or reallocated); a freed one is then forgotten. */
int xb_host_spy_take(uint32_t number);
/* The numbers of the freed BSTRs not yet taken (at most max of them), forgotten as they are returned. */
size_t xb_host_spy_take_freed(uint32_t *numbers, size_t max);

/* ---- host_inject.c: fault injection ---------------------------------------- */

/*
 * Takes an INJECT request's rules, replacing any before (none: injection
 * off), and fills the INJECT_READY response (strings static): a
 * specification the host cannot parse fails with the parser's sentence
 * and leaves no rule.
 */
void xb_host_inject(const struct xb_bridge_request *q, struct xb_bridge_response *r);
/* A call into the module starts on the calling thread (the snapshot's kind and context) / has returned. */
void xb_host_inject_begin(LONG kind, LONG context);
void xb_host_inject_end(void);
/* The snapshot server's fault hook (snapshot_server.h): S_OK, or the HRESULT the rules fail the call with. */
HRESULT xb_host_fault(void *ctx, const char *method, const char *name, LONG context);

/* ---- host_module.c: the module -------------------------------------------- */

/* Loads the DLL of a LOAD request as regsvr32 and certsrv do; fills the LOADED response (strings static). */
void xb_host_load(const struct xb_bridge_request *q, struct xb_bridge_response *r);
/* Makes the module call a request asks for, fills r (answers, hr and the call-specific fields). */
void xb_host_call_module(const struct xb_bridge_request *q, struct xb_bridge_response *r, struct xb_host_exception *ex,
			 int *crashed);

/* A path as Windows opens it: a Unix one through Wine's mapping (Z: by default), else as given. 0 when it does not fit. */
int xb_host_windows_path(const char *path, WCHAR *out, size_t n);

/* UTF-8 of a wide string in a static buffer of the caller (for messages). */
const char *xb_host_utf8(const WCHAR *w, char *buf, size_t n);

#endif
