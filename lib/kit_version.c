/*
 * Windows only: the version resource of the module's own DLL, for
 * ICertManageModule::GetProperty (kit_manage.c). Reading it the way
 * Explorer does (the file named by GetModuleFileNameW, GetFileVersionInfoW,
 * VerQueryValueW under the resource's first translation) keeps what the CA
 * console shows equal to what the file's properties show, even for a DLL
 * whose resource was edited after the build.
 */
#include <stdlib.h>
#include <wchar.h>

#include "kit_private.h"

/* The full path of the DLL that holds address, new (free()); NULL when Windows cannot say. */
static WCHAR *module_file(const void *address)
{
	HMODULE module;
	if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
				(LPCWSTR)address, &module))
		return NULL;
	for (DWORD size = MAX_PATH; size <= 32768; size *= 2) {
		WCHAR *buf = malloc(size * sizeof(WCHAR));
		if (!buf)
			return NULL;
		DWORD n = GetModuleFileNameW(module, buf, size);
		if (n > 0 && n < size)
			return buf;
		free(buf);
		if (n == 0)
			return NULL;
		/* n == size: truncated, try a larger buffer */
	}
	return NULL;
}

/* Appends text to out at *at (no overflow: the callers' buffers hold the longest key). */
static void append(WCHAR *out, size_t *at, const WCHAR *text)
{
	while (*text)
		out[(*at)++] = *text++;
	out[*at] = 0;
}

static void append_hex4(WCHAR *out, size_t *at, WORD value)
{
	static const WCHAR digits[] = L"0123456789abcdef";
	for (int shift = 12; shift >= 0; shift -= 4)
		out[(*at)++] = digits[(value >> shift) & 0xF];
	out[*at] = 0;
}

/* key's value under the resource's first translation (language, code page), as a new BSTR. */
static HRESULT query(const void *block, const OLECHAR *key, BSTR *out)
{
	WORD *translation = NULL;
	UINT bytes = 0;
	/* The first translation names the StringFileInfo table to read (exitbench/kit_version.rc writes one). */
	if (!VerQueryValueW(block, L"\\VarFileInfo\\Translation", (void **)&translation, &bytes) || !translation ||
	    bytes < 2 * sizeof(WORD))
		return S_FALSE;
	if (wcslen(key) > 64)
		return S_FALSE;
	WCHAR sub[128];
	size_t at = 0;
	sub[0] = 0;
	append(sub, &at, L"\\StringFileInfo\\");
	append_hex4(sub, &at, translation[0]);
	append_hex4(sub, &at, translation[1]);
	append(sub, &at, L"\\");
	append(sub, &at, key);
	WCHAR *text = NULL;
	UINT chars = 0;
	if (!VerQueryValueW(block, sub, (void **)&text, &chars) || !text)
		return S_FALSE;
	/* chars counts the terminating NUL when there is one; stop at the first NUL either way. */
	*out = SysAllocStringLen(text, (UINT)wcsnlen(text, chars));
	return *out ? S_OK : E_OUTOFMEMORY;
}

HRESULT xb_kit_version_string(const struct xb_exit_module_decl *decl, const OLECHAR *key, BSTR *out)
{
	*out = NULL;
	WCHAR *path = module_file(decl);
	if (!path)
		return S_FALSE; /* not in a DLL Windows knows: the declaration answers */
	DWORD ignored = 0;
	DWORD size = GetFileVersionInfoSizeW(path, &ignored);
	HRESULT hr = S_FALSE;
	if (size) {
		void *block = malloc(size);
		if (!block)
			hr = E_OUTOFMEMORY;
		else if (GetFileVersionInfoW(path, 0, size, block))
			hr = query(block, key, out);
		free(block);
	}
	free(path);
	return hr;
}
