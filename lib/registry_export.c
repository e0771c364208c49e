/*
 * The engine's side of the emulated registry: seeding values from UTF-8,
 * reading them back, clearing, and exporting a subtree as .reg text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_private.h"

XB_EXPORT void xb_registry_clear(void)
{
	static const HKEY roots[] = {HKEY_CLASSES_ROOT, HKEY_LOCAL_MACHINE};
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		RegDeleteTreeW(roots[i], NULL);
}

static LSTATUS to_utf16(const char *s, OLECHAR **out)
{
	*out = NULL;
	if (!s)
		return ERROR_SUCCESS;
	HRESULT hr = xb_utf8_to_utf16(s, XB_NUL_TERMINATED, out, NULL, NULL);
	if (hr == E_OUTOFMEMORY)
		return ERROR_NOT_ENOUGH_MEMORY;
	return FAILED(hr) ? ERROR_NO_UNICODE_TRANSLATION : ERROR_SUCCESS;
}

/* Creates root\path and sets one value from raw bytes. */
static LSTATUS set_value(HKEY root, const char *path, const char *name, DWORD type, const void *data, size_t size)
{
	OLECHAR *wpath = NULL, *wname = NULL;
	HKEY key;
	if (size > UINT32_MAX)
		return ERROR_INVALID_PARAMETER;
	LSTATUS status = to_utf16(path ? path : "", &wpath);
	if (status == ERROR_SUCCESS)
		status = to_utf16(name, &wname);
	if (status == ERROR_SUCCESS)
		status = RegCreateKeyExW(root, wpath, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);
	if (status == ERROR_SUCCESS) {
		status = RegSetValueExW(key, wname, 0, type, data, (DWORD)size);
		RegCloseKey(key);
	}
	free(wpath);
	free(wname);
	return status;
}

XB_EXPORT LSTATUS xb_registry_set_string(HKEY root, const char *path, const char *name, const char *value)
{
	OLECHAR *wvalue = NULL;
	size_t len = 0;
	if (!value)
		return ERROR_INVALID_PARAMETER;
	HRESULT hr = xb_utf8_to_utf16(value, XB_NUL_TERMINATED, &wvalue, &len, NULL);
	if (FAILED(hr))
		return hr == E_OUTOFMEMORY ? ERROR_NOT_ENOUGH_MEMORY : ERROR_NO_UNICODE_TRANSLATION;
	LSTATUS status = set_value(root, path, name, REG_SZ, wvalue, (len + 1) * sizeof(OLECHAR));
	free(wvalue);
	return status;
}

XB_EXPORT LSTATUS xb_registry_set_dword(HKEY root, const char *path, const char *name, DWORD value)
{
	return set_value(root, path, name, REG_DWORD, &value, sizeof(value));
}

XB_EXPORT LSTATUS xb_registry_set_multi_string(HKEY root, const char *path, const char *name,
					       const char *const *values)
{
	if (!values)
		return ERROR_INVALID_PARAMETER;
	OLECHAR *all = NULL;
	size_t used = 0;
	LSTATUS status = ERROR_SUCCESS;
	for (size_t i = 0; values[i] && status == ERROR_SUCCESS; i++) {
		OLECHAR *w = NULL;
		size_t len = 0;
		if (FAILED(xb_utf8_to_utf16(values[i], XB_NUL_TERMINATED, &w, &len, NULL))) {
			status = ERROR_NO_UNICODE_TRANSLATION;
			break;
		}
		OLECHAR *grown = realloc(all, (used + len + 2) * sizeof(OLECHAR));
		if (!grown) {
			free(w);
			status = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		all = grown;
		memcpy(all + used, w, (len + 1) * sizeof(OLECHAR));
		used += len + 1;
		free(w);
	}
	if (status == ERROR_SUCCESS) {
		OLECHAR *grown = realloc(all, (used + 1) * sizeof(OLECHAR));
		if (!grown)
			status = ERROR_NOT_ENOUGH_MEMORY;
		else {
			all = grown;
			all[used++] = 0; /* the list's terminating empty string */
			status = set_value(root, path, name, REG_MULTI_SZ, all, used * sizeof(OLECHAR));
		}
	}
	free(all);
	return status;
}

XB_EXPORT LSTATUS xb_registry_get_string(HKEY root, const char *path, const char *name, char **value)
{
	OLECHAR *wpath = NULL, *wname = NULL;
	if (!value)
		return ERROR_INVALID_PARAMETER;
	*value = NULL;
	LSTATUS status = to_utf16(path ? path : "", &wpath);
	if (status == ERROR_SUCCESS)
		status = to_utf16(name, &wname);
	DWORD type = 0, size = 0;
	OLECHAR *data = NULL;
	if (status == ERROR_SUCCESS)
		status = RegGetValueW(root, wpath, wname, RRF_RT_ANY | RRF_NOEXPAND, &type, NULL, &size);
	if (status == ERROR_SUCCESS && type != REG_SZ && type != REG_EXPAND_SZ)
		status = ERROR_DATATYPE_MISMATCH;
	if (status == ERROR_SUCCESS) {
		data = malloc(size ? size : sizeof(OLECHAR));
		status = data ? RegGetValueW(root, wpath, wname, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND,
					     NULL, data, &size)
			      : ERROR_NOT_ENOUGH_MEMORY;
	}
	if (status == ERROR_SUCCESS) {
		size_t len = size / sizeof(OLECHAR);
		if (len && data[len - 1] == 0)
			len--;
		HRESULT hr = xb_utf16_to_utf8(data, len, value, NULL, NULL);
		if (FAILED(hr))
			status = hr == E_OUTOFMEMORY ? ERROR_NOT_ENOUGH_MEMORY : ERROR_NO_UNICODE_TRANSLATION;
	}
	free(data);
	free(wpath);
	free(wname);
	return status;
}

/* ---- export --------------------------------------------------------- */

struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

static void append(struct text *t, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void append(struct text *t, const char *fmt, ...)
{
	if (t->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || t->len + (size_t)n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		while (n >= 0 && t->len + (size_t)n + 1 > cap)
			cap *= 2;
		char *grown = n < 0 ? NULL : realloc(t->buf, cap);
		if (!grown) {
			t->failed = 1;
			return;
		}
		t->buf = grown;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* Appends UTF-16 text as UTF-8, escaping \ and " as .reg files do. */
static void append_quoted(struct text *t, const OLECHAR *s, size_t len)
{
	char *utf8 = NULL;
	if (FAILED(xb_utf16_to_utf8(s, len, &utf8, NULL, NULL))) {
		t->failed = 1;
		return;
	}
	append(t, "\"");
	for (const char *p = utf8; *p; p++)
		append(t, (*p == '\\' || *p == '"') ? "\\%c" : "%c", *p);
	append(t, "\"");
	free(utf8);
}

static void append_hex(struct text *t, const char *tag, const BYTE *data, DWORD size)
{
	append(t, "%s:", tag);
	for (DWORD i = 0; i < size; i++)
		append(t, i ? ",%02x" : "%02x", data[i]);
}

/*
 * One "name"=data line. Differences from regedit, chosen for diffable test
 * output: UTF-8 and \n instead of UTF-16 and \r\n, and hex lists are not
 * wrapped at 80 columns. A REG_SZ that is not NUL-terminated, and a
 * REG_DWORD that is not 4 bytes, can only be written as hex(1): / hex(4):,
 * as regedit does.
 */
static void export_value(struct text *t, const struct reg_value *v)
{
	if (v->name[0])
		append_quoted(t, v->name, xb_utf16_len(v->name));
	else
		append(t, "@");
	append(t, "=");
	const OLECHAR *s = (const OLECHAR *)(const void *)v->data;
	size_t n = v->size / sizeof(OLECHAR);
	if (v->type == REG_SZ && v->size % 2 == 0 && (n == 0 || s[n - 1] == 0)) {
		append_quoted(t, s, n ? n - 1 : 0);
	} else if (v->type == REG_DWORD && v->size == 4) {
		DWORD d;
		memcpy(&d, v->data, 4);
		append(t, "dword:%08x", (unsigned)d);
	} else if (v->type == REG_BINARY) {
		append_hex(t, "hex", v->data, v->size);
	} else {
		char tag[16];
		snprintf(tag, sizeof(tag), "hex(%x)", (unsigned)v->type);
		append_hex(t, tag, v->data, v->size);
	}
	append(t, "\n");
}

static void export_key(struct text *t, const struct reg_key *key, const char *path)
{
	append(t, "[%s]\n", path);
	for (size_t i = 0; i < key->nvalues; i++)
		export_value(t, key->values[i]);
	append(t, "\n");
	for (size_t i = 0; i < key->nchildren && !t->failed; i++) {
		char *name = NULL;
		if (FAILED(xb_utf16_to_utf8(key->children[i]->name, XB_NUL_TERMINATED, &name, NULL, NULL))) {
			t->failed = 1;
			return;
		}
		size_t len = strlen(path) + strlen(name) + 2;
		char *child = malloc(len);
		if (!child) {
			free(name);
			t->failed = 1;
			return;
		}
		snprintf(child, len, "%s\\%s", path, name);
		free(name);
		export_key(t, key->children[i], child);
		free(child);
	}
}

XB_EXPORT char *xb_registry_export(HKEY root, const char *path)
{
	const char *root_name = reg_root_name(root);
	OLECHAR *wpath = NULL;
	if (!root_name || to_utf16(path ? path : "", &wpath) != ERROR_SUCCESS)
		return NULL;
	struct text t = {0};
	LSTATUS status = ERROR_SUCCESS;
	pthread_mutex_lock(&xb_reg_lock);
	struct reg_key *key = reg_key_from_handle(root, &status);
	if (key)
		status = reg_walk(key, wpath, 0, &key, NULL);
	if (status == ERROR_SUCCESS) {
		/* The key's own path, with the case it was created with. */
		size_t depth = 0;
		for (const struct reg_key *k = key; k->parent; k = k->parent)
			depth++;
		const struct reg_key **chain = calloc(depth ? depth : 1, sizeof(*chain));
		char *full = strdup(root_name);
		size_t i = depth;
		for (const struct reg_key *k = key; chain && k->parent; k = k->parent)
			chain[--i] = k;
		for (i = 0; full && chain && i < depth; i++) {
			char *name = NULL;
			char *longer = NULL;
			if (SUCCEEDED(xb_utf16_to_utf8(chain[i]->name, XB_NUL_TERMINATED, &name, NULL, NULL)))
				longer = malloc(strlen(full) + strlen(name) + 2);
			if (longer)
				sprintf(longer, "%s\\%s", full, name);
			free(name);
			free(full);
			full = longer;
		}
		if (full && chain) {
			append(&t, "Windows Registry Editor Version 5.00\n\n");
			export_key(&t, key, full);
		} else {
			t.failed = 1;
		}
		free(full);
		free(chain);
	}
	pthread_mutex_unlock(&xb_reg_lock);
	free(wpath);
	if (status != ERROR_SUCCESS || t.failed) {
		free(t.buf);
		return NULL;
	}
	return t.buf;
}
