/*
 * The advapi32 registry functions over the emulated store, with Windows'
 * arguments, sizes (bytes for data, characters for names) and error codes.
 * Where Windows' behaviour is not documented, Wine's conformance tests
 * (dlls/advapi32/tests/registry.c, run against Windows) are the reference.
 */
#include <stdlib.h>
#include <string.h>

#include "registry_private.h"

#define LOCK() pthread_mutex_lock(&xb_reg_lock)
#define UNLOCK() pthread_mutex_unlock(&xb_reg_lock)

/*
 * Options, access rights and security attributes are accepted and ignored:
 * there is one user and nothing is persisted, so REG_OPTION_VOLATILE
 * changes nothing. lpSubKey "cannot be NULL" (SDK documentation):
 * ERROR_INVALID_PARAMETER; "" opens a new handle to hKey itself.
 */
XB_EXPORT LSTATUS RegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD Reserved, LPWSTR lpClass, DWORD dwOptions,
				  REGSAM samDesired, LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
				  LPDWORD lpdwDisposition)
{
	(void)lpClass, (void)dwOptions, (void)samDesired, (void)lpSecurityAttributes;
	if (!phkResult || !lpSubKey || Reserved)
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status), *found = NULL;
	int created = 0;
	if (key) {
		*phkResult = NULL;
		status = reg_walk(key, lpSubKey, 1, &found, &created);
	}
	if (status == ERROR_SUCCESS)
		status = reg_handle_open(found, phkResult);
	UNLOCK();
	if (status == ERROR_SUCCESS && lpdwDisposition)
		*lpdwDisposition = created ? REG_CREATED_NEW_KEY : REG_OPENED_EXISTING_KEY;
	return status;
}

/*
 * As on Windows: a NULL or empty lpSubKey gives a predefined root back as
 * itself and an open key as a new handle; a failed open sets *phkResult to
 * NULL, except for a bad hKey, which leaves it alone.
 */
XB_EXPORT LSTATUS RegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD ulOptions, REGSAM samDesired, PHKEY phkResult)
{
	(void)ulOptions, (void)samDesired;
	if (!phkResult)
		return ERROR_INVALID_PARAMETER;
	if (reg_root(hKey) && (!lpSubKey || !*lpSubKey)) {
		*phkResult = hKey;
		return ERROR_SUCCESS;
	}
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status), *found = NULL;
	if (key) {
		*phkResult = NULL;
		status = reg_walk(key, lpSubKey, 0, &found, NULL);
	}
	if (status == ERROR_SUCCESS)
		status = reg_handle_open(found, phkResult);
	UNLOCK();
	return status;
}

/*
 * The predefined roots need no closing. HKEY_CURRENT_USER and HKEY_USERS
 * are not emulated, so they are ERROR_INVALID_HANDLE here as everywhere.
 */
XB_EXPORT LSTATUS RegCloseKey(HKEY hKey)
{
	if (reg_root(hKey))
		return ERROR_SUCCESS;
	LOCK();
	LSTATUS status = reg_handle_close(hKey);
	UNLOCK();
	return status;
}

/*
 * Data is stored as given, whatever the type and size (a REG_SZ without
 * its NUL, a REG_DWORD of 2 bytes): Windows does the same, and the readers
 * cope. NULL data with a size is ERROR_NOACCESS, as Windows answers.
 */
XB_EXPORT LSTATUS RegSetValueExW(HKEY hKey, LPCWSTR lpValueName, DWORD Reserved, DWORD dwType,
				 const BYTE *lpData, DWORD cbData)
{
	(void)Reserved;
	if (!lpData && cbData)
		return ERROR_NOACCESS;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	if (key)
		status = reg_value_set(key, lpValueName, dwType, lpData, cbData);
	UNLOCK();
	return status;
}

/* Copies a value out with RegQueryValueExW's size rules; a buffer too small is left untouched. */
static LSTATUS copy_out(const BYTE *data, DWORD size, LPBYTE lpData, LPDWORD lpcbData)
{
	if (!lpData) {
		if (lpcbData)
			*lpcbData = size;
		return ERROR_SUCCESS;
	}
	if (*lpcbData < size) {
		*lpcbData = size;
		return ERROR_MORE_DATA;
	}
	if (size)
		memcpy(lpData, data, size);
	*lpcbData = size;
	return ERROR_SUCCESS;
}

/* The data as stored: no terminator is added (RegGetValueW adds them). */
XB_EXPORT LSTATUS RegQueryValueExW(HKEY hKey, LPCWSTR lpValueName, LPDWORD lpReserved, LPDWORD lpType,
				   LPBYTE lpData, LPDWORD lpcbData)
{
	if (lpReserved || (lpData && !lpcbData))
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	struct reg_value *v = key ? reg_value_find(key, lpValueName) : NULL;
	if (key && !v) {
		/* Windows zeroes the size of a size-only query, and leaves a buffer's alone. */
		if (!lpData && lpcbData)
			*lpcbData = 0;
		status = ERROR_FILE_NOT_FOUND;
	}
	if (v) {
		if (lpType)
			*lpType = v->type;
		status = copy_out(v->data, v->size, lpData, lpcbData);
	}
	UNLOCK();
	return status;
}

static DWORD type_flag(DWORD type)
{
	switch (type) {
	case REG_NONE: return RRF_RT_REG_NONE;
	case REG_SZ: return RRF_RT_REG_SZ;
	case REG_EXPAND_SZ: return RRF_RT_REG_EXPAND_SZ;
	case REG_BINARY: return RRF_RT_REG_BINARY;
	case REG_DWORD: return RRF_RT_REG_DWORD;
	case REG_MULTI_SZ: return RRF_RT_REG_MULTI_SZ;
	case REG_QWORD: return RRF_RT_REG_QWORD;
	default: return 0;
	}
}

/*
 * The stored string data with the terminator(s) RegGetValueW guarantees: one
 * NUL for REG_SZ/REG_EXPAND_SZ, two for REG_MULTI_SZ. New buffer, size in
 * bytes. An odd trailing byte is dropped: it cannot be part of a string.
 */
static OLECHAR *terminated_copy(const struct reg_value *v, DWORD *size)
{
	size_t n = v->size / sizeof(OLECHAR);
	const OLECHAR *s = (const OLECHAR *)(const void *)v->data;
	size_t need = v->type == REG_MULTI_SZ ? 2 : 1;
	size_t have = 0;
	while (have < need && have < n && s[n - 1 - have] == 0)
		have++;
	if (v->type == REG_MULTI_SZ && n == 1 && have == 1)
		need = 1; /* an empty list stored as a single NUL */
	OLECHAR *out = calloc(n + need - have + 1, sizeof(OLECHAR));
	if (!out)
		return NULL;
	memcpy(out, v->data, n * sizeof(OLECHAR));
	*size = (DWORD)((n + need - have) * sizeof(OLECHAR));
	return out;
}

/* ExpandEnvironmentStrings: %NAME% replaced when NAME is set, left as is otherwise. */
static OLECHAR *expand(const OLECHAR *s, DWORD *size)
{
	size_t len = xb_utf16_len(s), cap = len + 1, n = 0;
	OLECHAR *out = malloc(cap * sizeof(OLECHAR));
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		const char *value = NULL;
		size_t end = i;
		if (s[i] == u'%') {
			end = i + 1;
			while (end < len && s[end] != u'%')
				end++;
			if (end < len && end > i + 1) {
				char *name = NULL;
				if (SUCCEEDED(xb_utf16_to_utf8(s + i + 1, end - i - 1, &name, NULL, NULL)))
					value = getenv(name);
				free(name);
			}
		}
		OLECHAR *piece = NULL;
		size_t piece_len = 1;
		const OLECHAR *src = s + i;
		if (value) {
			if (FAILED(xb_utf8_to_utf16(value, XB_NUL_TERMINATED, &piece, &piece_len, NULL))) {
				free(out);
				return NULL;
			}
			src = piece;
			i = end + 1;
		} else {
			i++;
		}
		if (n + piece_len + 1 > cap) {
			cap = 2 * (n + piece_len + 1);
			OLECHAR *grown = realloc(out, cap * sizeof(OLECHAR));
			if (!grown) {
				free(piece);
				free(out);
				return NULL;
			}
			out = grown;
		}
		memcpy(out + n, src, piece_len * sizeof(OLECHAR));
		n += piece_len;
		free(piece);
	}
	out[n] = 0;
	*size = (DWORD)((n + 1) * sizeof(OLECHAR));
	return out;
}

/*
 * RegGetValueW's type checks, applied after the copy as Windows does: a
 * refused value still reports its type and size, and its data when the
 * buffer was large enough; only the result changes. A REG_BINARY asked for
 * as exactly RRF_RT_DWORD/RRF_RT_QWORD must be 4/8 bytes (as Windows).
 * A REG_DWORD/REG_QWORD stored with another size is refused the same way
 * unless the caller takes RRF_RT_ANY (our choice: Windows stores such
 * values and its documentation does not say what reading them gives).
 */
static LSTATUS check_type(DWORD flags, DWORD type, DWORD size, LSTATUS status)
{
	if (status != ERROR_SUCCESS && status != ERROR_MORE_DATA)
		return status;
	if (!(type_flag(type) & flags))
		return ERROR_UNSUPPORTED_TYPE;
	DWORD asked = flags & RRF_RT_ANY, expect = 0;
	if (asked == RRF_RT_ANY)
		return status;
	if (type == REG_DWORD || (type == REG_BINARY && asked == RRF_RT_DWORD))
		expect = 4;
	else if (type == REG_QWORD || (type == REG_BINARY && asked == RRF_RT_QWORD))
		expect = 8;
	return expect && size != expect ? ERROR_DATATYPE_MISMATCH : status;
}

static LSTATUS get_value(struct reg_key *key, LPCWSTR lpValue, DWORD dwFlags, LPDWORD pdwType, PVOID pvData,
			 LPDWORD pcbData)
{
	struct reg_value *v = reg_value_find(key, lpValue);
	if (!v)
		return ERROR_FILE_NOT_FOUND;
	DWORD type = v->type, size = v->size;
	OLECHAR *text = NULL;
	/*
	 * Strings come back terminated; a zero-byte string stays zero bytes, as
	 * Windows returns it. An expanded REG_EXPAND_SZ is a REG_SZ, also for
	 * the type filter.
	 */
	if ((type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ) && size) {
		text = terminated_copy(v, &size);
		if (text && type == REG_EXPAND_SZ && !(dwFlags & RRF_NOEXPAND)) {
			OLECHAR *expanded = expand(text, &size);
			free(text);
			text = expanded;
			type = REG_SZ;
		}
		if (!text)
			return ERROR_NOT_ENOUGH_MEMORY;
	} else if (type == REG_EXPAND_SZ && !(dwFlags & RRF_NOEXPAND)) {
		type = REG_SZ;
	}
	LSTATUS status = copy_out(text ? (const BYTE *)text : v->data, size, pvData, pcbData);
	free(text);
	if (pdwType)
		*pdwType = type;
	return check_type(dwFlags, type, size, status);
}

XB_EXPORT LSTATUS RegGetValueW(HKEY hkey, LPCWSTR lpSubKey, LPCWSTR lpValue, DWORD dwFlags, LPDWORD pdwType,
			       PVOID pvData, LPDWORD pcbData)
{
	/* No type at all can never match: refused up front (our choice; Windows does not document it). */
	if (!(dwFlags & RRF_RT_ANY) || (pvData && !pcbData))
		return ERROR_INVALID_PARAMETER;
	/*
	 * Asking for REG_EXPAND_SZ data while expanding it (which turns it into
	 * REG_SZ) is ERROR_INVALID_PARAMETER, as Windows before 8 and the brief
	 * say (Windows 8 and later answer ERROR_UNSUPPORTED_TYPE); RRF_RT_ANY is
	 * the exception.
	 */
	if ((dwFlags & RRF_RT_REG_EXPAND_SZ) && !(dwFlags & RRF_NOEXPAND) && (dwFlags & RRF_RT_ANY) != RRF_RT_ANY)
		return ERROR_INVALID_PARAMETER;
	DWORD capacity = pvData ? *pcbData : 0;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hkey, &status);
	if (key && lpSubKey && *lpSubKey)
		status = reg_walk(key, lpSubKey, 0, &key, NULL);
	if (status == ERROR_SUCCESS)
		status = get_value(key, lpValue, dwFlags, pdwType, pvData, pcbData);
	UNLOCK();
	if (status != ERROR_SUCCESS && pvData && (dwFlags & RRF_ZEROONFAILURE))
		memset(pvData, 0, capacity);
	return status;
}

XB_EXPORT LSTATUS RegEnumKeyExW(HKEY hKey, DWORD dwIndex, LPWSTR lpName, LPDWORD lpcchName, LPDWORD lpReserved,
				LPWSTR lpClass, LPDWORD lpcchClass, PFILETIME lpftLastWriteTime)
{
	if (!lpName || !lpcchName || lpReserved || (lpClass && !lpcchClass))
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	if (key && dwIndex >= key->nchildren)
		status = ERROR_NO_MORE_ITEMS;
	else if (key) {
		const struct reg_key *child = key->children[dwIndex];
		size_t len = xb_utf16_len(child->name);
		/* The time is reported even when the name does not fit, as Windows (and Wine) do. */
		if (lpftLastWriteTime)
			*lpftLastWriteTime = child->written;
		if (len + 1 > *lpcchName) {
			status = ERROR_MORE_DATA; /* *lpcchName unchanged, as Windows */
		} else {
			memcpy(lpName, child->name, (len + 1) * sizeof(OLECHAR));
			*lpcchName = (DWORD)len;
			/* Keys have no class here. */
			if (lpClass) {
				if (*lpcchClass)
					lpClass[0] = 0;
				*lpcchClass = 0;
			}
		}
	}
	UNLOCK();
	return status;
}

/*
 * Windows' overflow rules (Wine's tests): a name that does not fit is
 * ERROR_MORE_DATA with the name and *lpcchValueName untouched but the type
 * and needed data size reported; data that does not fit is ERROR_MORE_DATA
 * with the name, its length, the type and the needed size filled in and
 * the data buffer untouched.
 */
XB_EXPORT LSTATUS RegEnumValueW(HKEY hKey, DWORD dwIndex, LPWSTR lpValueName, LPDWORD lpcchValueName,
				LPDWORD lpReserved, LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData)
{
	if (!lpValueName || !lpcchValueName || lpReserved || (lpData && !lpcbData))
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	if (key && dwIndex >= key->nvalues)
		status = ERROR_NO_MORE_ITEMS;
	else if (key) {
		const struct reg_value *v = key->values[dwIndex];
		size_t len = xb_utf16_len(v->name);
		if (lpType)
			*lpType = v->type;
		if (len + 1 > *lpcchValueName) {
			if (lpcbData)
				*lpcbData = v->size;
			status = ERROR_MORE_DATA;
		} else {
			memcpy(lpValueName, v->name, (len + 1) * sizeof(OLECHAR));
			*lpcchValueName = (DWORD)len;
			status = copy_out(v->data, v->size, lpData, lpcbData);
		}
	}
	UNLOCK();
	return status;
}

XB_EXPORT LSTATUS RegDeleteValueW(HKEY hKey, LPCWSTR lpValueName)
{
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	if (key)
		status = reg_value_delete(key, lpValueName);
	UNLOCK();
	return status;
}

/* The key to delete: a subkey, never a root (ERROR_ACCESS_DENIED, our choice). */
static LSTATUS find_deletable(HKEY hKey, LPCWSTR lpSubKey, struct reg_key **out)
{
	LSTATUS status = ERROR_SUCCESS;
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	if (!key)
		return status;
	status = reg_walk(key, lpSubKey, 0, out, NULL);
	if (status == ERROR_SUCCESS && !(*out)->parent)
		status = ERROR_ACCESS_DENIED;
	return status;
}

/* lpSubKey "" deletes hKey itself, as on Windows; NULL is ERROR_INVALID_PARAMETER. */
XB_EXPORT LSTATUS RegDeleteKeyW(HKEY hKey, LPCWSTR lpSubKey)
{
	if (!lpSubKey)
		return ERROR_INVALID_PARAMETER;
	struct reg_key *key = NULL;
	LOCK();
	LSTATUS status = find_deletable(hKey, lpSubKey, &key);
	if (status == ERROR_SUCCESS && key->nchildren)
		status = ERROR_ACCESS_DENIED; /* as Windows: only a key without subkeys */
	if (status == ERROR_SUCCESS)
		reg_key_delete(key);
	UNLOCK();
	return status;
}

/* An empty lpSubKey is treated as NULL: the contents of hKey go, hKey stays. */
XB_EXPORT LSTATUS RegDeleteTreeW(HKEY hKey, LPCWSTR lpSubKey)
{
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	if (!lpSubKey || !*lpSubKey) {
		struct reg_key *key = reg_key_from_handle(hKey, &status);
		if (key)
			reg_key_delete_contents(key);
	} else {
		struct reg_key *key = NULL;
		status = find_deletable(hKey, lpSubKey, &key);
		if (status == ERROR_SUCCESS)
			reg_key_delete(key);
	}
	UNLOCK();
	return status;
}
