/*
 * The module kit: everything of an exit module that is not its own logic.
 *
 * A module writes its Initialize and Notify (and, if it wants, Configure
 * and extra ICertManageModule properties) and one declaration:
 *
 *   XB_EXIT_MODULE(hello, "Hello",
 *                  "{1B0B5F4E-...}", "{1B0B5F4F-...}",
 *                  .initialize = hello_initialize, .notify = hello_notify,
 *                  .description = "Hello exit module");
 *
 * The declaration expands to a static table and to the module's four
 * exports, DllGetClassObject, DllCanUnloadNow, DllRegisterServer and
 * DllUnregisterServer, which forward to the kit. The kit supplies the COM
 * objects (the exit object answering IUnknown, IDispatch, ICertExit and
 * ICertExit2; the ICertManageModule object; their class factories), the
 * registration of reference §6.1, typed helpers over ICertServerExit,
 * configuration from the module's registry key, and logging. The same
 * source builds as a Linux .so and, with mingw-w64, as a Windows COM DLL
 * (where a .def file exports the four functions).
 *
 * Ownership: every char * a kit function returns through an out-parameter
 * is new UTF-8, freed with free(); every char * passed in is borrowed.
 */
#ifndef XB_INCLUDE_EXITBENCH_KIT_H
#define XB_INCLUDE_EXITBENCH_KIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"
#include "exitbench/unknwn.h"
#include "exitbench/certmod.h"
#include "exitbench/certexit.h"
#include "exitbench/certif.h"
#include "exitbench/kit_version.h"

XB_BEGIN_DECLS

/* ---- the declaration ---------------------------------------------------- */

/*
 * One exit-module object as the CA holds it (opaque). The callbacks get it;
 * xb_kit_get_state/xb_kit_set_state keep the module's own data on it.
 */
typedef struct xb_kit_module xb_kit_module;

/*
 * ICertExit::Initialize. ca_name is strConfig as UTF-8 (borrowed for the
 * call); *event_mask starts as the declaration's .event_mask and is what
 * the CA receives. A failure is returned to the CA as is.
 */
typedef HRESULT (*xb_kit_initialize_fn)(xb_kit_module *module, const char *ca_name, LONG *event_mask);
/* ICertExit::Notify. May run on several threads at once, as on a CA. */
typedef HRESULT (*xb_kit_notify_fn)(xb_kit_module *module, LONG event, LONG context);
/* The object's final Release: free what xb_kit_set_state stored. */
typedef void (*xb_kit_destroy_fn)(xb_kit_module *module);
/* ICertManageModule::Configure (strings UTF-8, borrowed; flags CMM_*). */
typedef HRESULT (*xb_kit_configure_fn)(const char *ca_config, const char *storage_location, LONG flags);
/*
 * Asked first for every ICertManageModule property (name UTF-8, borrowed;
 * value VT_EMPTY on entry): S_OK with *value set answers the property,
 * S_FALSE leaves it to the kit, which knows the five standard names.
 */
typedef HRESULT (*xb_kit_property_fn)(const char *name, VARIANT *value);

/* The kit's per-module bookkeeping, defined by XB_EXIT_MODULE; private to the kit. */
struct xb_exit_module_decl;
struct xb_kit_factory {
	IClassFactory IClassFactory_iface;
	const struct xb_exit_module_decl *decl;
	int manage; /* 0: the exit class, 1: the manage class */
	LONG refcount; /* references handed out (the object itself is static) */
};
struct xb_kit_runtime {
	struct xb_kit_factory factories[2];
	LONG objects; /* live exit and manage objects */
	LONG locks;   /* IClassFactory::LockServer(TRUE) minus (FALSE) */
};

/*
 * What a module declares. name, clsid and manage_clsid are required (the
 * macro's arguments); everything else is optional.
 */
struct xb_exit_module_decl {
	/* The application name: ProgIDs <name>.Exit(.1) and <name>.ExitManage(.1), and the log name. */
	const char *name;
	/* The two classes' CLSIDs, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (any case). */
	const char *clsid;
	const char *manage_clsid;
	struct xb_kit_runtime *runtime;
	/* GetDescription, the registry's class descriptions and "Description"; default: name. */
	const char *description;
	/* ICertManageModule "Name"; default: name. */
	const char *display_name;
	/* ICertManageModule "Copyright", "File Version", "Product Version"; NULL: not answered (S_FALSE). */
	const char *copyright;
	const char *file_version;
	const char *product_version;
	/* The event mask handed to .initialize (and returned as is without one). */
	LONG event_mask;
	xb_kit_initialize_fn initialize;
	xb_kit_notify_fn notify;
	xb_kit_destroy_fn destroy;
	xb_kit_configure_fn configure;
	xb_kit_property_fn get_property;
};

/* The class factories' vtable (the factories are static objects in the module). */
XB_EXPORT extern const IClassFactoryVtbl xb_kit_factory_vtbl;

/*
 * Declares an exit module: a static table `id##_xb_decl` and the four Dll*
 * exports of this library, in the translation unit where it appears (use
 * it once per module). The variable arguments are designated initializers
 * of struct xb_exit_module_decl.
 */
#define XB_EXIT_MODULE(id, app_name, clsid_text, manage_clsid_text, ...)                                      \
	static const struct xb_exit_module_decl id##_xb_decl;                                                  \
	static struct xb_kit_runtime id##_xb_runtime = {                                                       \
		{{{&xb_kit_factory_vtbl}, &id##_xb_decl, 0, 0}, {{&xb_kit_factory_vtbl}, &id##_xb_decl, 1, 0}}, 0, 0}; \
	static const struct xb_exit_module_decl id##_xb_decl = {.name = (app_name),                            \
								.clsid = (clsid_text),                         \
								.manage_clsid = (manage_clsid_text),           \
								.runtime = &id##_xb_runtime,                   \
								__VA_ARGS__};                                  \
	XB_EXPORT STDAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv);                         \
	XB_EXPORT STDAPI DllCanUnloadNow(void);                                                               \
	XB_EXPORT STDAPI DllRegisterServer(void);                                                             \
	XB_EXPORT STDAPI DllUnregisterServer(void);                                                           \
	STDAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)                                    \
	{                                                                                                      \
		return xb_kit_get_class_object(&id##_xb_decl, rclsid, riid, ppv);                              \
	}                                                                                                      \
	STDAPI DllCanUnloadNow(void)                                                                           \
	{                                                                                                      \
		return xb_kit_can_unload_now(&id##_xb_decl);                                                   \
	}                                                                                                      \
	STDAPI DllRegisterServer(void)                                                                         \
	{                                                                                                      \
		return xb_kit_register_server(&id##_xb_decl);                                                  \
	}                                                                                                      \
	STDAPI DllUnregisterServer(void)                                                                       \
	{                                                                                                      \
		return xb_kit_unregister_server(&id##_xb_decl);                                                \
	}                                                                                                      \
	typedef int xb_kit_declared_##id /* swallows the caller's semicolon */

/* ---- what the generated exports call ------------------------------------ */

/*
 * DllGetClassObject: the static class factory of the exit or the manage
 * class (AddRef'd). E_POINTER for a NULL ppv, CLASS_E_CLASSNOTAVAILABLE
 * for another CLSID (or a malformed one in the declaration), E_NOINTERFACE
 * unless riid is IUnknown or IClassFactory.
 */
XB_EXPORT HRESULT xb_kit_get_class_object(const struct xb_exit_module_decl *decl, REFCLSID rclsid, REFIID riid,
					  LPVOID *ppv);
/* DllCanUnloadNow: S_OK when no object, factory reference or server lock is alive, else S_FALSE. */
XB_EXPORT HRESULT xb_kit_can_unload_now(const struct xb_exit_module_decl *decl);
/*
 * DllRegisterServer: writes, for the exit class and for the manage class,
 * exactly the HKEY_CLASSES_ROOT keys of reference §6.1 (see docs/kit.md),
 * with InprocServer32 the full path of the module file that holds decl.
 * S_OK, or SELFREG_E_CLASS (nothing left behind) when a key cannot be
 * written or the declaration is malformed.
 */
XB_EXPORT HRESULT xb_kit_register_server(const struct xb_exit_module_decl *decl);
/* DllUnregisterServer: deletes those keys (absent ones are fine); S_OK or SELFREG_E_CLASS. */
XB_EXPORT HRESULT xb_kit_unregister_server(const struct xb_exit_module_decl *decl);

/* ---- the module object --------------------------------------------------- */

/* The pointer last given to xb_kit_set_state (NULL at first). Borrowed. */
XB_EXPORT void *xb_kit_get_state(const xb_kit_module *module);
/* Keeps state on the object; the declaration's .destroy frees it. */
XB_EXPORT void xb_kit_set_state(xb_kit_module *module, void *state);
/* The module's declaration. */
XB_EXPORT const struct xb_exit_module_decl *xb_kit_get_decl(const xb_kit_module *module);

/* ---- ICertServerExit, typed ----------------------------------------------
 *
 * Each helper makes one call on a server object whose context is already
 * set (xb_kit_server_open), checks the VARIANT's type, converts, and frees
 * every BSTR and VARIANT it got, whatever happens. On failure the out-
 * parameters are NULL / 0 and the HRESULT says why:
 *   E_INVALIDARG              NULL server or name, invalid UTF-8 name
 *   E_POINTER                 NULL out-parameter
 *   the server's HRESULT      e.g. CERTSRV_E_PROPERTY_EMPTY
 *   CERTSRV_E_PROPERTY_EMPTY  the server said S_OK with VT_EMPTY or VT_NULL
 *   DISP_E_TYPEMISMATCH       the server returned another VARIANT type
 *   HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION)  text that is not UTF-16
 */

/* Which Get*Property: GetRequestProperty or GetCertificateProperty (context 0: the CA's). */
typedef enum xb_kit_side {
	XB_KIT_REQUEST = 0,
	XB_KIT_CERTIFICATE = 1
} xb_kit_side;

/*
 * CoCreateInstance(CLSID_CCertServerExit) and SetContext(context): *server
 * is a new reference (ICertServerExit_Release it). On failure *server is
 * NULL and the failing call's HRESULT is returned.
 */
XB_EXPORT HRESULT xb_kit_server_open(LONG context, ICertServerExit **server);

/* A PROPTYPE_STRING property as new UTF-8. */
XB_EXPORT HRESULT xb_kit_get_string(ICertServerExit *server, xb_kit_side side, const char *name, char **out);
/* A PROPTYPE_LONG property. */
XB_EXPORT HRESULT xb_kit_get_long(ICertServerExit *server, xb_kit_side side, const char *name, LONG *out);
/* A PROPTYPE_DATE property as the OLE DATE the CA returns (UTC). */
XB_EXPORT HRESULT xb_kit_get_date(ICertServerExit *server, xb_kit_side side, const char *name, DATE *out);
/*
 * A PROPTYPE_DATE property as seconds since 1970-01-01 UTC (a time_t),
 * rounded to the second; E_INVALIDARG for a DATE outside 0100..9999.
 */
XB_EXPORT HRESULT xb_kit_get_time(ICertServerExit *server, xb_kit_side side, const char *name, int64_t *out);
/*
 * A PROPTYPE_BINARY property (RawCertificate...) as new bytes (free() them;
 * never NULL on success, even for 0 bytes) and their count.
 */
XB_EXPORT HRESULT xb_kit_get_bytes(ICertServerExit *server, xb_kit_side side, const char *name,
				   unsigned char **out, size_t *len);
/* GetRequestAttribute as new UTF-8. */
XB_EXPORT HRESULT xb_kit_get_attribute(ICertServerExit *server, const char *name, char **out);
/*
 * GetCertificateExtension(oid, PROPTYPE_BINARY): the extension value's
 * bytes (new, free() them) and count; *flags (optional) receives
 * GetCertificateExtensionFlags (EXTENSION_*).
 */
XB_EXPORT HRESULT xb_kit_get_extension(ICertServerExit *server, const char *oid, unsigned char **out,
				       size_t *len, LONG *flags);

/*
 * Called for each request attribute with its name and value (UTF-8,
 * borrowed for the call; value NULL when the CA has the name but no
 * value). Return S_OK to go on, S_FALSE to stop (the walk then returns
 * S_OK), or a failure, which the walk returns.
 */
typedef HRESULT (*xb_kit_attribute_fn)(void *ctx, const char *name, const char *value);
/*
 * EnumerateAttributesSetup(0) / EnumerateAttributes / GetRequestAttribute
 * / EnumerateAttributesClose. Close is always called once Setup
 * succeeded. E_INVALIDARG for a NULL server or fn.
 */
XB_EXPORT HRESULT xb_kit_for_each_attribute(ICertServerExit *server, xb_kit_attribute_fn fn, void *ctx);

/*
 * Called for each certificate extension: its OID, GetCertificateExtensionFlags
 * and the value's bytes (borrowed for the call; NULL and 0 with flags 0
 * when the CA lists the extension but has no value for it).
 */
typedef HRESULT (*xb_kit_extension_fn)(void *ctx, const char *oid, LONG flags, const unsigned char *value,
				       size_t len);
/* The same walk over EnumerateExtensionsSetup(0) ... EnumerateExtensionsClose. */
XB_EXPORT HRESULT xb_kit_for_each_extension(ICertServerExit *server, xb_kit_extension_fn fn, void *ctx);

/* ---- configuration -------------------------------------------------------- */

/*
 * The REG_SZ (or expanded REG_EXPAND_SZ) value `name` of the module's own
 * key, HKEY_LOCAL_MACHINE\<ModuleRegistryLocation>, the CA property read
 * once per object through CCertServerExit with context 0. On Linux the
 * engine's --set NAME=VALUE puts values there. S_OK and *out new UTF-8;
 * S_FALSE and *out NULL when the key or the value does not exist ("not
 * configured"); HRESULT_FROM_WIN32(ERROR_UNSUPPORTED_TYPE) for a value of
 * another type; the server's HRESULT when ModuleRegistryLocation cannot be
 * read. E_INVALIDARG/E_POINTER for NULL arguments.
 */
XB_EXPORT HRESULT xb_kit_config_string(xb_kit_module *module, const char *name, char **out);
/* The same for a REG_DWORD value. */
XB_EXPORT HRESULT xb_kit_config_dword(xb_kit_module *module, const char *name, DWORD *out);
/* The same two under an explicit HKLM-relative key (ICertManageModule's strStorageLocation). */
XB_EXPORT HRESULT xb_kit_config_string_at(const char *location, const char *name, char **out);
XB_EXPORT HRESULT xb_kit_config_dword_at(const char *location, const char *name, DWORD *out);

/* ---- logging ------------------------------------------------------------- */

typedef enum xb_kit_log_level {
	XB_KIT_LOG_ERROR = 0,
	XB_KIT_LOG_WARNING = 1,
	XB_KIT_LOG_INFO = 2,
	XB_KIT_LOG_DEBUG = 3
} xb_kit_log_level;

#if defined(__MINGW32__)
# define XB_KIT_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#elif defined(__GNUC__)
# define XB_KIT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
# define XB_KIT_PRINTF(f, a)
#endif

/*
 * Logs one line for the module being called (inside a kit callback; the
 * module name is "exit module" elsewhere on Linux). By default: stderr on
 * Linux ("Hello: info: text", debug lines left out), OutputDebugStringW on
 * Windows. A module never prints directly.
 */
XB_EXPORT void xb_kit_log(xb_kit_log_level level, const char *fmt, ...) XB_KIT_PRINTF(2, 3);
XB_EXPORT void xb_kit_logv(xb_kit_log_level level, const char *fmt, va_list ap) XB_KIT_PRINTF(2, 0);

/* Receives every line, debug included (module and message borrowed for the call). */
typedef void (*xb_kit_log_handler)(void *ctx, const char *module, xb_kit_log_level level, const char *message);
/*
 * Sends the log lines of every kit module in the process to handler (NULL:
 * back to the default). Set it before modules run, as with xb_alloc_set_hooks.
 */
XB_EXPORT void xb_kit_set_log_handler(xb_kit_log_handler handler, void *ctx);
/* "error", "warning", "info", "debug"; "?" out of range. Static. */
XB_EXPORT const char *xb_kit_log_level_name(xb_kit_log_level level);

XB_END_DECLS

#endif
