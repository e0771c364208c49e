/*
 * Module configuration from the command line (exitbench replay --set),
 * written into the emulated registry under the module's key, so a module
 * reads it with the same Reg* calls as on a CA (replay.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

#define CONFIG_ROOT "SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\"

char *xb_module_registry_key(const char *ca_name, const char *module_name)
{
	size_t n = strlen(CONFIG_ROOT) + strlen(ca_name) + strlen("\\ExitModules\\") + strlen(module_name) + 1;
	char *key = malloc(n);
	if (key)
		snprintf(key, n, "%s%s\\ExitModules\\%s", CONFIG_ROOT, ca_name, module_name);
	return key;
}

void xb_setting_free(struct xb_setting *s)
{
	free(s->name);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

/* A DWORD in decimal or 0x hex, the whole text, up to 0xFFFFFFFF. */
static int parse_dword(const char *text, DWORD *out)
{
	char *end;
	if (!*text || *text == '-' || *text == '+')
		return -1;
	unsigned long long v = strtoull(text, &end, 0);
	if (*end || v > 0xFFFFFFFFull)
		return -1;
	*out = (DWORD)v;
	return 0;
}

HRESULT xb_setting_parse(const char *text, struct xb_setting *out, xb_error *err)
{
	memset(out, 0, sizeof(*out));
	const char *eq = strchr(text, '=');
	if (!eq || eq == text)
		return xb_error_set(err, E_INVALIDARG, 0, "--set %s: expected NAME=VALUE, NAME:dword=N or NAME:multi=A;B",
				    text);
	const char *colon = memchr(text, ':', (size_t)(eq - text));
	size_t name_len = (size_t)((colon ? colon : eq) - text);
	const char *value = eq + 1;
	out->type = REG_SZ;
	if (colon) {
		size_t tlen = (size_t)(eq - colon - 1);
		if (tlen == 5 && !strncmp(colon + 1, "dword", 5)) {
			out->type = REG_DWORD;
			if (parse_dword(value, &out->dword))
				return xb_error_set(err, E_INVALIDARG, (size_t)(value - text),
						    "--set %s: \"%s\" is not a number from 0 to 4294967295", text, value);
		} else if (tlen == 5 && !strncmp(colon + 1, "multi", 5)) {
			out->type = REG_MULTI_SZ;
		} else {
			return xb_error_set(err, E_INVALIDARG, (size_t)(colon - text),
					    "--set %s: unknown type \"%.*s\" (dword or multi)", text, (int)tlen, colon + 1);
		}
	}
	if (name_len == 0)
		return xb_error_set(err, E_INVALIDARG, 0, "--set %s: the value has no name", text);
	out->name = strndup(text, name_len);
	out->text = out->type == REG_DWORD ? NULL : strdup(value);
	if (!out->name || (out->type != REG_DWORD && !out->text)) {
		xb_setting_free(out);
		return E_OUTOFMEMORY;
	}
	return S_OK;
}

/* UTF-16 copy of UTF-8 text (free it), or NULL. */
static OLECHAR *wide(const char *text, size_t *len)
{
	OLECHAR *w = NULL;
	size_t n = 0;
	if (FAILED(xb_utf8_to_utf16(text, strlen(text), &w, &n, NULL)))
		return NULL;
	if (len)
		*len = n;
	return w;
}

/* The REG_MULTI_SZ data of "a;b": a\0b\0\0 (an empty text is one empty list). */
static OLECHAR *multi_sz(const char *text, DWORD *bytes)
{
	size_t n;
	OLECHAR *w = wide(text, &n);
	if (!w)
		return NULL;
	OLECHAR *data = realloc(w, (n + 2) * sizeof(OLECHAR));
	if (!data) {
		free(w);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (data[i] == u';')
			data[i] = 0;
	data[n] = 0;
	data[n + 1] = 0;
	*bytes = (DWORD)((n ? n + 2 : 1) * sizeof(OLECHAR));
	return data;
}

static LSTATUS write_one(HKEY key, const struct xb_setting *s)
{
	OLECHAR *name = wide(s->name, NULL);
	if (!name)
		return ERROR_NOT_ENOUGH_MEMORY;
	LSTATUS st = ERROR_NOT_ENOUGH_MEMORY;
	if (s->type == REG_DWORD) {
		st = RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&s->dword, sizeof(s->dword));
	} else if (s->type == REG_MULTI_SZ) {
		DWORD bytes;
		OLECHAR *data = multi_sz(s->text, &bytes);
		if (data)
			st = RegSetValueExW(key, name, 0, REG_MULTI_SZ, (const BYTE *)data, bytes);
		free(data);
	} else {
		size_t n;
		OLECHAR *data = wide(s->text, &n);
		if (data)
			st = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)data, (DWORD)((n + 1) * sizeof(OLECHAR)));
		free(data);
	}
	free(name);
	return st;
}

HRESULT xb_settings_write(const char *key_path, const struct xb_setting *settings, size_t n, xb_error *err)
{
	OLECHAR *path = wide(key_path, NULL);
	if (!path)
		return E_OUTOFMEMORY;
	HKEY key;
	LSTATUS st = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);
	free(path);
	if (st != ERROR_SUCCESS)
		return xb_error_set(err, HRESULT_FROM_WIN32(st), 0, "cannot create HKLM\\%s: %s", key_path,
				    xb_win32_error_name(st));
	for (size_t i = 0; st == ERROR_SUCCESS && i < n; i++) {
		st = write_one(key, &settings[i]);
		if (st != ERROR_SUCCESS)
			xb_error_set(err, HRESULT_FROM_WIN32(st), 0, "--set %s: cannot write it under HKLM\\%s: %s",
				     settings[i].name, key_path, xb_win32_error_name(st));
	}
	RegCloseKey(key);
	return st == ERROR_SUCCESS ? S_OK : HRESULT_FROM_WIN32(st);
}
