/* filepublish's file names (names.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

#define INVALID_NAME HRESULT_FROM_WIN32(ERROR_INVALID_NAME)

/* Characters no file name may hold on Windows (the path separators among them). */
static const char forbidden[] = "\\/:*?\"<>|";

/* Names Windows opens as devices, whatever extension follows. */
static const char *const devices[] = {"CON",  "PRN",  "AUX",  "NUL",  "COM1", "COM2", "COM3", "COM4",
				      "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3",
				      "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};

static int ascii_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Whether the part of name before its first '.' (trailing spaces ignored) is a device name. */
static int is_device(const char *name)
{
	size_t stem = strcspn(name, ".");
	while (stem && name[stem - 1] == ' ')
		stem--;
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		size_t n = strlen(devices[i]), j = 0;
		while (j < n && j < stem && ascii_upper((unsigned char)name[j]) == devices[i][j])
			j++;
		if (j == n && n == stem)
			return 1;
	}
	return 0;
}

int fp_file_name_is_safe(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > FP_NAME_MAX || name[0] == '.' || name[0] == ' ' || name[n - 1] == '.' || name[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c > 0x7E || strchr(forbidden, c))
			return 0;
	}
	return !is_device(name);
}

static int is_serial(const char *serial)
{
	size_t n = strspn(serial, "0123456789abcdef");
	return n > 0 && n <= 64 && serial[n] == 0;
}

/* "" or "(n)" with 1 to 5 digits, as CertSuffix and CRLSuffix are. */
static int is_suffix(const char *suffix)
{
	if (!*suffix)
		return 1;
	size_t digits = strspn(suffix + 1, "0123456789");
	return suffix[0] == '(' && digits > 0 && digits <= 5 && suffix[1 + digits] == ')' && suffix[2 + digits] == 0;
}

/* *out = the formatted name if it is safe. */
static HRESULT checked(char *name, char **out)
{
	if (!name)
		return E_OUTOFMEMORY;
	if (!fp_file_name_is_safe(name)) {
		free(name);
		return INVALID_NAME;
	}
	*out = name;
	return S_OK;
}

HRESULT fp_request_file_name(LONG request_id, const char *serial, const char *extension, char **out)
{
	*out = NULL;
	if (request_id <= 0 || !serial || !is_serial(serial))
		return INVALID_NAME;
	size_t n = 12 + strlen(serial) + strlen(extension) + 1;
	char *name = malloc(n);
	if (name)
		snprintf(name, n, "%ld-%s%s", (long)request_id, serial, extension);
	return checked(name, out);
}

HRESULT fp_crl_file_name(const char *ca_name, const char *suffix, int delta, char **out)
{
	*out = NULL;
	if (!ca_name || !*ca_name || !suffix || !is_suffix(suffix))
		return INVALID_NAME;
	size_t n = strlen(ca_name) + strlen(suffix) + 6;
	char *name = malloc(n);
	if (name)
		snprintf(name, n, "%s%s%s.crl", ca_name, suffix, delta ? "+" : "");
	return checked(name, out);
}

/* The characters AD CS replaces with !xxxx besides the non-printing and non-ASCII ones. */
static const char sanitized[] = "&'*\\{}[]^:,=!`><#()%|+?\";/";

char *fp_sanitize_ca_name(const char *name)
{
	OLECHAR *w;
	size_t n;
	if (FAILED(xb_utf8_to_utf16(name, XB_NUL_TERMINATED, &w, &n, NULL)))
		return NULL;
	char *out = malloc(5 * n + 1), *p = out;
	for (size_t i = 0; out && i < n; i++) {
		unsigned c = w[i];
		if (c >= 0x20 && c < 0x7F && !strchr(sanitized, (int)c))
			*p++ = (char)c;
		else
			p += sprintf(p, "!%04x", c);
	}
	if (out)
		*p = 0;
	free(w);
	return out;
}
