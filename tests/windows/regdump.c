/*
 * regdump [KEY]: every key and value under HKEY_CLASSES_ROOT (or its
 * subkey KEY), one per line, in a form a shell can sort and compare:
 *
 *   HKCR\Hello.Exit
 *   HKCR\Hello.Exit | @ | REG_SZ | Hello exit module (logs each event)
 *
 * "@" is the default value. Strings are UTF-8 with \ n and | escaped, so
 * one value is always one line; DWORDs are 0x........, other types hex.
 * tests/windows/registration.sh compares dumps taken before and after
 * registering a module DLL, to see every key it adds or removes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

static void put_utf8(const WCHAR *text, size_t len, int escape)
{
	for (size_t i = 0; i < len; i++) {
		WCHAR c = text[i];
		if (escape && (c == L'\\' || c == L'|')) {
			printf("\\%c", (char)c);
		} else if (escape && (c == L'\n' || c == L'\r' || c == 0)) {
			printf("\\x%02x", (unsigned)c);
		} else {
			char buf[8];
			/* A surrogate pair is converted whole. */
			int n = (c >= 0xD800 && c <= 0xDBFF && i + 1 < len) ? 2 : 1;
			int got = WideCharToMultiByte(CP_UTF8, 0, text + i, n, buf, sizeof(buf), NULL, NULL);
			fwrite(buf, 1, got > 0 ? (size_t)got : 0, stdout);
			i += (size_t)n - 1;
		}
	}
}

static const char *type_name(DWORD type)
{
	static const struct {
		DWORD type;
		const char *name;
	} names[] = {
		{REG_NONE, "REG_NONE"},
		{REG_SZ, "REG_SZ"},
		{REG_EXPAND_SZ, "REG_EXPAND_SZ"},
		{REG_BINARY, "REG_BINARY"},
		{REG_DWORD, "REG_DWORD"},
		{REG_DWORD_BIG_ENDIAN, "REG_DWORD_BIG_ENDIAN"},
		{REG_LINK, "REG_LINK"},
		{REG_MULTI_SZ, "REG_MULTI_SZ"},
		{REG_QWORD, "REG_QWORD"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].type == type)
			return names[i].name;
	}
	return "REG_?";
}

static void put_value(const WCHAR *path, const WCHAR *name, DWORD name_len, DWORD type, const BYTE *data,
		      DWORD size)
{
	put_utf8(path, wcslen(path), 0);
	printf(" | ");
	if (name_len)
		put_utf8(name, name_len, 1);
	else
		printf("@");
	printf(" | %s | ", type_name(type));
	if (type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ) {
		size_t chars = size / sizeof(WCHAR);
		const WCHAR *text = (const WCHAR *)data;
		/* A string's terminating NUL is not part of what it says. */
		if (type != REG_MULTI_SZ && chars && text[chars - 1] == 0)
			chars--;
		put_utf8(text, chars, 1);
	} else if (type == REG_DWORD && size == 4) {
		printf("0x%08lx", (unsigned long)*(const DWORD *)data);
	} else {
		for (DWORD i = 0; i < size; i++)
			printf("%02x", data[i]);
	}
	printf("\n");
}

/* Dumps key (open, named path) and everything below it; returns 0, or 1 after a read error. */
static int dump(HKEY key, WCHAR *path, size_t path_len, size_t path_size)
{
	int failed = 0;
	put_utf8(path, path_len, 0);
	printf("\n");

	DWORD max_name = 0, max_data = 0, max_subkey = 0;
	LSTATUS status = RegQueryInfoKeyW(key, NULL, NULL, NULL, NULL, &max_subkey, NULL, NULL, &max_name, &max_data,
					  NULL, NULL);
	if (status != ERROR_SUCCESS) {
		fprintf(stderr, "regdump: RegQueryInfoKeyW: error %ld\n", (long)status);
		return 1;
	}
	WCHAR *name = malloc((max_name + 1) * sizeof(WCHAR));
	BYTE *data = malloc(max_data + 2);
	if (!name || !data) {
		fprintf(stderr, "regdump: out of memory\n");
		exit(2);
	}
	for (DWORD i = 0;; i++) {
		DWORD name_len = max_name + 1, size = max_data, type = 0;
		status = RegEnumValueW(key, i, name, &name_len, NULL, &type, data, &size);
		if (status == ERROR_NO_MORE_ITEMS)
			break;
		if (status != ERROR_SUCCESS) {
			fprintf(stderr, "regdump: RegEnumValueW: error %ld\n", (long)status);
			failed = 1;
			break;
		}
		put_value(path, name, name_len, type, data, size);
	}
	free(name);
	free(data);

	WCHAR *sub = malloc((max_subkey + 1) * sizeof(WCHAR));
	if (!sub) {
		fprintf(stderr, "regdump: out of memory\n");
		exit(2);
	}
	for (DWORD i = 0;; i++) {
		DWORD sub_len = max_subkey + 1;
		status = RegEnumKeyExW(key, i, sub, &sub_len, NULL, NULL, NULL, NULL);
		if (status == ERROR_NO_MORE_ITEMS)
			break;
		if (status != ERROR_SUCCESS) {
			fprintf(stderr, "regdump: RegEnumKeyExW: error %ld\n", (long)status);
			failed = 1;
			break;
		}
		if (path_len + 1 + sub_len + 1 > path_size) {
			fprintf(stderr, "regdump: a key path is too long\n");
			failed = 1;
			continue;
		}
		path[path_len] = L'\\';
		memcpy(path + path_len + 1, sub, (sub_len + 1) * sizeof(WCHAR));
		HKEY child;
		status = RegOpenKeyExW(key, sub, 0, KEY_READ, &child);
		if (status == ERROR_SUCCESS) {
			failed |= dump(child, path, path_len + 1 + sub_len, path_size);
			RegCloseKey(child);
		} else {
			fprintf(stderr, "regdump: cannot open a key: error %ld\n", (long)status);
			failed = 1;
		}
		path[path_len] = 0;
	}
	free(sub);
	return failed;
}

int wmain(int argc, WCHAR **argv);
int wmain(int argc, WCHAR **argv)
{
	static WCHAR path[32768];
	HKEY key = HKEY_CLASSES_ROOT;
	/* Tens of thousands of lines: one write per line would be most of the time under Wine. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	wcscpy(path, L"HKCR");
	if (argc > 2) {
		fprintf(stderr, "usage: regdump [KEY]   (a key under HKEY_CLASSES_ROOT; default: all of it)\n");
		return 2;
	}
	if (argc == 2) {
		if (wcslen(argv[1]) > 1000) {
			fprintf(stderr, "regdump: the key name is too long\n");
			return 2;
		}
		LSTATUS status = RegOpenKeyExW(HKEY_CLASSES_ROOT, argv[1], 0, KEY_READ, &key);
		if (status != ERROR_SUCCESS) {
			fprintf(stderr, "regdump: HKCR\\%ls cannot be opened: error %ld\n", argv[1], (long)status);
			return 1;
		}
		wcscat(path, L"\\");
		wcscat(path, argv[1]);
	}
	int failed = dump(key, path, wcslen(path), sizeof(path) / sizeof(path[0]));
	if (key != HKEY_CLASSES_ROOT)
		RegCloseKey(key);
	return failed;
}
