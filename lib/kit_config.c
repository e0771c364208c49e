/*
 * A module's configuration: values under HKEY_LOCAL_MACHINE\<the CA's
 * ModuleRegistryLocation>, read with RegGetValueW, so that one source
 * reads the real registry on Windows and lib's store (seeded by the
 * engine's --set) on Linux. A missing key or value is "not configured".
 */
#include <stdlib.h>
#include <string.h>

#include "kit_private.h"

/* Keeps the first location fetched; a racing thread's copy is dropped. */
static OLECHAR *keep_location(OLECHAR **slot, OLECHAR *fresh)
{
#if defined(_MSC_VER)
	OLECHAR *old = InterlockedCompareExchangePointer((PVOID volatile *)slot, fresh, NULL);
#else
	OLECHAR *old = NULL;
	__atomic_compare_exchange_n(slot, &old, fresh, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
#endif
	if (!old)
		return fresh;
	free(fresh);
	return old;
}

/* The module's ModuleRegistryLocation as UTF-16, borrowed from the object. */
static HRESULT module_location(xb_kit_module *module, const OLECHAR **out)
{
#if defined(_MSC_VER)
	OLECHAR *location = InterlockedCompareExchangePointer((PVOID volatile *)&module->location, NULL, NULL);
#else
	OLECHAR *location = __atomic_load_n(&module->location, __ATOMIC_ACQUIRE);
#endif
	if (!location) {
		ICertServerExit *server = NULL;
		char *text = NULL;
		HRESULT hr = xb_kit_server_open(0, &server);
		if (SUCCEEDED(hr)) {
			hr = xb_kit_get_string(server, XB_KIT_CERTIFICATE, "ModuleRegistryLocation", &text);
			ICertServerExit_Release(server);
		}
		if (SUCCEEDED(hr))
			hr = xb_utf8_to_utf16(text, XB_NUL_TERMINATED, &location, NULL, NULL);
		free(text);
		if (FAILED(hr)) {
			xb_kit_log(XB_KIT_LOG_ERROR, "cannot read the CA property ModuleRegistryLocation (0x%08lx)",
				   (unsigned long)hr);
			return hr;
		}
		location = keep_location(&module->location, location);
	}
	*out = location;
	return S_OK;
}

/*
 * RegGetValueW(HKLM, location, name, flags) into new memory (*data, with
 * room for a terminator); S_FALSE when the key or the value is missing.
 */
static HRESULT read_value(const OLECHAR *location, const char *name, DWORD flags, void **data, DWORD *size)
{
	OLECHAR *wname = NULL;
	HRESULT hr = xb_utf8_to_utf16(name, XB_NUL_TERMINATED, &wname, NULL, NULL);
	if (FAILED(hr))
		return hr == E_OUTOFMEMORY ? hr : E_INVALIDARG;
	LSTATUS status;
	void *buf = NULL;
	DWORD n = 0;
	do { /* again if the value grew between the two calls */
		free(buf);
		buf = NULL;
		status = RegGetValueW(HKEY_LOCAL_MACHINE, location, wname, flags, NULL, NULL, &n);
		if (status != ERROR_SUCCESS)
			break;
		buf = malloc(n + sizeof(OLECHAR));
		if (!buf) {
			status = ERROR_OUTOFMEMORY;
			break;
		}
		status = RegGetValueW(HKEY_LOCAL_MACHINE, location, wname, flags, NULL, buf, &n);
	} while (status == ERROR_MORE_DATA);
	free(wname);
	if (status != ERROR_SUCCESS) {
		free(buf);
		if (status == ERROR_FILE_NOT_FOUND || status == ERROR_PATH_NOT_FOUND)
			return S_FALSE;
		return status == ERROR_OUTOFMEMORY ? E_OUTOFMEMORY : HRESULT_FROM_WIN32((DWORD)status);
	}
	*data = buf;
	*size = n;
	return S_OK;
}

static HRESULT string_at(const OLECHAR *location, const char *name, char **out)
{
	void *data = NULL;
	DWORD size = 0;
	HRESULT hr = read_value(location, name, RRF_RT_REG_SZ, &data, &size);
	if (hr != S_OK)
		return hr;
	OLECHAR *text = data;
	size_t len = size / sizeof(OLECHAR);
	text[len] = 0; /* RegGetValueW terminates; a value stored without its NUL is terminated here */
	hr = xb_utf16_to_utf8(text, XB_NUL_TERMINATED, out, NULL, NULL);
	free(data);
	return FAILED(hr) ? hr : S_OK;
}

static HRESULT dword_at(const OLECHAR *location, const char *name, DWORD *out)
{
	void *data = NULL;
	DWORD size = 0;
	HRESULT hr = read_value(location, name, RRF_RT_REG_DWORD, &data, &size);
	if (hr != S_OK)
		return hr;
	memcpy(out, data, sizeof(*out));
	free(data);
	return S_OK;
}

XB_EXPORT HRESULT xb_kit_config_string(xb_kit_module *module, const char *name, char **out)
{
	const OLECHAR *location;
	if (!out)
		return E_POINTER;
	*out = NULL;
	if (!module || !name)
		return E_INVALIDARG;
	HRESULT hr = module_location(module, &location);
	return FAILED(hr) ? hr : string_at(location, name, out);
}

XB_EXPORT HRESULT xb_kit_config_dword(xb_kit_module *module, const char *name, DWORD *out)
{
	const OLECHAR *location;
	if (!out)
		return E_POINTER;
	*out = 0;
	if (!module || !name)
		return E_INVALIDARG;
	HRESULT hr = module_location(module, &location);
	return FAILED(hr) ? hr : dword_at(location, name, out);
}

XB_EXPORT HRESULT xb_kit_config_string_at(const char *location, const char *name, char **out)
{
	OLECHAR *wide = NULL;
	if (!out)
		return E_POINTER;
	*out = NULL;
	if (!location || !name)
		return E_INVALIDARG;
	HRESULT hr = xb_utf8_to_utf16(location, XB_NUL_TERMINATED, &wide, NULL, NULL);
	if (SUCCEEDED(hr))
		hr = string_at(wide, name, out);
	free(wide);
	return hr;
}

XB_EXPORT HRESULT xb_kit_config_dword_at(const char *location, const char *name, DWORD *out)
{
	OLECHAR *wide = NULL;
	if (!out)
		return E_POINTER;
	*out = 0;
	if (!location || !name)
		return E_INVALIDARG;
	HRESULT hr = xb_utf8_to_utf16(location, XB_NUL_TERMINATED, &wide, NULL, NULL);
	if (SUCCEEDED(hr))
		hr = dword_at(wide, name, out);
	free(wide);
	return hr;
}
