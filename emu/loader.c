/*
 * The module loader (loader.h): certsrv's steps, one function each.
 *
 * The library is dlopen()ed by us first, as regsvr32 loads it to call
 * DllRegisterServer, and that reference is held until xb_module_unload so
 * DllCanUnloadNow can be asked after the final Release. Activation itself
 * goes through CoCreateInstance and the registry (lib/com_inproc.c), which
 * loads the same file a second time; the dynamic linker shares the mapping.
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "loader.h"

/* Every bit certexit.h defines, EXITEVENT_STARTUP and EXITEVENT_CERTIMPORTED included. */
#define DEFINED_EVENTS                                                                              \
	(EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING | EXITEVENT_CERTDENIED | EXITEVENT_CERTREVOKED | \
	 EXITEVENT_CERTRETRIEVEPENDING | EXITEVENT_CRLISSUED | EXITEVENT_SHUTDOWN | EXITEVENT_STARTUP | \
	 EXITEVENT_CERTIMPORTED)

/* The third-party EXITEVENT_CERTUNREVOKED no CA sends (reference §2.1). */
#define UNOFFICIAL_UNREVOKED 0x100

/*
 * Put in *pEventMask before Initialize: a module that returns S_OK without
 * writing the mask would otherwise be read as asking for whatever the
 * caller happened to leave there.
 */
#define MASK_UNSET ((LONG)0x8BADF00Du)

#define CA_CONFIGURATION "SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\"

typedef HRESULT(STDAPICALLTYPE *dll_register_fn)(void);

struct xb_module {
	char *path;                     /* realpath of the file */
	void *handle;                   /* our dlopen reference; NULL after unload */
	LPFNCANUNLOADNOW can_unload_now; /* NULL when not exported */
	char *progid;
	CLSID clsid;
	char clsid_text[40];
	union {                         /* ICertExit2 starts with ICertExit's slots */
		ICertExit *exit;
		ICertExit2 *exit2;
	} obj;                          /* NULL after unload */
	int is_exit2;
	int initialized;                /* Initialize was called (whatever it returned) */
	HRESULT init_hr;
	LONG mask, undefined_bits;
	char *description;
	HRESULT description_hr;
	char *manage[XB_MANAGE_PROP_COUNT];
	HRESULT manage_hr;
	char *registry_location;        /* from the spec or the setter, else derived by Initialize */
	char *manage_config;            /* from the spec, or derived by Initialize */
	HRESULT can_unload;
	ULONG final_release;
	char **warnings;
	size_t nwarnings;
	struct xb_bridge *bridge;       /* a Windows DLL run by exitbench-host.exe (bridge.h), else NULL */
};

static const char *const manage_names[XB_MANAGE_PROP_COUNT] = {
	[XB_MANAGE_NAME] = "Name",
	[XB_MANAGE_DESCRIPTION] = "Description",
	[XB_MANAGE_COPYRIGHT] = "Copyright",
	[XB_MANAGE_FILE_VERSION] = "File Version",
	[XB_MANAGE_PRODUCT_VERSION] = "Product Version",
};

/* ---- small helpers ------------------------------------------------------ */

/* printf into a new string, or NULL when out of memory. */
static char *vformat(const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	return s;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	return s;
}

/* Records a warning. Out of memory loses it: a warning is not worth failing a replay for. */
static void warn(struct xb_module *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct xb_module *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = vformat(fmt, ap);
	va_end(ap);
	char **grown = text ? realloc(m->warnings, (m->nwarnings + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(text);
		return;
	}
	m->warnings = grown;
	m->warnings[m->nwarnings++] = text;
}

/* "NAME (0x...)" of hr, in an unnamed buffer that lives until the end of the enclosing block. */
#define HR(hr) xb_hresult_format((hr), (char[XB_HRESULT_BUFSIZE]){0})

/* Appends printf text to buf (of size n), truncating quietly: the error record truncates anyway. */
static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= n)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, n - used, fmt, ap);
	va_end(ap);
}

static int ends_with_exit(const OLECHAR *name)
{
	size_t n = xb_utf16_len(name);
	return n > 5 && !xb_utf16_icmp(name + n - 5, u".Exit");
}

/* ---- the registry as COM reads it --------------------------------------- */

/* The default value of HKCR\CLSID\{clsid}\InprocServer32, expanded, as new UTF-8. */
static HRESULT server_file(REFCLSID clsid, char **out)
{
	OLECHAR key[80] = u"CLSID\\";
	StringFromGUID2(clsid, key + 6, 40);
	memcpy(key + 6 + 38, u"\\InprocServer32", sizeof(u"\\InprocServer32"));
	*out = NULL;
	DWORD size = 0;
	LSTATUS status = RegGetValueW(HKEY_CLASSES_ROOT, key, NULL, RRF_RT_REG_SZ, NULL, NULL, &size);
	if (status != ERROR_SUCCESS)
		return REGDB_E_CLASSNOTREG;
	OLECHAR *wide = malloc(size + sizeof(OLECHAR));
	if (!wide)
		return E_OUTOFMEMORY;
	status = RegGetValueW(HKEY_CLASSES_ROOT, key, NULL, RRF_RT_REG_SZ, NULL, wide, &size);
	HRESULT hr = status == ERROR_SUCCESS ? xb_utf16_to_utf8(wide, XB_NUL_TERMINATED, out, NULL, NULL)
					     : REGDB_E_READREGDB;
	free(wide);
	return hr;
}

/* Whether registered names the same file as real (a realpath), as Windows would load it. */
static int same_file(const char *real, const char *registered)
{
	char resolved[PATH_MAX];
	return realpath(registered, resolved) && !strcmp(resolved, real);
}

/* ---- loading steps ------------------------------------------------------ */

/*
 * dlopen()s the file as regsvr32 would LoadLibrary it. A bare name is
 * made relative ("./x.so"): a module path names a file, and dlopen would
 * otherwise search the library path for it.
 */
static HRESULT open_library(struct xb_module *m, const char *path, xb_error *err)
{
	char *local = strchr(path, '/') ? NULL : format("./%s", path);
	if (!strchr(path, '/') && !local)
		return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	m->handle = dlopen(local ? local : path, RTLD_NOW | RTLD_LOCAL);
	free(local);
	if (!m->handle) {
		const char *why = dlerror();
		size_t n = strlen(path);
		/* dlerror repeats the path first; the error's source already holds it */
		if (why && !strncmp(why, path, n) && !strncmp(why + n, ": ", 2))
			why += n + 2;
		return xb_error_set(err, CO_E_DLLNOTFOUND, 0, "cannot load the module: %s", why ? why : "?");
	}
	char resolved[PATH_MAX];
	if (!realpath(path, resolved))
		return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0, "realpath: %s",
				    strerror(errno));
	if (!(m->path = strdup(resolved)))
		return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	return S_OK;
}

/* The export name, or the error regsvr32 and COM give when it is missing. */
static void *required_export(struct xb_module *m, const char *name, const char *why, xb_error *err)
{
	void *sym = dlsym(m->handle, name);
	if (!sym)
		xb_error_set(err, HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND), 0, "the module does not export %s%s",
			     name, why);
	return sym;
}

/* The exports every in-process server has; DllCanUnloadNow is optional to COM, so only a warning. */
static HRESULT check_exports(struct xb_module *m, xb_error *err)
{
	if (!required_export(m, "DllGetClassObject", " (not an in-process COM server)", err))
		return HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
	m->can_unload_now = (LPFNCANUNLOADNOW)(uintptr_t)dlsym(m->handle, "DllCanUnloadNow");
	if (!m->can_unload_now)
		warn(m, "the module does not export DllCanUnloadNow: COM can never unload it");
	return S_OK;
}

/* What regsvr32 does: call DllRegisterServer and take a failure as final. */
static HRESULT self_register(struct xb_module *m, xb_error *err)
{
	dll_register_fn reg = (dll_register_fn)(uintptr_t)required_export(
		m, "DllRegisterServer", " (a module without registration code is loaded by CLSID)", err);
	if (!reg)
		return HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
	if (!dlsym(m->handle, "DllUnregisterServer"))
		warn(m, "the module does not export DllUnregisterServer: regsvr32 /u cannot remove it");
	HRESULT hr = reg();
	if (FAILED(hr))
		return xb_error_set(err, hr, 0, "DllRegisterServer returned %s", HR(hr));
	return S_OK;
}

static void set_clsid(struct xb_module *m, REFCLSID clsid)
{
	OLECHAR text[40];
	m->clsid = *clsid;
	StringFromGUID2(clsid, text, 40);
	for (int i = 0; i < 39; i++)
		m->clsid_text[i] = (char)text[i]; /* braced GUID text is ASCII */
}

/*
 * A raw-COM module cannot register itself, so the loader writes the one key
 * activation reads, as a .reg file or an installer would: going through the
 * registry (not DllGetClassObject directly) keeps the activation path the
 * same for every module.
 */
static HRESULT register_clsid(struct xb_module *m, const char *text, xb_error *err)
{
	OLECHAR *wide = NULL;
	CLSID clsid;
	HRESULT hr = xb_utf8_to_utf16(text, XB_NUL_TERMINATED, &wide, NULL, NULL);
	if (SUCCEEDED(hr))
		hr = IIDFromString(wide, &clsid);
	free(wide);
	if (FAILED(hr))
		return xb_error_set(err, CO_E_CLASSSTRING, 0, "\"%s\" is not a CLSID ({XXXXXXXX-XXXX-...})", text);
	set_clsid(m, &clsid);
	char key[80];
	snprintf(key, sizeof(key), "CLSID\\%s\\InprocServer32", m->clsid_text);
	if (xb_registry_set_string(HKEY_CLASSES_ROOT, key, NULL, m->path) != ERROR_SUCCESS ||
	    xb_registry_set_string(HKEY_CLASSES_ROOT, key, "ThreadingModel", "Both") != ERROR_SUCCESS)
		return xb_error_set(err, REGDB_E_WRITEREGDB, 0, "cannot write HKCR\\%s", key);
	return S_OK;
}

/* Fails unless the class's InprocServer32 names this very file. */
static HRESULT check_server(struct xb_module *m, xb_error *err)
{
	char *registered = NULL;
	HRESULT hr = server_file(&m->clsid, &registered);
	if (FAILED(hr))
		return xb_error_set(err, hr, 0, "%s%s%s has no InprocServer32", m->progid ? m->progid : "",
				    m->progid ? " -> " : "", m->clsid_text);
	if (!same_file(m->path, registered))
		hr = xb_error_set(err, REGDB_E_INVALIDVALUE, 0,
				  "the registration points elsewhere: %s%s%s InprocServer32 = \"%s\", not this file",
				  m->progid ? m->progid : "", m->progid ? " -> " : "", m->clsid_text, registered);
	free(registered);
	return hr;
}

/* The ProgID's CLSID (HKCR\<ProgID>\CLSID, as CLSIDFromProgID reads it). */
static HRESULT resolve_progid(struct xb_module *m, const char *progid, xb_error *err)
{
	OLECHAR *wide = NULL;
	CLSID clsid;
	HRESULT hr = xb_utf8_to_utf16(progid, XB_NUL_TERMINATED, &wide, NULL, NULL);
	if (SUCCEEDED(hr))
		hr = CLSIDFromProgID(wide, &clsid);
	int exit_suffix = wide && ends_with_exit(wide);
	free(wide);
	if (FAILED(hr))
		return xb_error_set(err, hr == E_OUTOFMEMORY ? hr : CO_E_CLASSSTRING, 0,
				    "ProgID \"%s\" is not registered (no HKCR\\%s\\CLSID)", progid, progid);
	if (!(m->progid = strdup(progid)))
		return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	set_clsid(m, &clsid);
	if (!exit_suffix)
		warn(m, "ProgID \"%s\" does not end in \".Exit\", as the CA requires of an exit module", progid);
	return S_OK;
}

/* The ".Exit" ProgIDs in HKCR: which name this file, and (for the error) which name others. */
struct progid_scan {
	char mine[512], others[512];
	char first[256];
	int nmine;
};

static void scan_one(struct xb_module *m, const OLECHAR *name, struct progid_scan *scan)
{
	CLSID clsid;
	char *utf8 = NULL, *file = NULL;
	if (FAILED(CLSIDFromProgID(name, &clsid)) ||
	    FAILED(xb_utf16_to_utf8(name, XB_NUL_TERMINATED, &utf8, NULL, NULL)))
		return;
	HRESULT hr = server_file(&clsid, &file);
	if (SUCCEEDED(hr) && same_file(m->path, file)) {
		append(scan->mine, sizeof(scan->mine), "%s%s", scan->nmine ? ", " : "", utf8);
		if (!scan->nmine++)
			snprintf(scan->first, sizeof(scan->first), "%s", utf8);
	} else {
		append(scan->others, sizeof(scan->others), "%s%s -> %s", scan->others[0] ? ", " : "", utf8,
		       SUCCEEDED(hr) ? file : "(no InprocServer32)");
	}
	free(file);
	free(utf8);
}

/*
 * certsrv is given a ProgID; the user gave only a file. The ProgID is the
 * one VersionIndependentProgID ("<App>.Exit"; the versioned "<App>.Exit.1"
 * does not end so) whose class this file serves.
 */
static HRESULT find_exit_progid(struct xb_module *m, xb_error *err)
{
	struct progid_scan scan = {0};
	OLECHAR name[256];
	for (DWORD i = 0;; i++) {
		DWORD cch = 256;
		LSTATUS status = RegEnumKeyExW(HKEY_CLASSES_ROOT, i, name, &cch, NULL, NULL, NULL, NULL);
		if (status == ERROR_NO_MORE_ITEMS)
			break;
		if (status == ERROR_SUCCESS && ends_with_exit(name))
			scan_one(m, name, &scan);
	}
	if (scan.nmine > 1)
		return xb_error_set(err, CO_E_CLASSSTRING, 0,
				    "several ProgIDs ending in \".Exit\" name this file: %s; choose one by ProgID",
				    scan.mine);
	if (!scan.nmine)
		return xb_error_set(err, CO_E_CLASSSTRING, 0,
				    "no ProgID ending in \".Exit\" names this file as InprocServer32; found: %s",
				    scan.others[0] ? scan.others : "none");
	return resolve_progid(m, scan.first, err);
}

/* How certsrv would get the object: ICertExit2 first, ICertExit if the class lacks it. */
static HRESULT activate(struct xb_module *m, xb_error *err)
{
	void *p = NULL;
	HRESULT hr = CoCreateInstance(&m->clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICertExit2, &p);
	m->is_exit2 = SUCCEEDED(hr);
	if (hr == E_NOINTERFACE)
		hr = CoCreateInstance(&m->clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICertExit, &p);
	if (hr == E_NOINTERFACE)
		return xb_error_set(err, hr, 0, "the object of %s answers neither ICertExit2 nor ICertExit",
				    m->clsid_text);
	if (FAILED(hr) || !p)
		return xb_error_set(err, FAILED(hr) ? hr : E_POINTER, 0,
				    "CoCreateInstance(%s) returned %s%s", m->clsid_text, HR(hr),
				    p ? "" : " and no object");
	m->obj.exit = p;
	return S_OK;
}

/* An ICertExit2 must also be an ICertExit: a caller that asks for the base interface gets nothing otherwise. */
static void check_identity(struct xb_module *m)
{
	void *base = NULL;
	if (!m->is_exit2)
		return;
	HRESULT hr = ICertExit_QueryInterface(m->obj.exit, &IID_ICertExit, &base);
	if (FAILED(hr) || !base)
		warn(m, "the object answers ICertExit2 but QueryInterface(ICertExit) returned %s", HR(hr));
	else
		IUnknown_Release((IUnknown *)base);
}

static void module_destroy(struct xb_module *m)
{
	xb_bridge_free(m->bridge);
	free(m->path);
	free(m->progid);
	free(m->description);
	for (int i = 0; i < XB_MANAGE_PROP_COUNT; i++)
		free(m->manage[i]);
	free(m->registry_location);
	free(m->manage_config);
	for (size_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	free(m);
}

static struct xb_module *module_new(const struct xb_module_spec *spec)
{
	struct xb_module *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->init_hr = m->description_hr = m->manage_hr = m->can_unload = E_PENDING;
	if ((spec->registry_location && !(m->registry_location = strdup(spec->registry_location))) ||
	    (spec->manage_config && !(m->manage_config = strdup(spec->manage_config)))) {
		module_destroy(m);
		return NULL;
	}
	return m;
}

/* Registration and name resolution: a ProgID and CLSID whose InprocServer32 is this file. */
static HRESULT resolve_class(struct xb_module *m, const struct xb_module_spec *spec, xb_error *err)
{
	if (spec->clsid) {
		if (spec->progid && !(m->progid = strdup(spec->progid)))
			return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
		return register_clsid(m, spec->clsid, err);
	}
	HRESULT hr = self_register(m, err);
	if (SUCCEEDED(hr))
		hr = spec->progid ? resolve_progid(m, spec->progid, err) : find_exit_progid(m, err);
	if (SUCCEEDED(hr))
		hr = check_server(m, err);
	return hr;
}

/*
 * A Windows DLL: exitbench-host.exe under Wine registers and activates it
 * as regsvr32 and certsrv would (bridge.h); the object here is its proxy,
 * which the rest of the loader uses as any other.
 */
static HRESULT load_dll(struct xb_module *m, const struct xb_module_spec *spec, struct xb_module **out, xb_error *err)
{
	char resolved[PATH_MAX];
	struct xb_module_spec absolute = *spec;
	struct xb_bridge_module info;
	HRESULT hr = realpath(spec->path, resolved) ? S_OK
						    : xb_error_set(err, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0,
								   "realpath: %s", strerror(errno));
	if (SUCCEEDED(hr) && !(m->path = strdup(resolved)))
		hr = xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	absolute.path = resolved;
	if (SUCCEEDED(hr))
		hr = xb_bridge_load(&absolute, &m->bridge, &info, err);
	if (SUCCEEDED(hr) && info.progid && !(m->progid = strdup(info.progid)))
		hr = xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	if (FAILED(hr)) {
		xb_module_free(m);
		return hr;
	}
	set_clsid(m, &info.clsid);
	m->obj.exit = info.object;
	m->is_exit2 = info.is_exit2;
	for (size_t i = 0; i < info.nwarnings; i++)
		warn(m, "%s", info.warnings[i]);
	check_identity(m);
	*out = m;
	return S_OK;
}

HRESULT xb_module_load(const struct xb_module_spec *spec, struct xb_module **out, xb_error *err)
{
	if (out)
		*out = NULL;
	if (!spec || !spec->path || !*spec->path || !out)
		return xb_error_set(err, E_INVALIDARG, 0, "no module path given");
	/* the source is ours to name only if the error will be ours (first error wins) */
	if (err && err->code == S_OK)
		xb_error_set_source(err, spec->path);
	struct xb_module *m = module_new(spec);
	if (!m)
		return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	if (xb_bridge_is_pe(spec->path))
		return load_dll(m, spec, out, err);
	HRESULT hr = open_library(m, spec->path, err);
	if (SUCCEEDED(hr))
		hr = check_exports(m, err);
	if (SUCCEEDED(hr))
		hr = resolve_class(m, spec, err);
	if (SUCCEEDED(hr))
		hr = activate(m, err);
	if (FAILED(hr)) {
		xb_module_free(m);
		return hr;
	}
	check_identity(m);
	*out = m;
	return S_OK;
}

HRESULT xb_module_activate_class(REFCLSID clsid, const char *name, struct xb_module **out, xb_error *err)
{
	if (out)
		*out = NULL;
	if (!clsid || !out)
		return xb_error_set(err, E_INVALIDARG, 0, "no CLSID given");
	struct xb_module_spec spec = {0};
	struct xb_module *m = module_new(&spec);
	if (!m)
		return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	set_clsid(m, clsid);
	HRESULT hr = name && !(m->progid = strdup(name)) ? xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory")
							 : activate(m, err);
	if (FAILED(hr)) {
		module_destroy(m);
		return hr;
	}
	check_identity(m);
	*out = m;
	return S_OK;
}

/* ---- Initialize and what follows it ------------------------------------ */

static void record_mask(struct xb_module *m, LONG mask)
{
	if (mask == MASK_UNSET) {
		warn(m, "Initialize returned %s without setting *pEventMask; taken as 0", HR(m->init_hr));
		mask = 0;
	}
	m->mask = mask;
	m->undefined_bits = mask & ~(LONG)DEFINED_EVENTS;
	if (m->undefined_bits & UNOFFICIAL_UNREVOKED)
		warn(m, "the event mask 0x%X has 0x100, a third-party EXITEVENT_CERTUNREVOKED no CA sends",
		     (unsigned)mask);
	if (m->undefined_bits & ~UNOFFICIAL_UNREVOKED)
		warn(m, "the event mask 0x%X has bits no EXITEVENT_* defines: 0x%X", (unsigned)mask,
		     (unsigned)(m->undefined_bits & ~UNOFFICIAL_UNREVOKED));
}

/* The defaults loader.h documents for what the spec left out. */
static HRESULT derive_locations(struct xb_module *m, const char *config)
{
	if (!m->registry_location &&
	    !(m->registry_location = format(CA_CONFIGURATION "%s\\ExitModules\\%s", config,
					    m->progid ? m->progid : m->clsid_text)))
		return E_OUTOFMEMORY;
	if (!m->manage_config) {
		char host[256] = "";
		if (gethostname(host, sizeof(host) - 1))
			snprintf(host, sizeof(host), "LOCALHOST");
		host[strcspn(host, ".")] = 0; /* COMPUTERNAME is the short, upper-case name */
		for (char *c = host; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		if (!(m->manage_config = format("%s\\%s", host, config)))
			return E_OUTOFMEMORY;
	}
	return S_OK;
}

/* GetDescription: the name the CA gives the module in its event log. Never fatal. */
static void read_description(struct xb_module *m)
{
	BSTR text = NULL;
	m->description_hr = ICertExit_GetDescription(m->obj.exit, &text);
	if (FAILED(m->description_hr))
		warn(m, "GetDescription returned %s", HR(m->description_hr));
	else if (!text)
		warn(m, "GetDescription returned %s and a NULL description", HR(m->description_hr));
	else if (FAILED(xb_utf8_from_bstr(text, &m->description, NULL)))
		warn(m, "GetDescription returned text that is not valid UTF-16");
	SysFreeString(text);
}

/* One GetProperty answer as new UTF-8, or NULL when absent or unusable (with a warning). */
static char *manage_property(struct xb_module *m, ICertManageModule *mm, BSTR config, BSTR location,
			     const char *name)
{
	BSTR bname = NULL;
	VARIANT v;
	char *text = NULL;
	VariantInit(&v);
	if (FAILED(xb_bstr_from_utf8(name, XB_NUL_TERMINATED, &bname, NULL)))
		return NULL;
	HRESULT hr = ICertManageModule_GetProperty(mm, config, location, bname, 0, &v);
	SysFreeString(bname);
	if (FAILED(hr))
		warn(m, "ICertManageModule::GetProperty(\"%s\") returned %s", name, HR(hr));
	else if (hr == S_OK && v.vt == VT_BSTR && SysStringLen(v.bstrVal) &&
		 FAILED(xb_utf8_from_bstr(v.bstrVal, &text, NULL)))
		warn(m, "ICertManageModule::GetProperty(\"%s\") returned text that is not valid UTF-16", name);
	else if (hr == S_OK && v.vt != VT_BSTR && v.vt != VT_EMPTY)
		warn(m, "ICertManageModule::GetProperty(\"%s\") returned a VARIANT of type %u, not VT_BSTR", name,
		     (unsigned)v.vt);
	VariantClear(&v);
	return text;
}

static void read_manage_properties(struct xb_module *m, ICertManageModule *mm)
{
	BSTR config = NULL, location = NULL;
	if (SUCCEEDED(xb_bstr_from_utf8(m->manage_config, XB_NUL_TERMINATED, &config, NULL)) &&
	    SUCCEEDED(xb_bstr_from_utf8(m->registry_location, XB_NUL_TERMINATED, &location, NULL))) {
		for (int i = 0; i < XB_MANAGE_PROP_COUNT; i++)
			m->manage[i] = manage_property(m, mm, config, location, manage_names[i]);
	}
	SysFreeString(config);
	SysFreeString(location);
}

/* ICertExit2::GetManageModule and the properties the MMC page shows. Never fatal. */
static void read_manage_module(struct xb_module *m)
{
	ICertManageModule *mm = NULL;
	HRESULT hr = ICertExit2_GetManageModule(m->obj.exit2, &mm);
	if (FAILED(hr)) {
		m->manage_hr = hr;
		warn(m, "GetManageModule returned %s", HR(hr));
		return;
	}
	m->manage_hr = mm ? hr : S_FALSE;
	if (!mm)
		return;
	read_manage_properties(m, mm);
	ICertManageModule_Release(mm);
}

HRESULT xb_module_initialize(struct xb_module *m, const char *config, LONG *mask)
{
	if (mask)
		*mask = 0;
	if (!m || !m->obj.exit || m->initialized)
		return E_UNEXPECTED;
	BSTR bconfig = NULL;
	HRESULT hr = xb_bstr_from_utf8(config ? config : "", XB_NUL_TERMINATED, &bconfig, NULL);
	if (FAILED(hr))
		return hr;
	hr = derive_locations(m, config ? config : "");
	if (FAILED(hr)) {
		SysFreeString(bconfig);
		return hr;
	}
	LONG got = MASK_UNSET;
	m->initialized = 1;
	m->init_hr = ICertExit_Initialize(m->obj.exit, bconfig, &got);
	SysFreeString(bconfig);
	if (SUCCEEDED(m->init_hr))
		record_mask(m, got);
	else
		warn(m, "Initialize returned %s: the module receives no events", HR(m->init_hr));
	/* The CA names a module by its description even when Initialize failed (event 46). */
	read_description(m);
	if (m->is_exit2 && SUCCEEDED(m->init_hr))
		read_manage_module(m);
	if (mask)
		*mask = m->mask;
	return m->init_hr;
}

HRESULT xb_module_notify(struct xb_module *m, LONG event, LONG context, HRESULT *result)
{
	if (!m || !m->obj.exit || !m->initialized || FAILED(m->init_hr))
		return E_UNEXPECTED;
	HRESULT hr = ICertExit_Notify(m->obj.exit, event, context);
	if (result)
		*result = hr;
	return S_OK;
}

/* ---- unloading ---------------------------------------------------------- */

void xb_module_unload(struct xb_module *m)
{
	if (!m || (!m->handle && !m->obj.exit))
		return; /* unloaded already (a class activated without a library has no handle) */
	if (m->obj.exit) {
		m->final_release = ICertExit_Release(m->obj.exit);
		m->obj.exit = NULL;
		if (m->final_release)
			warn(m, "the final Release returned %lu: the module still counts references to its object",
			     (unsigned long)m->final_release);
		m->can_unload = m->bridge	   ? xb_bridge_can_unload(m->bridge) /* asked in the host, right after */
				: m->can_unload_now ? m->can_unload_now()
						    : HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
		if ((m->can_unload_now || (m->bridge && m->can_unload != HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND))) &&
		    m->can_unload != S_OK)
			warn(m, "DllCanUnloadNow returned %s after the final Release: objects or locks are still alive",
			     HR(m->can_unload));
	}
	/* COM's own reference goes only if the module agrees; ours goes now either way. */
	CoFreeUnusedLibraries();
	if (m->handle)
		dlclose(m->handle);
	m->handle = NULL;
}

void xb_module_free(struct xb_module *m)
{
	if (!m)
		return;
	xb_module_unload(m);
	module_destroy(m);
}

/* ---- accessors ---------------------------------------------------------- */

const char *xb_module_path(const struct xb_module *m)
{
	return m->path;
}

const char *xb_module_progid(const struct xb_module *m)
{
	return m->progid;
}

const char *xb_module_clsid(const struct xb_module *m)
{
	return m->clsid_text;
}

int xb_module_is_exit2(const struct xb_module *m)
{
	return m->is_exit2;
}

HRESULT xb_module_init_result(const struct xb_module *m)
{
	return m->init_hr;
}

LONG xb_module_mask(const struct xb_module *m)
{
	return m->mask;
}

LONG xb_module_undefined_mask_bits(const struct xb_module *m)
{
	return m->undefined_bits;
}

const char *xb_module_description(const struct xb_module *m)
{
	return m->description;
}

HRESULT xb_module_description_result(const struct xb_module *m)
{
	return m->description_hr;
}

const char *xb_manage_prop_name(enum xb_manage_prop which)
{
	return (unsigned)which < XB_MANAGE_PROP_COUNT ? manage_names[which] : NULL;
}

const char *xb_module_manage_property(const struct xb_module *m, enum xb_manage_prop which)
{
	return (unsigned)which < XB_MANAGE_PROP_COUNT ? m->manage[which] : NULL;
}

HRESULT xb_module_manage_result(const struct xb_module *m)
{
	return m->manage_hr;
}

HRESULT xb_module_set_registry_location(struct xb_module *m, const char *location)
{
	if (!m || !location || m->initialized)
		return E_UNEXPECTED;
	char *copy = strdup(location);
	if (!copy)
		return E_OUTOFMEMORY;
	free(m->registry_location);
	m->registry_location = copy;
	return S_OK;
}

const char *xb_module_registry_location(const struct xb_module *m)
{
	return m->registry_location;
}

HRESULT xb_module_can_unload(const struct xb_module *m)
{
	return m->can_unload;
}

ULONG xb_module_final_release(const struct xb_module *m)
{
	return m->final_release;
}

size_t xb_module_warning_count(const struct xb_module *m)
{
	return m->nwarnings;
}

const char *xb_module_warning(const struct xb_module *m, size_t i)
{
	return i < m->nwarnings ? m->warnings[i] : NULL;
}

void xb_module_get_info(const struct xb_module *m, struct xb_module_info *info)
{
	*info = (struct xb_module_info){
		.path = m->path,
		.progid = m->progid,
		.clsid = m->clsid_text,
		.is_exit2 = m->is_exit2,
		.description = m->description,
		.mask = m->mask,
		.undefined_mask = m->undefined_bits,
		.init_result = xb_module_init_result(m),
		.registry_location = m->registry_location,
		.warnings = (const char *const *)m->warnings,
		.nwarnings = m->nwarnings,
	};
	for (int p = 0; p < XB_MANAGE_PROP_COUNT; p++)
		info->manage[p] = m->manage[p];
}

HRESULT xb_module_set_engine(struct xb_module *m, struct xb_engine *engine, xb_error *err)
{
	return m && m->bridge ? xb_bridge_set_engine(m->bridge, engine, err) : S_OK;
}

HRESULT xb_module_take_faults(struct xb_module *m, char ***lines, size_t *n)
{
	return m && m->bridge ? xb_bridge_take_faults(m->bridge, lines, n) : S_OK;
}
