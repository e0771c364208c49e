/*
 * The Windows half of filepublish's file layer (atomic_file_win32.c, with
 * publish.c and names.c over it), checked where it runs: built with
 * mingw-w64 and run under Wine by tests/windows/mingw-build.sh. The Linux
 * half is checked through the engine by tests/check_filepublish.c.
 * Prints one line per check and exits non-zero when one fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "atomic_file.h"
#include "names.h"
#include "publish.h"

static int failures;

#define check(cond) check_at(__LINE__, #cond, (cond))
static void check_at(int line, const char *what, int ok)
{
	printf("%s line %d: %s\n", ok ? "ok  " : "FAIL", line, what);
	failures += !ok;
}

/* The whole file, or NULL. */
static unsigned char *slurp(const char *dir, const char *name, size_t *len)
{
	char *path = fp_path_join(dir, name);
	unsigned char *data = NULL;
	HRESULT hr = fp_file_read(path, &data, len);
	free(path);
	return hr == S_OK ? data : NULL;
}

static int holds(const char *dir, const char *name, const char *text)
{
	size_t len;
	unsigned char *data = slurp(dir, name, &len);
	int same = data && len == strlen(text) && !memcmp(data, text, len);
	free(data);
	return same;
}

/* How many entries dir has (".", ".." left out), and whether one is a temporary file. */
static int entries(const WCHAR *dir, int *temporary)
{
	WCHAR pattern[MAX_PATH];
	_snwprintf(pattern, MAX_PATH, L"%ls\\*", dir);
	WIN32_FIND_DATAW found;
	HANDLE h = FindFirstFileW(pattern, &found);
	int n = 0;
	*temporary = 0;
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	do {
		if (!wcscmp(found.cFileName, L".") || !wcscmp(found.cFileName, L".."))
			continue;
		n++;
		size_t len = wcslen(found.cFileName);
		if (len > 4 && !wcscmp(found.cFileName + len - 4, L".tmp"))
			*temporary = 1;
	} while (FindNextFileW(h, &found));
	FindClose(h);
	return n;
}

static HRESULT rule_answer;
static HRESULT rule(void *ctx, const char *path, const unsigned char *old, size_t old_len, const unsigned char *data,
		    size_t len)
{
	(void)ctx;
	(void)path;
	(void)old;
	(void)old_len;
	(void)data;
	(void)len;
	return rule_answer;
}

#define FILE_EXISTS HRESULT_FROM_WIN32(ERROR_FILE_EXISTS)

int main(void)
{
	check(fp_path_is_absolute("C:\\CertEnroll"));
	check(fp_path_is_absolute("c:/CertEnroll"));
	check(fp_path_is_absolute("\\\\server\\share\\pki"));
	check(!fp_path_is_absolute("CertEnroll"));
	check(!fp_path_is_absolute("C:CertEnroll"));
	check(!fp_path_is_absolute("\\CertEnroll"));
	char *joined = fp_path_join("C:\\pki\\", "a.cer");
	check(joined && !strcmp(joined, "C:\\pki\\a.cer"));
	free(joined);
	joined = fp_path_join("C:/pki", "a.cer");
	check(joined && !strcmp(joined, "C:/pki\\a.cer"));
	free(joined);

	/* A directory with a non-ASCII name: paths go to the W functions as UTF-16. */
	const char *dir = "fp-test-d\xc3\xa9";
	WCHAR wdir[] = L"fp-test-d\x00e9";
	RemoveDirectoryW(wdir);
	check(CreateDirectoryW(wdir, NULL));
	check(fp_directory_check(dir) == S_OK);
	check(fp_directory_check("fp-test-absent") == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
	check(fp_directory_check("fp-test-d\xc3\xa9\\..\\fp-test-absent\\x") ==
	      HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));

	const unsigned char one[] = "first content", two[] = "second content";
	int temporary;
	check(fp_publish(dir, "1-0a.cer", one, sizeof(one) - 1, NULL, NULL) == S_OK);
	check(holds(dir, "1-0a.cer", "first content"));
	check(fp_publish(dir, "1-0a.cer", one, sizeof(one) - 1, NULL, NULL) == S_FALSE);
	check(fp_publish(dir, "1-0a.cer", two, sizeof(two) - 1, NULL, NULL) == FILE_EXISTS);
	check(holds(dir, "1-0a.cer", "first content"));
	check(fp_file_write_atomic(dir, "1-0a.cer", two, sizeof(two) - 1, 0) == FILE_EXISTS);
	check(holds(dir, "1-0a.cer", "first content"));
	rule_answer = S_FALSE;
	check(fp_publish(dir, "1-0a.cer", two, sizeof(two) - 1, rule, NULL) == S_FALSE);
	rule_answer = E_ACCESSDENIED;
	check(fp_publish(dir, "1-0a.cer", two, sizeof(two) - 1, rule, NULL) == E_ACCESSDENIED);
	check(holds(dir, "1-0a.cer", "first content"));
	rule_answer = S_OK;
	check(fp_publish(dir, "1-0a.cer", two, sizeof(two) - 1, rule, NULL) == S_OK);
	check(holds(dir, "1-0a.cer", "second content"));
	check(fp_publish(dir, "empty.crl", (const unsigned char *)"", 0, NULL, NULL) == S_OK);
	check(holds(dir, "empty.crl", ""));
	check(fp_publish("fp-test-absent", "1-0a.cer", one, sizeof(one) - 1, NULL, NULL) ==
	      HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));

	/* A directory under the name is never read or replaced. */
	char sub[64];
	snprintf(sub, sizeof(sub), "%s\\2-0b.cer", dir);
	check(CreateDirectoryA("fp-test-plain", NULL));
	check(fp_publish("fp-test-plain", "x", one, 1, NULL, NULL) == S_OK);
	check(fp_directory_check("fp-test-plain\\x") == HRESULT_FROM_WIN32(ERROR_DIRECTORY));
	WCHAR wsub[] = L"fp-test-d\x00e9\\2-0b.cer";
	check(CreateDirectoryW(wsub, NULL));
	unsigned char *data = NULL;
	size_t len = 0;
	check(fp_file_read(sub, &data, &len) == FILE_EXISTS && !data);
	rule_answer = S_OK;
	check(fp_publish(dir, "2-0b.cer", one, sizeof(one) - 1, rule, NULL) == FILE_EXISTS);
	RemoveDirectoryW(wsub);

	check(entries(wdir, &temporary) == 2 && !temporary);

	/* Names as on Linux. */
	check(fp_file_name_is_safe("Corp Issuing CA(1)+.crl"));
	check(!fp_file_name_is_safe("CON.crl"));
	check(!fp_file_name_is_safe("lpt1"));
	check(!fp_file_name_is_safe("a\\b.crl"));
	char *name = NULL;
	check(fp_request_file_name(7, "0a1b", ".cer", &name) == S_OK && !strcmp(name, "7-0a1b.cer"));
	free(name);
	check(fp_request_file_name(7, "..\\x", ".cer", &name) == HRESULT_FROM_WIN32(ERROR_INVALID_NAME));
	char *sanitized = fp_sanitize_ca_name("Corp: \xc3\xa9");
	check(sanitized && !strcmp(sanitized, "Corp!003a !00e9"));
	free(sanitized);

	/* Clean up. */
	WCHAR wfile[] = L"fp-test-d\x00e9\\1-0a.cer", wempty[] = L"fp-test-d\x00e9\\empty.crl";
	DeleteFileW(wfile);
	DeleteFileW(wempty);
	RemoveDirectoryW(wdir);
	DeleteFileA("fp-test-plain\\x");
	RemoveDirectoryA("fp-test-plain");
	printf("%s: %d failure%s\n", failures ? "FAIL" : "PASS", failures, failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
