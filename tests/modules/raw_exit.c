/*
 * A hand-written raw-COM exit module for the loader suite: no kit, every
 * part of the COM contract in plain C, as a module written against the SDK
 * headers would be. Built three times from this source (tests/Makemodule.am):
 *
 *   RAW_EXIT_VARIANT 0  libxbrawexit.so        ICertExit2 + ICertManageModule,
 *                                              registers "XbRawTest.Exit"
 *   RAW_EXIT_VARIANT 1  libxbrawexitnoreg.so   no DllRegisterServer or
 *                                              DllUnregisterServer: loaded by CLSID
 *   RAW_EXIT_VARIANT 2  libxbrawexitbadreg.so  registers "XbBadReg.Exit" as
 *                                              XB_RAW_EXIT_REGISTER says, and has
 *                                              no DllCanUnloadNow
 *
 * The suite steers it:
 *   XB_RAW_EXIT_QI=no-exit2       QueryInterface refuses ICertExit2 (an old ICertExit module)
 *   XB_RAW_EXIT_REGISTER=MODE     variant 2 only: ok (default), fail (SELFREG_E_CLASS),
 *                                 elsewhere (InprocServer32 names another file),
 *                                 two (a second ".Exit" ProgID), none (no ProgIDs)
 *   Initialize's config, "key=value;..." (anything else is the CA name):
 *     mask=N init=HR desc=TEXT|null desc-hr=HR manage=none manage-hr=HR notify-hr=HR
 *     nomask (leave *pEventMask alone) lock (hold a server lock until raw_exit_reset)
 *     read (in Notify: SetContext, then read RequestID and, with a certificate,
 *     SerialNumber, logging "read RequestID=N" / "read SerialNumber=TEXT" or the HRESULT)
 *     leak (keep the SerialNumber BSTR: never freed) keep-server (never release the server)
 *     misuse (with read: also ask RequestID as a STRING, and SetContext(context + 1000))
 *     racy (Notify counts events in a plain global, unsynchronised: a data race
 *     under concurrent delivery, for the ThreadSanitizer test)
 *     for the isolation tests, in Notify for the event kinds of MASK:
 *     crash=MASK (a write through NULL), abort=MASK (abort()), hang=MASK (sleeps
 *     forever), exit=MASK (exit(3)); crash-init and hang-init do the same in
 *     Initialize, crash-unload in the final Release
 * Every call is logged: raw_exit_calls() returns the log, raw_exit_reset()
 * clears it and drops the lock, raw_exit_objects() counts live objects.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitbench.h"

#ifndef RAW_EXIT_VARIANT
# define RAW_EXIT_VARIANT 0
#endif

#define EXPORT __attribute__((visibility("default")))

#ifndef DISPID_UNKNOWN
# define DISPID_UNKNOWN (-1)
#endif

/* Each variant its own classes, so several can be loaded at once. */
#if RAW_EXIT_VARIANT == 0
/* {5A0E1B2C-3D4E-4F60-8172-93A4B5C6D701} / ...702 */
static const CLSID clsid_exit = {0x5A0E1B2C, 0x3D4E, 0x4F60, {0x81, 0x72, 0x93, 0xA4, 0xB5, 0xC6, 0xD7, 0x01}};
static const CLSID clsid_manage = {0x5A0E1B2C, 0x3D4E, 0x4F60, {0x81, 0x72, 0x93, 0xA4, 0xB5, 0xC6, 0xD7, 0x02}};
# define APP "XbRawTest"
#elif RAW_EXIT_VARIANT == 1
/* {5A0E1B2C-3D4E-4F60-8172-93A4B5C6D711} / ...712 */
static const CLSID clsid_exit = {0x5A0E1B2C, 0x3D4E, 0x4F60, {0x81, 0x72, 0x93, 0xA4, 0xB5, 0xC6, 0xD7, 0x11}};
static const CLSID clsid_manage = {0x5A0E1B2C, 0x3D4E, 0x4F60, {0x81, 0x72, 0x93, 0xA4, 0xB5, 0xC6, 0xD7, 0x12}};
#else
/* {5A0E1B2C-3D4E-4F60-8172-93A4B5C6D721} / ...722 */
static const CLSID clsid_exit = {0x5A0E1B2C, 0x3D4E, 0x4F60, {0x81, 0x72, 0x93, 0xA4, 0xB5, 0xC6, 0xD7, 0x21}};
static const CLSID clsid_manage = {0x5A0E1B2C, 0x3D4E, 0x4F60, {0x81, 0x72, 0x93, 0xA4, 0xB5, 0xC6, 0xD7, 0x22}};
# define APP "XbBadReg"
#endif

static atomic_long objects, locks;

/* ---- the call log the suite reads --------------------------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char call_log[8192];
static atomic_int held_lock; /* the "lock" steering took a server lock */

static void log_call(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_call(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&log_lock);
	size_t used = strlen(call_log);
	if (used + 2 < sizeof(call_log)) {
		vsnprintf(call_log + used, sizeof(call_log) - used - 1, fmt, ap);
		strcat(call_log, ";");
	}
	pthread_mutex_unlock(&log_lock);
	va_end(ap);
}

/* A BSTR as UTF-8 in the caller's buffer, truncated to fit: only the log reads it. */
static void utf8_of(const BSTR s, char *buf, size_t n)
{
	char *text = NULL;
	snprintf(buf, n, "%s", s && SUCCEEDED(xb_utf8_from_bstr(s, &text, NULL)) ? text : "(null)");
	free(text);
}

/*
 * What "leak" and "keep-server" hold back from the engine: not freed while
 * the engine looks, but reachable, so the test can free them afterwards
 * (raw_exit_reset) and valgrind sees no leak of the test's own making.
 */
#define KEPT_MAX 16
static void *kept_bstrs[KEPT_MAX], *kept_servers[KEPT_MAX];
static atomic_int nkept_bstrs, nkept_servers;

static void keep(void **list, atomic_int *n, void *p)
{
	int i = atomic_fetch_add(n, 1);
	if (i < KEPT_MAX)
		list[i] = p;
}

EXPORT const char *raw_exit_calls(void);
EXPORT void raw_exit_reset(void);
EXPORT long raw_exit_objects(void);

const char *raw_exit_calls(void)
{
	return call_log;
}

void raw_exit_reset(void)
{
	pthread_mutex_lock(&log_lock);
	call_log[0] = 0;
	pthread_mutex_unlock(&log_lock);
	if (atomic_exchange(&held_lock, 0))
		atomic_fetch_sub(&locks, 1);
	for (int i = 0, n = atomic_exchange(&nkept_bstrs, 0); i < n && i < KEPT_MAX; i++)
		SysFreeString(kept_bstrs[i]);
	for (int i = 0, n = atomic_exchange(&nkept_servers, 0); i < n && i < KEPT_MAX; i++)
		ICertServerExit_Release((ICertServerExit *)kept_servers[i]);
}

long raw_exit_objects(void)
{
	return atomic_load(&objects);
}

/* ---- IDispatch: no type information, so every name is unknown ---------- */

static HRESULT dispatch_type_info_count(UINT *count)
{
	if (!count)
		return E_POINTER;
	*count = 0;
	return S_OK;
}

static HRESULT dispatch_type_info(ITypeInfo **info)
{
	if (!info)
		return E_POINTER;
	*info = NULL;
	return DISP_E_BADINDEX; /* index 0 is not below a count of 0 */
}

static HRESULT dispatch_ids_of_names(UINT n, DISPID *ids)
{
	if (!ids)
		return E_POINTER;
	for (UINT i = 0; i < n; i++)
		ids[i] = DISPID_UNKNOWN;
	return DISP_E_UNKNOWNNAME;
}

#define DISPATCH_STUBS(prefix, type)                                                                       \
	static HRESULT STDMETHODCALLTYPE prefix##_GetTypeInfoCount(type *iface, UINT *count)              \
	{                                                                                                   \
		(void)iface;                                                                                \
		return dispatch_type_info_count(count);                                                     \
	}                                                                                                   \
	static HRESULT STDMETHODCALLTYPE prefix##_GetTypeInfo(type *iface, UINT index, LCID lcid,          \
							      ITypeInfo **info)                            \
	{                                                                                                   \
		(void)iface, (void)index, (void)lcid;                                                       \
		return dispatch_type_info(info);                                                            \
	}                                                                                                   \
	static HRESULT STDMETHODCALLTYPE prefix##_GetIDsOfNames(type *iface, REFIID riid, LPOLESTR *names, \
								UINT n, LCID lcid, DISPID *ids)            \
	{                                                                                                   \
		(void)iface, (void)riid, (void)names, (void)lcid;                                           \
		return dispatch_ids_of_names(n, ids);                                                       \
	}                                                                                                   \
	static HRESULT STDMETHODCALLTYPE prefix##_Invoke(type *iface, DISPID id, REFIID riid, LCID lcid,   \
							 WORD flags, DISPPARAMS *params, VARIANT *result,  \
							 EXCEPINFO *excep, UINT *arg_err)                  \
	{                                                                                                   \
		(void)iface, (void)id, (void)riid, (void)lcid, (void)flags, (void)params, (void)result;     \
		(void)excep, (void)arg_err;                                                                 \
		return DISP_E_MEMBERNOTFOUND;                                                               \
	}

/* ---- ICertManageModule -------------------------------------------------- */

struct manage_module {
	ICertManageModule ICertManageModule_iface;
	atomic_long refcount;
};

static inline struct manage_module *manage_module_from_ICertManageModule(ICertManageModule *iface)
{
	return (struct manage_module *)((char *)iface - offsetof(struct manage_module, ICertManageModule_iface));
}

/* The five standard properties; NULL = absent (S_FALSE, as the SDK sample answers). */
static const struct {
	const OLECHAR *name;
	const OLECHAR *value;
} manage_props[] = {
	{wszCMM_PROP_NAME, u"Raw Test Exit"},
	{wszCMM_PROP_DESCRIPTION, u"Raw COM exit module \u2014 for the loader suite"},
	{wszCMM_PROP_COPYRIGHT, u"(c) exitbench tests"},
	{wszCMM_PROP_FILEVER, u"1.0.0"},
	{wszCMM_PROP_PRODUCTVER, NULL},
};

static HRESULT STDMETHODCALLTYPE manage_module_QueryInterface(ICertManageModule *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) &&
	    !IsEqualIID(riid, &IID_ICertManageModule))
		return E_NOINTERFACE;
	*ppv = iface;
	ICertManageModule_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE manage_module_AddRef(ICertManageModule *iface)
{
	return (ULONG)atomic_fetch_add(&manage_module_from_ICertManageModule(iface)->refcount, 1) + 1;
}

static ULONG STDMETHODCALLTYPE manage_module_Release(ICertManageModule *iface)
{
	struct manage_module *mm = manage_module_from_ICertManageModule(iface);
	long left = atomic_fetch_sub(&mm->refcount, 1) - 1;
	if (!left) {
		free(mm);
		atomic_fetch_sub(&objects, 1);
	}
	return (ULONG)left;
}

DISPATCH_STUBS(manage_module, ICertManageModule)

static HRESULT STDMETHODCALLTYPE manage_module_GetProperty(ICertManageModule *iface, const BSTR config,
							   BSTR location, BSTR name, LONG flags, VARIANT *value)
{
	char c[256], l[512], n[64];
	(void)iface;
	utf8_of(config, c, sizeof(c));
	utf8_of(location, l, sizeof(l));
	utf8_of(name, n, sizeof(n));
	log_call("GetProperty(%s|%s|%s|%d)", n, c, l, (int)flags);
	if (!value)
		return E_POINTER;
	VariantInit(value);
	if (!name)
		return E_INVALIDARG;
	for (size_t i = 0; i < sizeof(manage_props) / sizeof(manage_props[0]); i++) {
		if (xb_utf16_icmp(name, manage_props[i].name))
			continue;
		if (!manage_props[i].value)
			return S_FALSE;
		if (!(value->bstrVal = SysAllocString(manage_props[i].value)))
			return E_OUTOFMEMORY;
		value->vt = VT_BSTR;
		return S_OK;
	}
	return S_FALSE;
}

static HRESULT STDMETHODCALLTYPE manage_module_SetProperty(ICertManageModule *iface, const BSTR config,
							   BSTR location, BSTR name, LONG flags,
							   const VARIANT *value)
{
	(void)iface, (void)config, (void)location, (void)name, (void)flags, (void)value;
	return S_OK; /* "for future use": the documentation's sample accepts and ignores it */
}

static HRESULT STDMETHODCALLTYPE manage_module_Configure(ICertManageModule *iface, const BSTR config,
							 BSTR location, LONG flags)
{
	(void)iface, (void)config, (void)location, (void)flags;
	return S_OK;
}

static const ICertManageModuleVtbl manage_module_vtbl = {
	manage_module_QueryInterface, manage_module_AddRef,        manage_module_Release,
	manage_module_GetTypeInfoCount, manage_module_GetTypeInfo, manage_module_GetIDsOfNames,
	manage_module_Invoke,         manage_module_GetProperty,   manage_module_SetProperty,
	manage_module_Configure,
};

static HRESULT manage_module_create(REFIID riid, void **ppv)
{
	struct manage_module *mm = malloc(sizeof(*mm));
	if (!mm)
		return E_OUTOFMEMORY;
	mm->ICertManageModule_iface.lpVtbl = &manage_module_vtbl;
	atomic_init(&mm->refcount, 1);
	atomic_fetch_add(&objects, 1);
	HRESULT hr = ICertManageModule_QueryInterface(&mm->ICertManageModule_iface, riid, ppv);
	ICertManageModule_Release(&mm->ICertManageModule_iface);
	return hr;
}

/* ---- ICertExit2 --------------------------------------------------------- */

/* What Initialize's config asked this object to do. */
struct steering {
	LONG mask;
	LONG init_hr, desc_hr, manage_hr, notify_hr;
	int desc_null, manage_none, no_mask, lock, read, leak, keep_server, misuse, racy;
	LONG crash, abort_mask, hang, exit_mask;   /* event kinds to misbehave on in Notify */
	int crash_init, hang_init, crash_unload;
	char desc[128];
};

struct exit_module {
	ICertExit2 ICertExit2_iface;
	atomic_long refcount;
	struct steering steer;
};

static inline struct exit_module *exit_module_from_ICertExit2(ICertExit2 *iface)
{
	return (struct exit_module *)((char *)iface - offsetof(struct exit_module, ICertExit2_iface));
}

enum option_kind { OPT_LONG, OPT_FLAG, OPT_TEXT };

static const struct {
	const char *name;
	enum option_kind kind;
	size_t offset;
} options[] = {
	{"mask", OPT_LONG, offsetof(struct steering, mask)},
	{"init", OPT_LONG, offsetof(struct steering, init_hr)},
	{"desc-hr", OPT_LONG, offsetof(struct steering, desc_hr)},
	{"manage-hr", OPT_LONG, offsetof(struct steering, manage_hr)},
	{"notify-hr", OPT_LONG, offsetof(struct steering, notify_hr)},
	{"nomask", OPT_FLAG, offsetof(struct steering, no_mask)},
	{"lock", OPT_FLAG, offsetof(struct steering, lock)},
	{"read", OPT_FLAG, offsetof(struct steering, read)},
	{"leak", OPT_FLAG, offsetof(struct steering, leak)},
	{"keep-server", OPT_FLAG, offsetof(struct steering, keep_server)},
	{"misuse", OPT_FLAG, offsetof(struct steering, misuse)},
	{"racy", OPT_FLAG, offsetof(struct steering, racy)},
	{"crash", OPT_LONG, offsetof(struct steering, crash)},
	{"abort", OPT_LONG, offsetof(struct steering, abort_mask)},
	{"hang", OPT_LONG, offsetof(struct steering, hang)},
	{"exit", OPT_LONG, offsetof(struct steering, exit_mask)},
	{"crash-init", OPT_FLAG, offsetof(struct steering, crash_init)},
	{"hang-init", OPT_FLAG, offsetof(struct steering, hang_init)},
	{"crash-unload", OPT_FLAG, offsetof(struct steering, crash_unload)},
	{"desc", OPT_TEXT, offsetof(struct steering, desc)},
};

/* "manage=none" and "desc=null" are not values to store, so they come before the table. */
static void apply_option(struct steering *s, const char *key, const char *value)
{
	if (!strcmp(key, "manage")) {
		s->manage_none = value && !strcmp(value, "none");
		return;
	}
	if (!strcmp(key, "desc") && value && !strcmp(value, "null")) {
		s->desc_null = 1;
		return;
	}
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (strcmp(key, options[i].name))
			continue;
		char *field = (char *)s + options[i].offset;
		if (options[i].kind == OPT_LONG && value)
			*(LONG *)(void *)field = (LONG)strtoul(value, NULL, 0);
		else if (options[i].kind == OPT_FLAG)
			*(int *)(void *)field = 1;
		else if (options[i].kind == OPT_TEXT && value)
			snprintf(field, sizeof(s->desc), "%s", value);
		return;
	}
}

static void parse_steering(struct steering *s, const char *config)
{
	char *copy = strdup(config), *save = NULL;
	if (!copy)
		return;
	for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(item, '=');
		if (eq)
			*eq++ = 0;
		apply_option(s, item, eq);
	}
	free(copy);
}

static int refuses_exit2(void)
{
	const char *qi = getenv("XB_RAW_EXIT_QI");
	return qi && !strcmp(qi, "no-exit2");
}

static HRESULT STDMETHODCALLTYPE exit_module_QueryInterface(ICertExit2 *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (IsEqualIID(riid, &IID_ICertExit2))
		log_call("QueryInterface(ICertExit2)");
	else if (IsEqualIID(riid, &IID_ICertExit))
		log_call("QueryInterface(ICertExit)");
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) &&
	    !IsEqualIID(riid, &IID_ICertExit) && (!IsEqualIID(riid, &IID_ICertExit2) || refuses_exit2()))
		return E_NOINTERFACE;
	*ppv = iface;
	ICertExit2_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE exit_module_AddRef(ICertExit2 *iface)
{
	return (ULONG)atomic_fetch_add(&exit_module_from_ICertExit2(iface)->refcount, 1) + 1;
}

/* Never set: a NULL the compiler cannot see through (a visible one may become a trap instruction). */
static int *volatile null_pointer;

/* The isolation tests' misbehaviour, for "crash=", "abort=", "hang=", "exit=" and their Initialize forms. */
static void crash_now(void)
{
	*null_pointer = 1;
}

static void hang_now(void)
{
	for (;;)
		sleep(1);
}

static void misbehave(const struct steering *s, LONG event)
{
	if (s->crash & event)
		crash_now();
	if (s->abort_mask & event)
		abort();
	if (s->exit_mask & event)
		exit(3);
	if (s->hang & event)
		hang_now();
}

static ULONG STDMETHODCALLTYPE exit_module_Release(ICertExit2 *iface)
{
	struct exit_module *m = exit_module_from_ICertExit2(iface);
	long left = atomic_fetch_sub(&m->refcount, 1) - 1;
	if (!left) {
		log_call("Release(final)");
		if (m->steer.crash_unload)
			crash_now();
		free(m);
		atomic_fetch_sub(&objects, 1);
	}
	return (ULONG)left;
}

DISPATCH_STUBS(exit_module, ICertExit2)

static HRESULT STDMETHODCALLTYPE exit_module_Initialize(ICertExit2 *iface, const BSTR config, LONG *mask)
{
	struct exit_module *m = exit_module_from_ICertExit2(iface);
	char text[512];
	utf8_of(config, text, sizeof(text));
	log_call("Initialize(%s)", text);
	if (!mask)
		return E_POINTER;
	parse_steering(&m->steer, text);
	if (m->steer.crash_init)
		crash_now();
	if (m->steer.hang_init)
		hang_now();
	if (FAILED(m->steer.init_hr))
		return m->steer.init_hr;
	if (m->steer.lock && !atomic_exchange(&held_lock, 1))
		atomic_fetch_add(&locks, 1);
	if (!m->steer.no_mask)
		*mask = m->steer.mask;
	return m->steer.init_hr;
}

/* What a module typically reads in Notify, through the CA's own server object. */
static void read_properties(const struct steering *s, LONG context)
{
	ICertServerExit *server = NULL;
	HRESULT hr = CoCreateInstance(&CLSID_CCertServerExit, NULL, CLSCTX_INPROC_SERVER, &IID_ICertServerExit,
				      (void **)&server);
	if (FAILED(hr)) {
		log_call("CoCreateInstance 0x%08X", (unsigned)hr);
		return;
	}
	hr = ICertServerExit_SetContext(server, context);
	BSTR name = SysAllocString(OLESTR("RequestID"));
	VARIANT v;
	VariantInit(&v);
	hr = ICertServerExit_GetRequestProperty(server, name, PROPTYPE_LONG, &v);
	if (SUCCEEDED(hr))
		log_call("read RequestID=%d", (int)V_I4(&v));
	else
		log_call("read RequestID 0x%08X", (unsigned)hr);
	VariantClear(&v);
	if (s->misuse) {
		log_call("misuse 0x%08X", (unsigned)ICertServerExit_GetRequestProperty(server, name, PROPTYPE_STRING, &v));
		log_call("misuse 0x%08X", (unsigned)ICertServerExit_SetContext(server, context + 1000));
	}
	SysFreeString(name);
	name = SysAllocString(OLESTR("SerialNumber"));
	hr = ICertServerExit_GetCertificateProperty(server, name, PROPTYPE_STRING, &v);
	SysFreeString(name);
	if (SUCCEEDED(hr)) {
		char text[128];
		utf8_of(V_BSTR(&v), text, sizeof(text));
		log_call("read SerialNumber=%s", text);
		if (s->leak)
			keep(kept_bstrs, &nkept_bstrs, V_BSTR(&v));
		else
			VariantClear(&v);
	} else {
		log_call("read SerialNumber 0x%08X", (unsigned)hr);
	}
	if (s->keep_server)
		keep(kept_servers, &nkept_servers, server);
	else
		ICertServerExit_Release(server);
}

/* The "racy" module's event count: deliberately without a lock or an atomic. */
static long racy_events;

static HRESULT STDMETHODCALLTYPE exit_module_Notify(ICertExit2 *iface, LONG event, LONG context)
{
	const struct steering *s = &exit_module_from_ICertExit2(iface)->steer;
	log_call("Notify(0x%X,%d)", (unsigned)event, (int)context);
	misbehave(s, event);
	if (s->read && context != 0) /* context 0 (crlissued, shutdown) has no request to read */
		read_properties(s, context);
	if (s->racy) {
		long seen = racy_events;
		sched_yield(); /* widen the window, so overlapping deliveries really interleave */
		racy_events = seen + 1;
	}
	return s->notify_hr;
}

static HRESULT STDMETHODCALLTYPE exit_module_GetDescription(ICertExit2 *iface, BSTR *description)
{
	const struct steering *s = &exit_module_from_ICertExit2(iface)->steer;
	log_call("GetDescription");
	if (!description)
		return E_POINTER;
	*description = NULL;
	if (FAILED(s->desc_hr))
		return s->desc_hr;
	if (s->desc_null)
		return S_OK;
	if (!s->desc[0])
		return (*description = SysAllocString(u"Raw test exit module")) ? S_OK : E_OUTOFMEMORY;
	return xb_bstr_from_utf8(s->desc, XB_NUL_TERMINATED, description, NULL);
}

static HRESULT STDMETHODCALLTYPE exit_module_GetManageModule(ICertExit2 *iface, ICertManageModule **manage)
{
	const struct steering *s = &exit_module_from_ICertExit2(iface)->steer;
	log_call("GetManageModule");
	if (!manage)
		return E_POINTER;
	*manage = NULL;
	if (FAILED(s->manage_hr))
		return s->manage_hr;
	if (s->manage_none)
		return S_OK;
	return manage_module_create(&IID_ICertManageModule, (void **)manage);
}

static const ICertExit2Vtbl exit_module_vtbl = {
	exit_module_QueryInterface, exit_module_AddRef,        exit_module_Release,
	exit_module_GetTypeInfoCount, exit_module_GetTypeInfo, exit_module_GetIDsOfNames,
	exit_module_Invoke,         exit_module_Initialize,    exit_module_Notify,
	exit_module_GetDescription, exit_module_GetManageModule,
};

static HRESULT exit_module_create(REFIID riid, void **ppv)
{
	struct exit_module *m = calloc(1, sizeof(*m));
	if (!m)
		return E_OUTOFMEMORY;
	m->ICertExit2_iface.lpVtbl = &exit_module_vtbl;
	m->steer.mask = EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING | EXITEVENT_CERTDENIED | EXITEVENT_CERTREVOKED |
			EXITEVENT_CERTRETRIEVEPENDING | EXITEVENT_CRLISSUED | EXITEVENT_SHUTDOWN |
			EXITEVENT_CERTIMPORTED; /* the SDK sample's 0x27F */
	atomic_init(&m->refcount, 1);
	atomic_fetch_add(&objects, 1);
	HRESULT hr = ICertExit2_QueryInterface(&m->ICertExit2_iface, riid, ppv);
	ICertExit2_Release(&m->ICertExit2_iface);
	return hr;
}

/* ---- class factory ------------------------------------------------------ */

struct factory {
	IClassFactory IClassFactory_iface;
	HRESULT (*create)(REFIID riid, void **ppv);
};

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
		return E_NOINTERFACE;
	*ppv = iface;
	return S_OK; /* static object: no reference counting */
}

static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
	(void)iface;
	return 2;
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
	(void)iface;
	return 1;
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
							void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (outer)
		return CLASS_E_NOAGGREGATION;
	return ((struct factory *)iface)->create(riid, ppv);
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface;
	atomic_fetch_add(&locks, lock ? 1 : -1);
	return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {factory_QueryInterface, factory_AddRef, factory_Release,
					       factory_CreateInstance, factory_LockServer};
static struct factory exit_factory = {{&factory_vtbl}, exit_module_create};
static struct factory manage_factory = {{&factory_vtbl}, manage_module_create};

/* ---- exports ------------------------------------------------------------ */

EXPORT HRESULT DllGetClassObject(REFCLSID rclsid, REFIID riid, void **ppv);

HRESULT DllGetClassObject(REFCLSID rclsid, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (IsEqualCLSID(rclsid, &clsid_exit))
		return IClassFactory_QueryInterface(&exit_factory.IClassFactory_iface, riid, ppv);
	if (IsEqualCLSID(rclsid, &clsid_manage))
		return IClassFactory_QueryInterface(&manage_factory.IClassFactory_iface, riid, ppv);
	return CLASS_E_CLASSNOTAVAILABLE;
}

#if RAW_EXIT_VARIANT != 2
EXPORT HRESULT DllCanUnloadNow(void);

HRESULT DllCanUnloadNow(void)
{
	return atomic_load(&objects) == 0 && atomic_load(&locks) == 0 ? S_OK : S_FALSE;
}
#endif

#if RAW_EXIT_VARIANT != 1

/* One class as reference §6.1 registers it. */
struct class_info {
	const CLSID *clsid;
	const char *progid;   /* versioned, "<App>.Exit.1" */
	const char *viprogid; /* version-independent, "<App>.Exit" */
	const char *description;
};

static const struct class_info classes[] = {
	{&clsid_exit, APP ".Exit.1", APP ".Exit", APP " exit module"},
	{&clsid_manage, APP ".ExitManage.1", APP ".ExitManage", APP " exit module manager"},
};

enum reg_mode { MODE_OK, MODE_FAIL, MODE_ELSEWHERE, MODE_TWO, MODE_NONE };

/* How DllRegisterServer should go: variant 2 does what the suite says. */
static enum reg_mode registration_mode(void)
{
	static const char *const names[] = {"ok", "fail", "elsewhere", "two", "none"};
	const char *mode = RAW_EXIT_VARIANT == 2 ? getenv("XB_RAW_EXIT_REGISTER") : NULL;
	for (int i = 0; mode && i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(mode, names[i]))
			return (enum reg_mode)i;
	return MODE_OK;
}

/* HKCR\key's value name (NULL = default) = value, all REG_SZ, through the Reg*W API as on Windows. */
static HRESULT set_value(const char *key, const char *name, const char *value)
{
	OLECHAR *wkey = NULL, *wname = NULL, *wvalue = NULL;
	size_t len = 0;
	HKEY h;
	HRESULT hr = xb_utf8_to_utf16(key, XB_NUL_TERMINATED, &wkey, NULL, NULL);
	if (SUCCEEDED(hr) && name)
		hr = xb_utf8_to_utf16(name, XB_NUL_TERMINATED, &wname, NULL, NULL);
	if (SUCCEEDED(hr))
		hr = xb_utf8_to_utf16(value, XB_NUL_TERMINATED, &wvalue, &len, NULL);
	if (SUCCEEDED(hr) &&
	    RegCreateKeyExW(HKEY_CLASSES_ROOT, wkey, 0, NULL, 0, KEY_WRITE, NULL, &h, NULL) == ERROR_SUCCESS) {
		if (RegSetValueExW(h, wname, 0, REG_SZ, (const BYTE *)wvalue, (DWORD)((len + 1) * sizeof(OLECHAR))))
			hr = SELFREG_E_CLASS;
		RegCloseKey(h);
	} else if (SUCCEEDED(hr)) {
		hr = SELFREG_E_CLASS;
	}
	free(wkey);
	free(wname);
	free(wvalue);
	return hr;
}

static void clsid_text(const CLSID *clsid, char out[40])
{
	OLECHAR wide[40];
	StringFromGUID2(clsid, wide, 40);
	for (int i = 0; i < 39; i++)
		out[i] = (char)wide[i];
}

static HRESULT register_class(const struct class_info *c, const char *server, enum reg_mode mode)
{
	char clsid[40];
	clsid_text(c->clsid, clsid);
	const struct row {
		const char *a, *b, *c, *name, *value;
		int progid; /* a ProgID key, which MODE_NONE leaves out */
	} rows[] = {
		{c->progid, "", "", NULL, c->description, 1},
		{c->progid, "\\CLSID", "", NULL, clsid, 1},
		{c->viprogid, "", "", NULL, c->description, 1},
		{c->viprogid, "\\CLSID", "", NULL, clsid, 1},
		{"CLSID\\", clsid, "", NULL, c->description, 0},
		{"CLSID\\", clsid, "\\ProgID", NULL, c->progid, 1},
		{"CLSID\\", clsid, "\\VersionIndependentProgID", NULL, c->viprogid, 1},
		{"CLSID\\", clsid, "\\InprocServer32", NULL, server, 0},
		{"CLSID\\", clsid, "\\InprocServer32", "ThreadingModel", "Both", 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char key[300];
		if (mode == MODE_NONE && rows[i].progid)
			continue;
		snprintf(key, sizeof(key), "%s%s%s", rows[i].a, rows[i].b, rows[i].c);
		HRESULT hr = set_value(key, rows[i].name, rows[i].value);
		if (FAILED(hr))
			return hr;
	}
	if (mode == MODE_TWO && c->clsid == &clsid_exit) {
		HRESULT hr = set_value(APP "2.Exit", NULL, c->description);
		return SUCCEEDED(hr) ? set_value(APP "2.Exit\\CLSID", NULL, clsid) : hr;
	}
	return S_OK;
}

EXPORT HRESULT DllRegisterServer(void);
EXPORT HRESULT DllUnregisterServer(void);

HRESULT DllRegisterServer(void)
{
	enum reg_mode mode = registration_mode();
	Dl_info info;
	char self[PATH_MAX];
	log_call("DllRegisterServer");
	if (mode == MODE_FAIL)
		return SELFREG_E_CLASS;
	/* Windows' GetModuleFileName: the full path of this very library. */
	if (!dladdr((void *)(uintptr_t)&DllRegisterServer, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, self))
		return SELFREG_E_CLASS;
	const char *server = mode == MODE_ELSEWHERE ? "/nonexistent/elsewhere/libxbrawexitbadreg.so" : self;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		HRESULT hr = register_class(&classes[i], server, mode);
		if (FAILED(hr))
			return hr;
	}
	return S_OK;
}

HRESULT DllUnregisterServer(void)
{
	log_call("DllUnregisterServer");
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		char clsid[40], key[64];
		clsid_text(classes[i].clsid, clsid);
		snprintf(key, sizeof(key), "CLSID\\%s", clsid);
		const char *keys[] = {classes[i].progid, classes[i].viprogid, key};
		for (size_t j = 0; j < 3; j++) {
			OLECHAR *wide = NULL;
			if (FAILED(xb_utf8_to_utf16(keys[j], XB_NUL_TERMINATED, &wide, NULL, NULL)))
				return SELFREG_E_CLASS;
			LSTATUS status = RegDeleteTreeW(HKEY_CLASSES_ROOT, wide);
			free(wide);
			if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND)
				return SELFREG_E_CLASS;
		}
	}
	return S_OK;
}

#endif /* RAW_EXIT_VARIANT != 1 */
