/*
 * DllRegisterServer and DllUnregisterServer of a kit module: the keys of
 * reference §6.1 for the exit class (<Name>.Exit.1, <Name>.Exit) and the
 * manage class (<Name>.ExitManage.1, <Name>.ExitManage), from one table,
 * through the registry API (advapi32 on Windows, lib's store on Linux).
 */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
# define _GNU_SOURCE /* dladdr */
#endif
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if !defined(_WIN32)
# include <dlfcn.h>
#endif

#include "kit_private.h"

/* Longest application name: a registry key name has at most 255 characters. */
#define NAME_MAX_LEN 200

/* What one class writes. */
struct class_names {
	char clsid[39];      /* canonical "{...}" */
	char progid[NAME_MAX_LEN + 16];   /* <Name>.Exit.1 */
	char viprogid[NAME_MAX_LEN + 16]; /* <Name>.Exit */
	char description[512];
};

enum key_base { AT_PROGID, AT_VIPROGID, AT_CLSID };
enum data { DATA_DESCRIPTION, DATA_CLSID, DATA_PROGID, DATA_VIPROGID, DATA_PATH, DATA_BOTH };

/*
 * Reference §6.1 (ATL's class registration), plus CurVer under the
 * version-independent ProgID as ATL's .rgs scripts write it, so that
 * either ProgID resolves the way COM's CLSIDFromProgID expects.
 */
static const struct key_row {
	enum key_base base;
	const char *subkey;
	const char *value; /* NULL: the default value */
	enum data data;
} rows[] = {
	{AT_PROGID, "", NULL, DATA_DESCRIPTION},
	{AT_PROGID, "\\CLSID", NULL, DATA_CLSID},
	{AT_VIPROGID, "", NULL, DATA_DESCRIPTION},
	{AT_VIPROGID, "\\CLSID", NULL, DATA_CLSID},
	{AT_VIPROGID, "\\CurVer", NULL, DATA_PROGID},
	{AT_CLSID, "", NULL, DATA_DESCRIPTION},
	{AT_CLSID, "\\ProgID", NULL, DATA_PROGID},
	{AT_CLSID, "\\VersionIndependentProgID", NULL, DATA_VIPROGID},
	{AT_CLSID, "\\InprocServer32", NULL, DATA_PATH},
	{AT_CLSID, "\\InprocServer32", "ThreadingModel", DATA_BOTH},
};

static HRESULT class_names(const struct xb_exit_module_decl *decl, int manage, struct class_names *out)
{
	CLSID clsid;
	OLECHAR wide[40];
	const char *name = decl->name;
	if (!name || !*name || strlen(name) > NAME_MAX_LEN || strpbrk(name, "\\"))
		return E_INVALIDARG;
	if (FAILED(xb_kit_parse_clsid(manage ? decl->manage_clsid : decl->clsid, &clsid)))
		return E_INVALIDARG;
	StringFromGUID2(&clsid, wide, 40);
	for (int i = 0; i < 39; i++)
		out->clsid[i] = (char)wide[i];
	const char *kind = manage ? "ExitManage" : "Exit";
	snprintf(out->progid, sizeof(out->progid), "%s.%s.1", name, kind);
	snprintf(out->viprogid, sizeof(out->viprogid), "%s.%s", name, kind);
	const char *description = decl->description ? decl->description : name;
	snprintf(out->description, sizeof(out->description), manage ? "%s (ICertManageModule)" : "%s", description);
	return S_OK;
}

static void key_path(const struct class_names *c, enum key_base base, const char *subkey, char *out, size_t size)
{
	if (base == AT_CLSID)
		snprintf(out, size, "CLSID\\%s%s", c->clsid, subkey);
	else
		snprintf(out, size, "%s%s", base == AT_PROGID ? c->progid : c->viprogid, subkey);
}

/* HKCR\key: value = text (REG_SZ), creating the key. */
static LSTATUS set_string(const char *key, const char *value, const char *text)
{
	OLECHAR *wkey = NULL, *wvalue = NULL, *wtext = NULL;
	size_t text_len = 0;
	LSTATUS status = ERROR_OUTOFMEMORY;
	if (SUCCEEDED(xb_utf8_to_utf16(key, XB_NUL_TERMINATED, &wkey, NULL, NULL)) &&
	    (!value || SUCCEEDED(xb_utf8_to_utf16(value, XB_NUL_TERMINATED, &wvalue, NULL, NULL))) &&
	    SUCCEEDED(xb_utf8_to_utf16(text, XB_NUL_TERMINATED, &wtext, &text_len, NULL))) {
		HKEY h;
		status = RegCreateKeyExW(HKEY_CLASSES_ROOT, wkey, 0, NULL, REG_OPTION_NON_VOLATILE, KEY_WRITE, NULL,
					 &h, NULL);
		if (status == ERROR_SUCCESS) {
			status = RegSetValueExW(h, wvalue, 0, REG_SZ, (const BYTE *)wtext,
						(DWORD)((text_len + 1) * sizeof(OLECHAR)));
			RegCloseKey(h);
		}
	}
	free(wkey);
	free(wvalue);
	free(wtext);
	return status;
}

/* The full path of the module file that holds decl, as new UTF-8 (GetModuleFileName's answer). */
static HRESULT module_path(const struct xb_exit_module_decl *decl, char **out)
{
	*out = NULL;
#if defined(XB_WINDOWS)
	HMODULE module;
	if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
				(LPCWSTR)(const void *)decl, &module))
		return HRESULT_FROM_WIN32(GetLastError());
	for (DWORD size = MAX_PATH; size <= 32768; size *= 2) {
		WCHAR *buf = malloc(size * sizeof(WCHAR));
		if (!buf)
			return E_OUTOFMEMORY;
		DWORD n = GetModuleFileNameW(module, buf, size);
		if (n == 0) {
			free(buf);
			return HRESULT_FROM_WIN32(GetLastError());
		}
		if (n < size) {
			HRESULT hr = xb_utf16_to_utf8(buf, n, out, NULL, NULL);
			free(buf);
			return hr;
		}
		free(buf); /* truncated: try a larger buffer */
	}
	return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
#else
	Dl_info info;
	char resolved[PATH_MAX];
	if (!dladdr((const void *)decl, &info) || !info.dli_fname)
		return E_FAIL;
	/* dlopen keeps the name it was given; COM needs the file's full path. */
	const char *path = realpath(info.dli_fname, resolved) ? resolved : info.dli_fname;
	if (path[0] != '/')
		return E_FAIL;
	*out = strdup(path);
	return *out ? S_OK : E_OUTOFMEMORY;
#endif
}

/* 0 when HKCR\<progid>\CLSID names another class: a ProgID taken over since is that class's now. */
static int progid_is_ours(const char *progid, const char *clsid)
{
	char key[NAME_MAX_LEN + 32];
	OLECHAR *wkey = NULL, current[40];
	DWORD size = sizeof(current);
	snprintf(key, sizeof(key), "%s\\CLSID", progid);
	if (FAILED(xb_utf8_to_utf16(key, XB_NUL_TERMINATED, &wkey, NULL, NULL)))
		return 1;
	LSTATUS status = RegGetValueW(HKEY_CLASSES_ROOT, wkey, NULL, RRF_RT_REG_SZ, NULL, current, &size);
	free(wkey);
	if (status == ERROR_MORE_DATA)
		return 0; /* longer than any CLSID */
	if (status != ERROR_SUCCESS)
		return 1;
	for (int i = 0; i < 39; i++) { /* the 38 characters and the NUL */
		OLECHAR a = current[i], b = (OLECHAR)clsid[i];
		if (a >= 'a' && a <= 'z')
			a = (OLECHAR)(a - 'a' + 'A');
		if (a != b)
			return 0;
	}
	return 1;
}

static HRESULT unregister_class(const struct class_names *c)
{
	HRESULT result = S_OK;
	char clsid_key[64];
	snprintf(clsid_key, sizeof(clsid_key), "CLSID\\%s", c->clsid);
	const char *keys[3] = {c->progid, c->viprogid, clsid_key};
	for (int i = 0; i < 3; i++) {
		OLECHAR *wkey = NULL;
		if (i < 2 && !progid_is_ours(keys[i], c->clsid))
			continue;
		if (FAILED(xb_utf8_to_utf16(keys[i], XB_NUL_TERMINATED, &wkey, NULL, NULL)))
			return E_OUTOFMEMORY;
		LSTATUS status = RegDeleteTreeW(HKEY_CLASSES_ROOT, wkey);
		free(wkey);
		if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND)
			result = HRESULT_FROM_WIN32((DWORD)status);
	}
	return result;
}

static HRESULT unregister_all(const struct xb_exit_module_decl *decl)
{
	HRESULT result = S_OK;
	for (int manage = 0; manage < 2; manage++) {
		struct class_names c;
		HRESULT hr = class_names(decl, manage, &c);
		if (SUCCEEDED(hr))
			hr = unregister_class(&c);
		if (FAILED(hr) && SUCCEEDED(result))
			result = hr;
	}
	return result;
}

static HRESULT register_all(const struct xb_exit_module_decl *decl)
{
	char *path = NULL;
	HRESULT hr = module_path(decl, &path);
	if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "DllRegisterServer: cannot find this module's file (0x%08lx)",
			   (unsigned long)hr);
		return hr;
	}
	for (int manage = 0; manage < 2 && SUCCEEDED(hr); manage++) {
		struct class_names c;
		hr = class_names(decl, manage, &c);
		if (FAILED(hr)) {
			xb_kit_log(XB_KIT_LOG_ERROR, "DllRegisterServer: the declaration's name or %s is malformed",
				   manage ? "manage CLSID" : "CLSID");
			break;
		}
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			const struct key_row *row = &rows[i];
			const char *data[] = {c.description, c.clsid, c.progid, c.viprogid, path, "Both"};
			char key[NAME_MAX_LEN + 96];
			key_path(&c, row->base, row->subkey, key, sizeof(key));
			LSTATUS status = set_string(key, row->value, data[row->data]);
			if (status != ERROR_SUCCESS) {
				xb_kit_log(XB_KIT_LOG_ERROR, "DllRegisterServer: cannot write HKEY_CLASSES_ROOT\\%s (%ld)",
					   key, (long)status);
				hr = HRESULT_FROM_WIN32((DWORD)status);
				break;
			}
		}
	}
	free(path);
	return hr;
}

XB_EXPORT HRESULT xb_kit_register_server(const struct xb_exit_module_decl *decl)
{
	if (!decl)
		return E_INVALIDARG;
	const struct xb_exit_module_decl *previous = xb_kit_enter(decl);
	HRESULT hr = register_all(decl);
	if (FAILED(hr)) {
		unregister_all(decl); /* nothing half-registered */
		hr = SELFREG_E_CLASS;
	}
	xb_kit_leave(previous);
	return hr;
}

XB_EXPORT HRESULT xb_kit_unregister_server(const struct xb_exit_module_decl *decl)
{
	if (!decl)
		return E_INVALIDARG;
	const struct xb_exit_module_decl *previous = xb_kit_enter(decl);
	HRESULT hr = unregister_all(decl);
	xb_kit_leave(previous);
	return FAILED(hr) ? SELFREG_E_CLASS : S_OK;
}
