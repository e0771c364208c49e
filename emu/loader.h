/*
 * Loading an exit module as certsrv does: the module's own DllRegisterServer
 * writes its COM keys into the emulated registry (as regsvr32 makes it do),
 * the engine resolves ProgID -> CLSID -> InprocServer32 and activates the
 * class with CoCreateInstance, asking for ICertExit2 and falling back to
 * ICertExit. The COM ABI is the only contact: no symbol of the module other
 * than the four Dll* exports is ever looked up.
 *
 * A loaded module is an opaque xb_module: load, initialize, notify, unload,
 * free. What the loader noticed about the module's side of the contract
 * (undefined mask bits, a failing GetDescription, DllCanUnloadNow saying
 * S_FALSE after the final Release...) is kept as warnings and as typed
 * accessors for the engine to report; the loader never prints.
 *
 * Several modules (different files) may be loaded at once. One xb_module
 * is not thread-safe, except that xb_module_notify may be called from many
 * threads at once, as a CA does.
 */
#ifndef XB_EMU_LOADER_H
#define XB_EMU_LOADER_H

#include <stddef.h>

#include "exitbench.h"

/* What to load. Strings are borrowed during xb_module_load only. */
struct xb_module_spec {
	/* The module library (.so). A name without a slash is taken from the
	 * current directory, not searched for as dlopen would. Required. */
	const char *path;
	/* The exit class's ProgID. NULL: after registration, the one ProgID
	 * ending in ".Exit" (the VersionIndependentProgID) whose class's
	 * InprocServer32 is this file. With clsid, only the module's name. */
	const char *progid;
	/* "{XXXXXXXX-...}": a raw-COM module with no registration code.
	 * DllRegisterServer is then not called; the loader writes
	 * HKCR\CLSID\{clsid}\InprocServer32 = the file's absolute path
	 * (ThreadingModel Both) itself, so activation still goes through the
	 * registry. */
	const char *clsid;
	/* strStorageLocation for ICertManageModule (the module's
	 * ModuleRegistryLocation). NULL: SYSTEM\CurrentControlSet\Services\
	 * CertSvc\Configuration\<config>\ExitModules\<ProgID, else CLSID>. */
	const char *registry_location;
	/* strConfig for ICertManageModule, "COMPUTER\CA name". NULL: the
	 * upper-cased short host name, a backslash and the Initialize config. */
	const char *manage_config;
};

struct xb_module;

/*
 * Loads, registers and activates the module of spec. On success *out is a
 * new module (xb_module_free it) and S_OK is returned. On failure *out is
 * NULL and err (optional; source = the path) says which file, which step
 * and which HRESULT by name:
 *   CO_E_DLLNOTFOUND                          the file does not load (dlerror's text)
 *   HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND)  a required Dll* export is missing
 *   the module's own HRESULT                  DllRegisterServer or CoCreateInstance failed
 *   CO_E_CLASSSTRING                          no such ProgID, none or several ".Exit"
 *                                             ProgIDs for this file, or a malformed clsid
 *   REGDB_E_INVALIDVALUE                      InprocServer32 names another file
 *   E_NOINTERFACE                             neither ICertExit2 nor ICertExit
 */
HRESULT xb_module_load(const struct xb_module_spec *spec, struct xb_module **out, xb_error *err);

/*
 * Activates a class whose class object the caller registered with
 * CoRegisterClassObject (a module linked into the calling program), as
 * xb_module_load does a file's class once resolved: CoCreateInstance,
 * ICertExit2 else ICertExit. name (optional, copied) stands in for the
 * ProgID. No library is involved: xb_module_path is NULL and unloading
 * asks no DllCanUnloadNow (xb_module_can_unload then says
 * HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND)). Errors as xb_module_load's.
 */
HRESULT xb_module_activate_class(REFCLSID clsid, const char *name, struct xb_module **out, xb_error *err);

/*
 * ICertExit::Initialize(config) once, then GetDescription and, for an
 * ICertExit2 whose Initialize succeeded, GetManageModule and its five
 * standard properties (docs/decisions.md, "Module loading"). Returns what
 * Initialize returned (E_UNEXPECTED if called twice; an invalid UTF-8
 * config's HRESULT without calling the module). *mask (optional) receives
 * the event mask: what the module set, or 0 when Initialize failed.
 */
HRESULT xb_module_initialize(struct xb_module *m, const char *config, LONG *mask);

/*
 * ICertExit::Notify(event, context): returns S_OK when the call was made
 * and *result (optional) is what the module returned; E_UNEXPECTED, without
 * calling, before a successful Initialize or after unload. The event mask
 * is the caller's to honour.
 */
HRESULT xb_module_notify(struct xb_module *m, LONG event, LONG context, HRESULT *result);

/*
 * The final Release of the module's object, then the library's
 * DllCanUnloadNow (recorded: xb_module_can_unload), CoFreeUnusedLibraries
 * and our own dlclose. The record stays readable until xb_module_free.
 * Does not send EXITEVENT_SHUTDOWN: that is the caller's event to deliver.
 */
void xb_module_unload(struct xb_module *m);

/* Unloads if still loaded, then frees the record. NULL is ignored. */
void xb_module_free(struct xb_module *m);

/* ---- what was learnt; strings are UTF-8, borrowed until xb_module_free --- */

/* The module file's absolute, symlink-free path. */
const char *xb_module_path(const struct xb_module *m);
/* The exit class's ProgID, or NULL (a clsid load without one). */
const char *xb_module_progid(const struct xb_module *m);
/* The class's CLSID in braced upper-case form. */
const char *xb_module_clsid(const struct xb_module *m);
/* 1 when the object answered ICertExit2, 0 when only ICertExit. */
int xb_module_is_exit2(const struct xb_module *m);

/* What Initialize returned; E_PENDING before xb_module_initialize. */
HRESULT xb_module_init_result(const struct xb_module *m);
/* The event mask recorded by xb_module_initialize (0 before it, or after a failure). */
LONG xb_module_mask(const struct xb_module *m);
/* The mask bits outside EXITEVENT_* (0x2FF), 0 if none: each is also a warning. */
LONG xb_module_undefined_mask_bits(const struct xb_module *m);

/* GetDescription's text, or NULL when it failed or gave NULL. */
const char *xb_module_description(const struct xb_module *m);
/* What GetDescription returned; E_PENDING if it was not called. */
HRESULT xb_module_description_result(const struct xb_module *m);

/* The ICertManageModule properties asked for, in this order. */
enum xb_manage_prop {
	XB_MANAGE_NAME,
	XB_MANAGE_DESCRIPTION,
	XB_MANAGE_COPYRIGHT,
	XB_MANAGE_FILE_VERSION,
	XB_MANAGE_PRODUCT_VERSION,
	XB_MANAGE_PROP_COUNT
};
/* The property's name as passed to GetProperty ("File Version"), or NULL out of range. Static. */
const char *xb_manage_prop_name(enum xb_manage_prop which);
/* The property's value, or NULL when absent (no manage module, S_FALSE, empty or failed). */
const char *xb_module_manage_property(const struct xb_module *m, enum xb_manage_prop which);
/* What GetManageModule returned (S_FALSE when it gave S_OK and NULL); E_PENDING if not called. */
HRESULT xb_module_manage_result(const struct xb_module *m);
/*
 * Sets the module's ModuleRegistryLocation (copied), which Initialize then
 * passes to ICertManageModule as strStorageLocation instead of deriving one:
 * the caller knows the CA's sanitized name, the loader only the config.
 * S_OK, E_OUTOFMEMORY, or E_UNEXPECTED once Initialize has been called.
 */
HRESULT xb_module_set_registry_location(struct xb_module *m, const char *location);
/* The module's ModuleRegistryLocation: from the spec or the setter, else derived by Initialize; NULL before. */
const char *xb_module_registry_location(const struct xb_module *m);

/*
 * DllCanUnloadNow's answer right after the final Release: S_OK, S_FALSE
 * (objects or server locks still alive: a finding), another HRESULT as
 * returned; HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND) when not exported;
 * E_PENDING before xb_module_unload.
 */
HRESULT xb_module_can_unload(const struct xb_module *m);
/* What the final Release returned (0 when the module freed its object). */
ULONG xb_module_final_release(const struct xb_module *m);

/* The warnings noticed so far, in order; each one line for a person. */
size_t xb_module_warning_count(const struct xb_module *m);
const char *xb_module_warning(const struct xb_module *m, size_t i);

/*
 * What a replay reports about a loaded module, as plain data (no handle on
 * the module), so that it can be handed to reporters and sent between
 * processes (exitbench replay --isolate).
 */
struct xb_module_info {
	const char *path;              /* absolute; NULL for a class activated without a library */
	const char *progid;            /* NULL: none */
	const char *clsid;             /* braced upper-case; NULL when never learnt (a module that died loading) */
	int is_exit2;                  /* answered ICertExit2 */
	const char *description;       /* GetDescription's text, NULL when none */
	LONG mask;                     /* as xb_module_mask */
	LONG undefined_mask;           /* as xb_module_undefined_mask_bits */
	HRESULT init_result;           /* what Initialize returned (E_PENDING before it) */
	const char *registry_location; /* ModuleRegistryLocation, NULL when not known yet */
	const char *manage[XB_MANAGE_PROP_COUNT]; /* ICertManageModule's properties, NULL when absent */
	const char *const *warnings;   /* as xb_module_warning */
	size_t nwarnings;
};

/* Fills *info from m; every pointer is borrowed from m, valid until m is changed or freed. */
void xb_module_get_info(const struct xb_module *m, struct xb_module_info *info);

/* ---- Windows DLLs, run by exitbench-host.exe under Wine (bridge.h) ------ */

struct xb_engine;
/*
 * The engine whose CA properties and events the module's calls read: a
 * DLL's server calls are answered in its host from a snapshot of them,
 * and failed there by the engine's fault injection rules (sent to the
 * host now and whenever they change). Set it after loading, before any
 * call. Borrowed. Nothing for a Linux module (it reaches the engine
 * through COM). S_OK, or a failure with err (optional): the host refused
 * the rules or is gone.
 */
HRESULT xb_module_set_engine(struct xb_module *m, struct xb_engine *engine, xb_error *err);
/*
 * Appends (malloc'd) one line per thing that went wrong outside the COM
 * contract in the calling thread's calls into the module since it last
 * asked: a DLL crashed (a structured exception its host caught), did not
 * return in time, or its host ended. Nothing for a Linux module.
 * S_OK or E_OUTOFMEMORY.
 */
HRESULT xb_module_take_faults(struct xb_module *m, char ***lines, size_t *n);

#endif
