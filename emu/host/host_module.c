/*
 * The module in the host (host.h): loaded, registered and activated as
 * regsvr32 and certsrv do it, then called as the engine asks. The steps
 * and their messages follow emu/loader.c, so a module loads (or fails to)
 * with the same words as a Linux .so: LoadLibrary and DllRegisterServer
 * (the module writes its own keys into the registry), ProgID -> CLSID ->
 * InprocServer32, which must name this very file, then CoCreateInstance
 * for ICertExit2, else ICertExit. Everything that runs the module's code
 * runs guarded, so a crash is a result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

typedef HRESULT(STDAPICALLTYPE *get_class_object_fn)(REFCLSID, REFIID, void **);
typedef HRESULT(STDAPICALLTYPE *plain_fn)(void);

#define MAX_WARNINGS 8

static struct {
	HMODULE lib;
	WCHAR path[MAX_PATH * 2];
	char path_utf8[MAX_PATH * 6];
	get_class_object_fn get_class_object;
	plain_fn can_unload_now, register_server, unregister_server;
	CLSID clsid;
	char clsid_text[40];
	char progid[256];
	int has_progid;
	ICertExit *exit; /* an ICertExit2 when is_exit2 */
	int is_exit2, qi_exit;
	ICertManageModule *manage;
	char warnings[MAX_WARNINGS][300];
	const char *warning_list[MAX_WARNINGS];
	size_t nwarnings;
	char error[600];
} mod;

const char *xb_host_utf8(const WCHAR *w, char *buf, size_t n)
{
	if (!w || !WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)n, NULL, NULL))
		snprintf(buf, n, "?");
	return buf;
}

static void warn(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
static void warn(const char *fmt, ...)
{
	if (mod.nwarnings == MAX_WARNINGS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(mod.warnings[mod.nwarnings], sizeof(mod.warnings[0]), fmt, ap);
	va_end(ap);
	mod.warning_list[mod.nwarnings] = mod.warnings[mod.nwarnings];
	mod.nwarnings++;
}

static HRESULT fail(HRESULT hr, const char *fmt, ...) __attribute__((format(gnu_printf, 2, 3)));
static HRESULT fail(HRESULT hr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(mod.error, sizeof(mod.error), fmt, ap);
	va_end(ap);
	return hr;
}

/* "NAME (0x...)" of an HRESULT, in a buffer that lives to the end of the enclosing block. */
#define HR(hr) xb_hresult_format((hr), (char[XB_HRESULT_BUFSIZE]){0})

static int ends_with_exit(const WCHAR *name)
{
	size_t n = wcslen(name);
	return n > 5 && !_wcsicmp(name + n - 5, L".Exit");
}

/* ---- running the module's code guarded ------------------------------------ */

struct guarded_load {
	const WCHAR *path;
	HMODULE lib;
};

static void do_load(void *arg)
{
	struct guarded_load *g = arg;
	/* Its own directory first for what it imports, as regsvr32 loads it. */
	g->lib = LoadLibraryExW(g->path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

struct guarded_plain {
	plain_fn fn;
	HRESULT hr;
};

static void do_plain(void *arg)
{
	struct guarded_plain *g = arg;
	g->hr = g->fn();
}

struct guarded_create {
	const IID *riid;
	void *obj;
	HRESULT hr;
};

static void do_create(void *arg)
{
	struct guarded_create *g = arg;
	g->hr = CoCreateInstance(&mod.clsid, NULL, CLSCTX_INPROC_SERVER, g->riid, &g->obj);
}

static void do_qi(void *arg)
{
	void *base = NULL;
	HRESULT hr = ICertExit_QueryInterface(mod.exit, &IID_ICertExit, &base);
	mod.qi_exit = SUCCEEDED(hr) && base;
	if (base)
		IUnknown_Release((IUnknown *)base);
	(void)arg;
}

/* Runs fn guarded; a crash becomes the load's error. */
static HRESULT guard(void (*fn)(void *), void *arg, const char *during)
{
	struct xb_host_exception ex;
	if (!xb_host_guarded(fn, arg, &ex))
		return S_OK;
	return fail(XB_BRIDGE_E_CRASHED, "the module crashed %s: %s", during, ex.text);
}

/* ---- the registry as COM reads it ------------------------------------------- */

/* HKCR\CLSID\{clsid}\InprocServer32, expanded, into out. */
static HRESULT server_file(REFCLSID clsid, WCHAR *out, DWORD size)
{
	WCHAR key[80] = L"CLSID\\";
	StringFromGUID2(clsid, key + 6, 40);
	wcscat(key, L"\\InprocServer32");
	DWORD bytes = size * sizeof(WCHAR);
	LSTATUS status = RegGetValueW(HKEY_CLASSES_ROOT, key, NULL, RRF_RT_REG_SZ, NULL, out, &bytes);
	return status == ERROR_SUCCESS ? S_OK : REGDB_E_CLASSNOTREG;
}

/* Whether two paths name the same file (by volume and file index, as Windows loads a DLL once). */
static int same_file(const WCHAR *a, const WCHAR *b)
{
	BY_HANDLE_FILE_INFORMATION x, y;
	HANDLE ha = CreateFileW(a, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
				OPEN_EXISTING, 0, NULL);
	HANDLE hb = CreateFileW(b, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
				OPEN_EXISTING, 0, NULL);
	int same = ha != INVALID_HANDLE_VALUE && hb != INVALID_HANDLE_VALUE && GetFileInformationByHandle(ha, &x) &&
		   GetFileInformationByHandle(hb, &y) && x.dwVolumeSerialNumber == y.dwVolumeSerialNumber &&
		   x.nFileIndexHigh == y.nFileIndexHigh && x.nFileIndexLow == y.nFileIndexLow;
	if (ha != INVALID_HANDLE_VALUE)
		CloseHandle(ha);
	if (hb != INVALID_HANDLE_VALUE)
		CloseHandle(hb);
	return same;
}

static void set_clsid(REFCLSID clsid)
{
	WCHAR text[40];
	mod.clsid = *clsid;
	StringFromGUID2(clsid, text, 40);
	for (int i = 0; i < 39; i++)
		mod.clsid_text[i] = (char)text[i];
	mod.clsid_text[39] = 0;
}

static LSTATUS set_string(HKEY root, const WCHAR *key, const WCHAR *name, const WCHAR *value)
{
	HKEY k;
	LSTATUS status = RegCreateKeyExW(root, key, 0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL);
	if (status != ERROR_SUCCESS)
		return status;
	status = RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)value, (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
	RegCloseKey(k);
	return status;
}

/* A raw-COM module: the loader writes the one key activation reads (emu/loader.c's register_clsid). */
static HRESULT register_clsid(const char *text)
{
	WCHAR wide[64];
	CLSID clsid;
	if (!MultiByteToWideChar(CP_UTF8, 0, text, -1, wide, 64) || FAILED(IIDFromString(wide, &clsid)))
		return fail(CO_E_CLASSSTRING, "\"%s\" is not a CLSID ({XXXXXXXX-XXXX-...})", text);
	set_clsid(&clsid);
	WCHAR key[80] = L"CLSID\\";
	StringFromGUID2(&clsid, key + 6, 40);
	wcscat(key, L"\\InprocServer32");
	if (set_string(HKEY_CLASSES_ROOT, key, NULL, mod.path) != ERROR_SUCCESS ||
	    set_string(HKEY_CLASSES_ROOT, key, L"ThreadingModel", L"Both") != ERROR_SUCCESS)
		return fail(REGDB_E_WRITEREGDB, "cannot write HKCR\\CLSID\\%s\\InprocServer32", mod.clsid_text);
	return S_OK;
}

static HRESULT check_server(void)
{
	WCHAR registered[MAX_PATH * 2];
	const char *arrow = mod.has_progid ? " -> " : "";
	if (FAILED(server_file(&mod.clsid, registered, MAX_PATH * 2)))
		return fail(REGDB_E_CLASSNOTREG, "%s%s%s has no InprocServer32", mod.has_progid ? mod.progid : "", arrow,
			    mod.clsid_text);
	if (same_file(mod.path, registered))
		return S_OK;
	char text[MAX_PATH * 6];
	return fail(REGDB_E_INVALIDVALUE,
		    "the registration points elsewhere: %s%s%s InprocServer32 = \"%s\", not this file",
		    mod.has_progid ? mod.progid : "", arrow, mod.clsid_text, xb_host_utf8(registered, text, sizeof(text)));
}

static HRESULT resolve_progid(const char *progid)
{
	WCHAR wide[256];
	CLSID clsid;
	snprintf(mod.progid, sizeof(mod.progid), "%s", progid);
	mod.has_progid = 1;
	if (!MultiByteToWideChar(CP_UTF8, 0, progid, -1, wide, 256) || FAILED(CLSIDFromProgID(wide, &clsid)))
		return fail(CO_E_CLASSSTRING, "ProgID \"%s\" is not registered (no HKCR\\%s\\CLSID)", progid, progid);
	set_clsid(&clsid);
	if (!ends_with_exit(wide))
		warn("ProgID \"%s\" does not end in \".Exit\", as the CA requires of an exit module", progid);
	return S_OK;
}

/* The one "*.Exit" ProgID whose class's InprocServer32 is this file (emu/loader.c's find_exit_progid). */
static HRESULT find_exit_progid(void)
{
	char mine[512] = "", others[512] = "", first[256] = "";
	int nmine = 0;
	WCHAR name[256];
	for (DWORD i = 0;; i++) {
		DWORD cch = 256;
		LSTATUS status = RegEnumKeyExW(HKEY_CLASSES_ROOT, i, name, &cch, NULL, NULL, NULL, NULL);
		if (status == ERROR_NO_MORE_ITEMS)
			break;
		if (status != ERROR_SUCCESS || !ends_with_exit(name))
			continue;
		CLSID clsid;
		WCHAR file[MAX_PATH * 2];
		char utf8[256 * 3], file8[MAX_PATH * 6];
		if (FAILED(CLSIDFromProgID(name, &clsid)))
			continue;
		xb_host_utf8(name, utf8, sizeof(utf8));
		HRESULT hr = server_file(&clsid, file, MAX_PATH * 2);
		if (SUCCEEDED(hr) && same_file(mod.path, file)) {
			size_t used = strlen(mine);
			snprintf(mine + used, sizeof(mine) - used, "%s%s", nmine ? ", " : "", utf8);
			if (!nmine++)
				snprintf(first, sizeof(first), "%s", utf8);
		} else {
			size_t used = strlen(others);
			snprintf(others + used, sizeof(others) - used, "%s%s -> %s", others[0] ? ", " : "", utf8,
				 SUCCEEDED(hr) ? xb_host_utf8(file, file8, sizeof(file8)) : "(no InprocServer32)");
		}
	}
	if (nmine > 1)
		return fail(CO_E_CLASSSTRING, "several ProgIDs ending in \".Exit\" name this file: %s; choose one by ProgID",
			    mine);
	if (!nmine)
		return fail(CO_E_CLASSSTRING, "no ProgID ending in \".Exit\" names this file as InprocServer32; found: %s",
			    others[0] ? others : "none");
	return resolve_progid(first);
}

/* ---- LOAD -------------------------------------------------------------------- */

/* A Unix path through Wine's own mapping (Z: by default), else taken as a Windows path. */
int xb_host_windows_path(const char *path, WCHAR *out, size_t n)
{
	if (path[0] == '/') {
		typedef WCHAR *(CDECL * dos_name_fn)(const char *);
		HMODULE kernel = GetModuleHandleW(L"kernel32.dll");
		dos_name_fn dos_name = kernel ? (dos_name_fn)(void *)GetProcAddress(kernel, "wine_get_dos_file_name") : NULL;
		WCHAR *dos = dos_name ? dos_name(path) : NULL;
		if (dos) {
			int fits = wcslen(dos) < n;
			if (fits)
				wcscpy(out, dos);
			HeapFree(GetProcessHeap(), 0, dos);
			return fits;
		}
	}
	return MultiByteToWideChar(CP_UTF8, 0, path, -1, out, (int)n) > 0;
}

static HRESULT load(const struct xb_bridge_request *q)
{
	if (mod.lib)
		return fail(E_UNEXPECTED, "a module is loaded already");
	if (!xb_host_windows_path(q->path, mod.path, MAX_PATH * 2))
		return fail(HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE), "the path cannot be mapped to Windows");
	WCHAR full[MAX_PATH * 2];
	if (GetFullPathNameW(mod.path, MAX_PATH * 2, full, NULL))
		wcscpy(mod.path, full);
	xb_host_utf8(mod.path, mod.path_utf8, sizeof(mod.path_utf8));
	struct guarded_load gl = {mod.path, NULL};
	HRESULT hr = guard(do_load, &gl, "in DllMain while loading");
	if (FAILED(hr))
		return hr;
	if (!gl.lib) {
		DWORD code = GetLastError();
		WCHAR text[300] = L"";
		char text8[900];
		FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, text, 300, NULL);
		for (size_t i = wcslen(text); i > 0 && (text[i - 1] == L'\n' || text[i - 1] == L'\r' || text[i - 1] == L' ');)
			text[--i] = 0;
		return fail(CO_E_DLLNOTFOUND, "cannot load the module: %s (error %lu)", xb_host_utf8(text, text8, sizeof(text8)),
			    (unsigned long)code);
	}
	mod.lib = gl.lib;
	mod.get_class_object = (get_class_object_fn)(void *)GetProcAddress(mod.lib, "DllGetClassObject");
	mod.can_unload_now = (plain_fn)(void *)GetProcAddress(mod.lib, "DllCanUnloadNow");
	mod.register_server = (plain_fn)(void *)GetProcAddress(mod.lib, "DllRegisterServer");
	mod.unregister_server = (plain_fn)(void *)GetProcAddress(mod.lib, "DllUnregisterServer");
	if (!mod.get_class_object)
		return fail(HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND),
			    "the module does not export DllGetClassObject (not an in-process COM server)");
	if (!mod.can_unload_now)
		warn("the module does not export DllCanUnloadNow: COM can never unload it");
	if (q->clsid) {
		if (q->progid) {
			snprintf(mod.progid, sizeof(mod.progid), "%s", q->progid);
			mod.has_progid = 1;
		}
		hr = register_clsid(q->clsid);
	} else {
		if (!mod.register_server)
			return fail(HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND),
				    "the module does not export DllRegisterServer (a module without registration code is "
				    "loaded by CLSID)");
		if (!mod.unregister_server)
			warn("the module does not export DllUnregisterServer: regsvr32 /u cannot remove it");
		struct guarded_plain reg = {mod.register_server, E_FAIL};
		hr = guard(do_plain, &reg, "in DllRegisterServer");
		if (SUCCEEDED(hr) && FAILED(reg.hr))
			hr = fail(reg.hr, "DllRegisterServer returned %s", HR(reg.hr));
		if (SUCCEEDED(hr))
			hr = q->progid ? resolve_progid(q->progid) : find_exit_progid();
		if (SUCCEEDED(hr))
			hr = check_server();
	}
	if (FAILED(hr))
		return hr;
	/* certsrv's way: ICertExit2 first, ICertExit if the class lacks it. */
	struct guarded_create c = {&IID_ICertExit2, NULL, E_FAIL};
	hr = guard(do_create, &c, "in CoCreateInstance");
	mod.is_exit2 = SUCCEEDED(hr) && SUCCEEDED(c.hr);
	if (SUCCEEDED(hr) && c.hr == E_NOINTERFACE) {
		c = (struct guarded_create){&IID_ICertExit, NULL, E_FAIL};
		hr = guard(do_create, &c, "in CoCreateInstance");
	}
	if (FAILED(hr))
		return hr;
	if (c.hr == E_NOINTERFACE)
		return fail(c.hr, "the object of %s answers neither ICertExit2 nor ICertExit", mod.clsid_text);
	if (FAILED(c.hr) || !c.obj)
		return fail(FAILED(c.hr) ? c.hr : E_POINTER, "CoCreateInstance(%s) returned %s%s", mod.clsid_text, HR(c.hr),
			    c.obj ? "" : " and no object");
	mod.exit = c.obj;
	mod.qi_exit = !mod.is_exit2;
	if (mod.is_exit2)
		hr = guard(do_qi, NULL, "in QueryInterface");
	return hr;
}

void xb_host_load(const struct xb_bridge_request *q, struct xb_bridge_response *r)
{
	HRESULT hr = load(q);
	r->type = XB_MSG_LOADED;
	r->hr = hr;
	r->error = mod.error;
	if (FAILED(hr))
		return;
	r->path = mod.path_utf8;
	r->progid = mod.has_progid ? mod.progid : NULL;
	r->clsid = mod.clsid_text;
	r->is_exit2 = mod.is_exit2;
	r->qi_exit = mod.qi_exit;
	r->has_can_unload = mod.can_unload_now != NULL;
	r->warnings = mod.warning_list;
	r->nwarnings = mod.nwarnings;
}

/* ---- calls into the module --------------------------------------------------- */

/* A BSTR of a UTF-16 string from the wire (NULL stays NULL). */
static BSTR wire_bstr(const struct xb_wire_wstr *s)
{
	return s->units ? SysAllocStringLen((const OLECHAR *)s->units, (UINT)s->n) : NULL;
}

/* The module's key below HKLM, emptied and filled with the settings, as the engine seeds its registry. */
static void write_settings(const struct xb_bridge_request *q)
{
	WCHAR key[1024];
	if (!MultiByteToWideChar(CP_UTF8, 0, q->location, -1, key, 1024) || !key[0])
		return;
	RegDeleteTreeW(HKEY_LOCAL_MACHINE, key);
	if (!q->nsettings)
		return;
	HKEY k;
	if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL) != ERROR_SUCCESS)
		return;
	for (size_t i = 0; i < q->nsettings; i++) {
		WCHAR name[512];
		if (MultiByteToWideChar(CP_UTF8, 0, q->settings[i].name, -1, name, 512))
			RegSetValueExW(k, name, 0, q->settings[i].type, q->settings[i].data, (DWORD)q->settings[i].len);
	}
	RegCloseKey(k);
}

struct call {
	const struct xb_bridge_request *q;
	struct xb_bridge_response *r;
};

/* The call itself, run guarded: whatever it leaves in r stands when it returns. */
static void do_call(void *arg)
{
	struct call *c = arg;
	const struct xb_bridge_request *q = c->q;
	struct xb_bridge_response *r = c->r;
	switch (q->type) {
	case XB_MSG_INITIALIZE: {
		WCHAR *config = NULL;
		int n = MultiByteToWideChar(CP_UTF8, 0, q->config, -1, NULL, 0);
		BSTR b = n > 0 ? SysAllocStringLen(NULL, (UINT)(n - 1)) : NULL;
		if (b)
			MultiByteToWideChar(CP_UTF8, 0, q->config, -1, b, n);
		config = b;
		r->mask = q->mask_sentinel;
		LONG mask = q->mask_sentinel;
		r->hr = ICertExit_Initialize(mod.exit, config, &mask);
		r->mask = mask;
		SysFreeString(b);
		break;
	}
	case XB_MSG_GET_DESCRIPTION: {
		static BSTR text;
		SysFreeString(text);
		text = NULL;
		r->hr = ICertExit_GetDescription(mod.exit, &text);
		r->text = (struct xb_wire_wstr){(const uint16_t *)text, text ? SysStringLen(text) : 0};
		break;
	}
	case XB_MSG_GET_MANAGE_MODULE: {
		ICertManageModule *manage = NULL;
		r->hr = ICertExit2_GetManageModule((ICertExit2 *)mod.exit, &manage);
		if (mod.manage)
			ICertManageModule_Release(mod.manage);
		mod.manage = manage;
		r->has_object = manage != NULL;
		break;
	}
	case XB_MSG_MANAGE_GET_PROPERTY: {
		static VARIANT v;
		VariantClear(&v);
		BSTR config = wire_bstr(&q->manage_config), location = wire_bstr(&q->manage_location);
		BSTR name = wire_bstr(&q->manage_name);
		r->hr = mod.manage ? ICertManageModule_GetProperty(mod.manage, config, location, name, q->manage_flags, &v)
				   : E_UNEXPECTED;
		r->vt = V_VT(&v);
		if (V_VT(&v) == VT_BSTR)
			r->text = (struct xb_wire_wstr){(const uint16_t *)V_BSTR(&v), V_BSTR(&v) ? SysStringLen(V_BSTR(&v)) : 0};
		SysFreeString(config);
		SysFreeString(location);
		SysFreeString(name);
		break;
	}
	case XB_MSG_MANAGE_RELEASE:
		r->refs = mod.manage ? ICertManageModule_Release(mod.manage) : 0;
		mod.manage = NULL;
		break;
	case XB_MSG_NOTIFY:
		r->hr = ICertExit_Notify(mod.exit, q->event, q->context);
		break;
	case XB_MSG_RELEASE:
		r->refs = ICertExit_Release(mod.exit);
		mod.exit = NULL;
		r->can_unload = mod.can_unload_now ? mod.can_unload_now() : HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
		CoFreeUnusedLibraries();
		break;
	default:
		break;
	}
}

void xb_host_call_module(const struct xb_bridge_request *q, struct xb_bridge_response *r, struct xb_host_exception *ex,
			 int *crashed)
{
	r->type = XB_MSG_RESULT;
	r->answers = q->type;
	r->hr = S_OK;
	r->can_unload = E_PENDING;
	*crashed = 0;
	if (!mod.exit && q->type != XB_MSG_MANAGE_RELEASE) {
		r->hr = E_UNEXPECTED; /* nothing loaded, or after the final Release */
		return;
	}
	if (q->type == XB_MSG_INITIALIZE)
		write_settings(q);
	struct call c = {q, r};
	*crashed = xb_host_guarded(do_call, &c, ex);
	if (*crashed) {
		r->hr = XB_BRIDGE_E_CRASHED;
		if (q->type == XB_MSG_RELEASE)
			mod.exit = NULL; /* the object is gone as far as anyone can tell */
	}
}
