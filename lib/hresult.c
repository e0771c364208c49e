/*
 * HRESULT and Win32 error names and messages, generated from the one table
 * in hresult_table.h. Portable: the Windows build uses it for the kit's
 * logging as well.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench.h"
#include "hresult_table.h"

struct xb_code_entry {
	int32_t code;
	const char *name;
	const char *message;
};

#define XB_HRESULT_ENTRY(sym, msg) {(int32_t)(sym), #sym, msg},
static const struct xb_code_entry hresult_entries[] = {XB_HRESULT_MAP(XB_HRESULT_ENTRY)};

#define XB_WIN32_ENTRY(sym, msg) {(int32_t)(sym), #sym, msg},
static const struct xb_code_entry win32_entries[] = {XB_WIN32_MAP(XB_WIN32_ENTRY)};

/* "HRESULT_FROM_WIN32(ERROR_...)", in the same order as win32_entries. */
#define XB_WIN32_HRESULT_NAME(sym, msg) "HRESULT_FROM_WIN32(" #sym ")",
static const char *const win32_hresult_names[] = {XB_WIN32_MAP(XB_WIN32_HRESULT_NAME)};

#define XB_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct xb_code_entry *find_code(const struct xb_code_entry *table, size_t n, int32_t code)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].code == code)
			return &table[i];
	return NULL;
}

/* The Win32 entry behind a FACILITY_WIN32 failure code, if the table has it. */
static const struct xb_code_entry *find_win32_of(HRESULT hr)
{
	if (HRESULT_FACILITY(hr) != FACILITY_WIN32 || !FAILED(hr))
		return NULL;
	return find_code(win32_entries, XB_COUNT(win32_entries), HRESULT_CODE(hr));
}

XB_EXPORT const char *xb_hresult_name(HRESULT hr)
{
	const struct xb_code_entry *e = find_code(hresult_entries, XB_COUNT(hresult_entries), hr);
	if (e)
		return e->name;
	e = find_win32_of(hr);
	return e ? win32_hresult_names[e - win32_entries] : NULL;
}

XB_EXPORT const char *xb_hresult_message(HRESULT hr)
{
	const struct xb_code_entry *e = find_code(hresult_entries, XB_COUNT(hresult_entries), hr);
	if (e)
		return e->message;
	e = find_win32_of(hr);
	return e ? e->message : NULL;
}

XB_EXPORT const char *xb_hresult_format(HRESULT hr, char buf[XB_HRESULT_BUFSIZE])
{
	const char *name = xb_hresult_name(hr);
	if (name)
		snprintf(buf, XB_HRESULT_BUFSIZE, "%s (0x%08X)", name, (unsigned)(uint32_t)hr);
	else
		snprintf(buf, XB_HRESULT_BUFSIZE, "0x%08X", (unsigned)(uint32_t)hr);
	return buf;
}

XB_EXPORT const char *xb_win32_error_name(LONG code)
{
	const struct xb_code_entry *e = find_code(win32_entries, XB_COUNT(win32_entries), code);
	return e ? e->name : NULL;
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (*a >= 'a' && *a <= 'z') ? *a - 'a' + 'A' : *a;
		int cb = (*b >= 'a' && *b <= 'z') ? *b - 'a' + 'A' : *b;
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

static int parse_number(const char *text, HRESULT *hr)
{
	char *end;
	errno = 0;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		unsigned long long v = strtoull(text + 2, &end, 16);
		if (end == text + 2 || *end || errno || v > UINT32_MAX)
			return -1;
		*hr = (HRESULT)(uint32_t)v;
		return 0;
	}
	long long v = strtoll(text, &end, 10);
	if (end == text || *end || errno || v < INT32_MIN || v > UINT32_MAX)
		return -1;
	*hr = (HRESULT)(uint32_t)(int64_t)v;
	return 0;
}

XB_EXPORT int xb_hresult_from_name(const char *text, HRESULT *hr)
{
	if (!text || !*text || !hr)
		return -1;
	for (size_t i = 0; i < XB_COUNT(hresult_entries); i++) {
		if (!ascii_casecmp(text, hresult_entries[i].name)) {
			*hr = hresult_entries[i].code;
			return 0;
		}
	}
	for (size_t i = 0; i < XB_COUNT(win32_entries); i++) {
		if (!ascii_casecmp(text, win32_entries[i].name) ||
		    !ascii_casecmp(text, win32_hresult_names[i])) {
			*hr = HRESULT_FROM_WIN32(win32_entries[i].code);
			return 0;
		}
	}
	return parse_number(text, hr);
}
