/*
 * The advapi32 registry functions over the emulated store, with Windows'
 * arguments, sizes (bytes for data, characters for names) and error codes.
 */
#include <stdlib.h>
#include <string.h>

#include "registry_private.h"

#define LOCK() pthread_mutex_lock(&xb_reg_lock)
#define UNLOCK() pthread_mutex_unlock(&xb_reg_lock)

static LSTATUS new_handle(struct reg_key *key, PHKEY out)
{
	struct HKEY__ *h = malloc(sizeof(*h));
	if (!h)
		return ERROR_NOT_ENOUGH_MEMORY;
	h->magic = REG_HANDLE_MAGIC;
	h->key = key;
	reg_key_ref(key);
	*out = h;
	return ERROR_SUCCESS;
}

/* Options, access rights and security attributes are accepted and ignored: there is one user. */
XB_EXPORT LSTATUS RegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD Reserved, LPWSTR lpClass, DWORD dwOptions,
				  REGSAM samDesired, LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
				  LPDWORD lpdwDisposition)
{
	(void)Reserved, (void)lpClass, (void)dwOptions, (void)samDesired, (void)lpSecurityAttributes;
	if (!phkResult || !lpSubKey)
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status), *found = NULL;
	int created = 0;
	if (key)
		status = reg_walk(key, lpSubKey, 1, &found, &created);
	if (status == ERROR_SUCCESS)
		status = new_handle(found, phkResult);
	UNLOCK();
	if (status == ERROR_SUCCESS && lpdwDisposition)
		*lpdwDisposition = created ? REG_CREATED_NEW_KEY : REG_OPENED_EXISTING_KEY;
	return status;
}

XB_EXPORT LSTATUS RegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD ulOptions, REGSAM samDesired, PHKEY phkResult)
{
	(void)ulOptions, (void)samDesired;
	if (!phkResult)
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status), *found = NULL;
	if (key)
		status = reg_walk(key, lpSubKey, 0, &found, NULL);
	if (status == ERROR_SUCCESS)
		status = new_handle(found, phkResult);
	UNLOCK();
	return status;
}

XB_EXPORT LSTATUS RegCloseKey(HKEY hKey)
{
	if (reg_root(hKey))
		return ERROR_SUCCESS;
	if (!hKey || ((uintptr_t)hKey >= 0x80000000u && (uintptr_t)hKey <= 0x800000FFu))
		return ERROR_INVALID_HANDLE;
	LOCK();
	if (hKey->magic != REG_HANDLE_MAGIC) {
		UNLOCK();
		return ERROR_INVALID_HANDLE;
	}
	hKey->magic = 0; /* a second close is detected */
	reg_key_unref(hKey->key);
	UNLOCK();
	free(hKey);
	return ERROR_SUCCESS;
}

XB_EXPORT LSTATUS RegSetValueExW(HKEY hKey, LPCWSTR lpValueName, DWORD Reserved, DWORD dwType,
				 const BYTE *lpData, DWORD cbData)
{
	(void)Reserved;
	if (!lpData && cbData)
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	if (key)
		status = reg_value_set(key, lpValueName, dwType, lpData, cbData);
	UNLOCK();
	return status;
}

/* Copies a value out with RegQueryValueExW's size rules. */
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

XB_EXPORT LSTATUS RegQueryValueExW(HKEY hKey, LPCWSTR lpValueName, LPDWORD lpReserved, LPDWORD lpType,
				   LPBYTE lpData, LPDWORD lpcbData)
{
	if (lpReserved || (lpData && !lpcbData))
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	struct reg_value *v = key ? reg_value_find(key, lpValueName) : NULL;
	if (key && !v)
		status = ERROR_FILE_NOT_FOUND;
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
 * NUL for REG_SZ/REG_EXPAND_SZ, two for REG_MULTI_SZ. New buffer, size in bytes.
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

static LSTATUS get_value(struct reg_key *key, LPCWSTR lpValue, DWORD dwFlags, LPDWORD pdwType, PVOID pvData,
			 LPDWORD pcbData)
{
	struct reg_value *v = reg_value_find(key, lpValue);
	if (!v)
		return ERROR_FILE_NOT_FOUND;
	/* An expanded REG_EXPAND_SZ is a REG_SZ, also for the type filter. */
	int expanding = v->type == REG_EXPAND_SZ && !(dwFlags & RRF_NOEXPAND);
	if (!(type_flag(expanding ? REG_SZ : v->type) & dwFlags))
		return ERROR_UNSUPPORTED_TYPE;
	if ((v->type == REG_DWORD && v->size != 4) || (v->type == REG_QWORD && v->size != 8))
		return ERROR_DATATYPE_MISMATCH;
	DWORD type = v->type, size = v->size;
	OLECHAR *text = NULL;
	if (type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ) {
		text = terminated_copy(v, &size);
		if (text && expanding) {
			OLECHAR *expanded = expand(text, &size);
			free(text);
			text = expanded;
			type = REG_SZ;
		}
		if (!text)
			return ERROR_NOT_ENOUGH_MEMORY;
	}
	if (pdwType)
		*pdwType = type;
	LSTATUS status = copy_out(text ? (const BYTE *)text : v->data, size, pvData, pcbData);
	free(text);
	return status;
}

XB_EXPORT LSTATUS RegGetValueW(HKEY hkey, LPCWSTR lpSubKey, LPCWSTR lpValue, DWORD dwFlags, LPDWORD pdwType,
			       PVOID pvData, LPDWORD pcbData)
{
	if (!(dwFlags & RRF_RT_ANY) || (pvData && !pcbData))
		return ERROR_INVALID_PARAMETER;
	/*
	 * Asking for REG_EXPAND_SZ data while expanding it (which turns it into
	 * REG_SZ) is refused, as Windows does; RRF_RT_ANY is the exception.
	 */
	if ((dwFlags & RRF_RT_REG_EXPAND_SZ) && !(dwFlags & RRF_NOEXPAND) && (dwFlags & RRF_RT_ANY) != RRF_RT_ANY)
		return ERROR_INVALID_PARAMETER;
	DWORD capacity = pcbData ? *pcbData : 0;
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

/* Copies a name into a caller buffer of *cch characters (NUL included); ERROR_MORE_DATA if it does not fit. */
static LSTATUS copy_name(const OLECHAR *name, LPWSTR out, LPDWORD cch)
{
	size_t len = xb_utf16_len(name);
	if (len + 1 > *cch)
		return ERROR_MORE_DATA;
	memcpy(out, name, (len + 1) * sizeof(OLECHAR));
	*cch = (DWORD)len;
	return ERROR_SUCCESS;
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
		struct reg_key *child = key->children[dwIndex];
		status = copy_name(child->name, lpName, lpcchName);
		if (status == ERROR_SUCCESS) {
			if (lpClass) {
				if (*lpcchClass)
					lpClass[0] = 0;
				*lpcchClass = 0;
			}
			if (lpftLastWriteTime)
				*lpftLastWriteTime = child->written;
		}
	}
	UNLOCK();
	return status;
}

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
		struct reg_value *v = key->values[dwIndex];
		status = copy_name(v->name, lpValueName, lpcchValueName);
		if (status == ERROR_SUCCESS) {
			if (lpType)
				*lpType = v->type;
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

/* The key to delete: a subkey, never a root. */
static LSTATUS find_deletable(HKEY hKey, LPCWSTR lpSubKey, struct reg_key **out)
{
	LSTATUS status = ERROR_SUCCESS;
	struct reg_key *key = reg_key_from_handle(hKey, &status);
	if (!key)
		return status;
	status = reg_walk(key, lpSubKey, 0, out, NULL);
	if (status == ERROR_SUCCESS && !(*out)->parent)
		status = ERROR_ACCESS_DENIED; /* a root cannot be deleted */
	return status;
}

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

XB_EXPORT LSTATUS RegDeleteTreeW(HKEY hKey, LPCWSTR lpSubKey)
{
	LSTATUS status = ERROR_SUCCESS;
	LOCK();
	if (!lpSubKey || !*lpSubKey) {
		/* Everything below hKey, hKey itself stays. */
		struct reg_key *key = reg_key_from_handle(hKey, &status);
		if (key) {
			while (key->nchildren)
				reg_key_delete(key->children[key->nchildren - 1]);
			reg_key_clear_values(key);
			reg_key_touch(key);
		}
	} else {
		struct reg_key *key = NULL;
		status = find_deletable(hKey, lpSubKey, &key);
		if (status == ERROR_SUCCESS)
			reg_key_delete(key);
	}
	UNLOCK();
	return status;
}
