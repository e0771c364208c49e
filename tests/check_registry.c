/*
 * The emulated registry: Reg*W with Windows' results, and the xb_registry_*
 * helpers. Where Windows' answer is not documented, the expected values are
 * those Wine's conformance tests (dlls/advapi32/tests/registry.c) record
 * for Windows.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

#ifndef ERROR_NOACCESS
# define ERROR_NOACCESS 998
#endif

#define BYTES(s) ((const BYTE *)(s))
#define WSIZE(s) ((DWORD)sizeof(s)) /* of a u"" literal, NUL included */

static void clear(void)
{
	xb_registry_clear();
}

/* Creates root\path and returns an open handle; the caller's line is the one reported. */
#define create(root, path) create_at(__LINE__, root, path)
static HKEY create_at(int line, HKEY root, const OLECHAR *path)
{
	HKEY h = NULL;
	LSTATUS st = RegCreateKeyExW(root, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &h, NULL);
	ck_assert_msg(st == ERROR_SUCCESS, "line %d: RegCreateKeyExW gave %ld", line, (long)st);
	return h;
}

/* The result of opening root\path (closing the handle again). */
static LSTATUS open_status(HKEY root, const OLECHAR *path)
{
	HKEY h = NULL;
	LSTATUS st = RegOpenKeyExW(root, path, 0, KEY_READ, &h);
	if (st == ERROR_SUCCESS)
		RegCloseKey(h);
	return st;
}

/* Checks the name and type of value `index`, and its data against (data, size). */
#define check_enum_value(h, index, name, type, data, size) \
	check_enum_value_at(__LINE__, h, index, name, type, (const void *)(data), size)
static void check_enum_value_at(int line, HKEY h, DWORD index, const OLECHAR *name, DWORD type, const void *data,
				DWORD size)
{
	OLECHAR got_name[64];
	BYTE got[64];
	DWORD cch = 64, got_type = 1234, cb = sizeof(got);
	LSTATUS st = RegEnumValueW(h, index, got_name, &cch, NULL, &got_type, got, &cb);
	ck_assert_msg(st == ERROR_SUCCESS, "line %d: RegEnumValueW(%u) gave %ld", line, (unsigned)index, (long)st);
	ck_assert_msg(cch == xb_utf16_len(name) && !memcmp(got_name, name, (cch + 1) * sizeof(OLECHAR)),
		      "line %d: value %u has the wrong name", line, (unsigned)index);
	ck_assert_msg(got_type == type, "line %d: value %u type %u, expected %u", line, (unsigned)index,
		      (unsigned)got_type, (unsigned)type);
	ck_assert_msg(cb == size && !memcmp(got, data, size), "line %d: value %u data differs (%u bytes, expected %u)",
		      line, (unsigned)index, (unsigned)cb, (unsigned)size);
}

START_TEST(create_key)
{
	HKEY h = (HKEY)&h;
	DWORD disposition = 0;
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"SOFTWARE\\Vendor\\App", 0, NULL, 0, KEY_WRITE, NULL,
					 &h, &disposition), ERROR_SUCCESS);
	ck_assert_int_eq(disposition, REG_CREATED_NEW_KEY);
	RegCloseKey(h);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"software\\VENDOR\\app", 0, NULL, 0, KEY_WRITE, NULL,
					 &h, &disposition), ERROR_SUCCESS);
	ck_assert_int_eq(disposition, REG_OPENED_EXISTING_KEY);
	RegCloseKey(h);
	/* intermediate keys exist */
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"SOFTWARE\\Vendor"), ERROR_SUCCESS);
	/* "" opens the key itself, as a new handle */
	HKEY app = create(HKEY_LOCAL_MACHINE, u"SOFTWARE\\Vendor\\App");
	ck_assert_int_eq(RegCreateKeyExW(app, u"", 0, NULL, 0, KEY_WRITE, NULL, &h, &disposition), ERROR_SUCCESS);
	ck_assert_int_eq(disposition, REG_OPENED_EXISTING_KEY);
	ck_assert_ptr_ne(h, app);
	RegCloseKey(h);
	/* relative to an open key; the two roots are separate trees */
	RegCloseKey(create(app, u"Sub"));
	RegCloseKey(app);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"SOFTWARE\\Vendor\\App\\Sub"), ERROR_SUCCESS);
	ck_assert_int_eq(open_status(HKEY_CLASSES_ROOT, u"SOFTWARE"), ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(create_key_paths)
{
	HKEY h = (HKEY)&h;
	DWORD disposition = 0;
	/* a leading backslash is refused, and *phkResult cleared */
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"\\lead", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_BAD_PATHNAME);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"lead"), ERROR_FILE_NOT_FOUND);
	/* trailing and doubled backslashes separate like one (Windows: "Subkey4\\\\" succeeds) */
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"Trail\\\\", 0, NULL, 0, KEY_WRITE, NULL, &h,
					 &disposition), ERROR_SUCCESS);
	ck_assert_int_eq(disposition, REG_CREATED_NEW_KEY);
	RegCloseKey(h);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"a\\\\b", 0, NULL, 0, KEY_WRITE, NULL, &h, &disposition),
			 ERROR_SUCCESS);
	RegCloseKey(h);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"a\\b"), ERROR_SUCCESS);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"A\\B", 0, NULL, 0, KEY_WRITE, NULL, &h, &disposition),
			 ERROR_SUCCESS);
	ck_assert_int_eq(disposition, REG_OPENED_EXISTING_KEY);
	RegCloseKey(h);
	/* 255 characters is the longest name */
	OLECHAR name[300];
	for (int i = 0; i < 299; i++)
		name[i] = u'x';
	name[255] = 0;
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, name, 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_SUCCESS);
	RegCloseKey(h);
	name[255] = u'x';
	name[256] = 0;
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, name, 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(create_key_bad_arguments)
{
	HKEY h;
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"x", 0, NULL, 0, KEY_WRITE, NULL, NULL, NULL),
			 ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, NULL, 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"x", 1, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_CURRENT_USER, u"x", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_INVALID_HANDLE);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_USERS, u"x", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_INVALID_HANDLE);
	ck_assert_int_eq(RegCreateKeyExW(NULL, u"x", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL), ERROR_INVALID_HANDLE);
	/* something that is not a handle is detected without being trusted */
	DWORD garbage[8] = {0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef};
	ck_assert_int_eq(RegCreateKeyExW((HKEY)garbage, u"x", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_INVALID_HANDLE);
	/* nothing was created by the failures */
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"x"), ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(open_key)
{
	HKEY h, again;
	RegCloseKey(create(HKEY_CLASSES_ROOT, u"CLSID\\{Abc}"));
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"clsid\\{ABC}", 0, KEY_READ, &h), ERROR_SUCCESS);
	/* NULL or "" on an open key: a new handle to the same key */
	ck_assert_int_eq(RegOpenKeyExW(h, NULL, 0, KEY_READ, &again), ERROR_SUCCESS);
	ck_assert_ptr_ne(again, h);
	RegCloseKey(again);
	ck_assert_int_eq(RegOpenKeyExW(h, u"", 0, KEY_READ, &again), ERROR_SUCCESS);
	ck_assert_ptr_ne(again, h);
	RegCloseKey(again);
	RegCloseKey(h);
	/* NULL or "" on a root: the root itself, as Windows */
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, NULL, 0, KEY_READ, &h), ERROR_SUCCESS);
	ck_assert_ptr_eq(h, HKEY_CLASSES_ROOT);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"", 0, KEY_READ, &h), ERROR_SUCCESS);
	ck_assert_ptr_eq(h, HKEY_LOCAL_MACHINE);
	/* the case used to open does not change the stored name */
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"CLSID", 0, KEY_READ, &h), ERROR_SUCCESS);
	OLECHAR name[16];
	DWORD cch = 16;
	ck_assert_int_eq(RegEnumKeyExW(h, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_SUCCESS);
	ck_assert_int_eq(memcmp(name, u"{Abc}", sizeof(u"{Abc}")), 0);
	RegCloseKey(h);
}
END_TEST

START_TEST(open_key_failures)
{
	HKEY h = (HKEY)&h;
	RegCloseKey(create(HKEY_CLASSES_ROOT, u"CLSID\\{X}"));
	/* a missing key clears *phkResult and creates nothing */
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"CLSID\\{Y}", 0, KEY_READ, &h), ERROR_FILE_NOT_FOUND);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"CLSID\\{Y}", 0, KEY_READ, &h), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"CLSID", 0, KEY_READ, &h), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"\\CLSID", 0, KEY_READ, &h), ERROR_BAD_PATHNAME);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"CLSID", 0, KEY_READ, NULL), ERROR_INVALID_PARAMETER);
	/* a bad hKey leaves *phkResult alone */
	h = (HKEY)&h;
	ck_assert_int_eq(RegOpenKeyExW(NULL, u"CLSID", 0, KEY_READ, &h), ERROR_INVALID_HANDLE);
	ck_assert_ptr_eq(h, (HKEY)&h);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CURRENT_USER, u"", 0, KEY_READ, &h), ERROR_INVALID_HANDLE);
	ck_assert_ptr_eq(h, (HKEY)&h);
}
END_TEST

START_TEST(close_key)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"K");
	ck_assert_int_eq(RegCloseKey(h), ERROR_SUCCESS);
	/* a second close is detected, not a use of freed memory */
	ck_assert_int_eq(RegCloseKey(h), ERROR_INVALID_HANDLE);
	ck_assert_int_eq(RegCloseKey(HKEY_LOCAL_MACHINE), ERROR_SUCCESS);
	ck_assert_int_eq(RegCloseKey(HKEY_CLASSES_ROOT), ERROR_SUCCESS);
	ck_assert_int_eq(RegCloseKey(NULL), ERROR_INVALID_HANDLE);
	ck_assert_int_eq(RegCloseKey(HKEY_USERS), ERROR_INVALID_HANDLE);
	ck_assert_int_eq(RegCloseKey(HKEY_CURRENT_USER), ERROR_INVALID_HANDLE);
	DWORD garbage[8] = {0x78624B59u, 0}; /* even with the magic in place */
	ck_assert_int_eq(RegCloseKey((HKEY)garbage), ERROR_INVALID_HANDLE);
	/* a handle to a deleted key still closes */
	h = create(HKEY_LOCAL_MACHINE, u"K");
	ck_assert_int_eq(RegDeleteKeyW(HKEY_LOCAL_MACHINE, u"K"), ERROR_SUCCESS);
	ck_assert_int_eq(RegCloseKey(h), ERROR_SUCCESS);
	/* a closed handle is refused by every function */
	h = create(HKEY_LOCAL_MACHINE, u"K");
	RegCloseKey(h);
	DWORD size;
	ck_assert_int_eq(RegQueryValueExW(h, NULL, NULL, NULL, NULL, &size), ERROR_INVALID_HANDLE);
	ck_assert_int_eq(RegSetValueExW(h, NULL, 0, REG_SZ, BYTES(u"x"), WSIZE(u"x")), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(set_value)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"V");
	DWORD d = 42;
	ck_assert_int_eq(RegSetValueExW(h, u"Str", 0, REG_SZ, BYTES(u"text"), WSIZE(u"text")), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"Num", 0, REG_DWORD, BYTES(&d), 4), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, NULL, 0, REG_SZ, BYTES(u"def"), WSIZE(u"def")), ERROR_SUCCESS);
	/* "" is the default value too */
	ck_assert_int_eq(RegSetValueExW(h, u"", 0, REG_SZ, BYTES(u"dflt"), WSIZE(u"dflt")), ERROR_SUCCESS);
	/* overwriting keeps the position and the first name's case, and changes the type */
	ck_assert_int_eq(RegSetValueExW(h, u"STR", 0, REG_DWORD, BYTES(&d), 4), ERROR_SUCCESS);
	check_enum_value(h, 0, u"Str", REG_DWORD, &d, 4);
	check_enum_value(h, 1, u"Num", REG_DWORD, &d, 4);
	check_enum_value(h, 2, u"", REG_SZ, u"dflt", WSIZE(u"dflt"));
	DWORD n = 0, cch = 0;
	OLECHAR name[8];
	while (cch = 8, RegEnumValueW(h, n, name, &cch, NULL, NULL, NULL, NULL) == ERROR_SUCCESS)
		n++;
	ck_assert_int_eq(n, 3);
	RegCloseKey(h);
}
END_TEST

START_TEST(set_value_types)
{
	static const BYTE bin[] = {0x01, 0x00, 0xff};
	static const OLECHAR multi[] = u"one\0two\0"; /* two strings, then the empty one */
	const ULONGLONG q = 0x0102030405060708ull;
	const DWORD d = 0xfffffffeu, big = 0x11223344u;
	HKEY h = create(HKEY_LOCAL_MACHINE, u"Types");
	ck_assert_int_eq(RegSetValueExW(h, u"sz", 0, REG_SZ, BYTES(u"caf\u00e9"), WSIZE(u"caf\u00e9")), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"exp", 0, REG_EXPAND_SZ, BYTES(u"%P%\\x"), WSIZE(u"%P%\\x")),
			 ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"multi", 0, REG_MULTI_SZ, BYTES(multi), sizeof(multi)), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"dword", 0, REG_DWORD, BYTES(&d), 4), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"qword", 0, REG_QWORD, BYTES(&q), 8), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"bin", 0, REG_BINARY, bin, sizeof(bin)), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"none", 0, REG_NONE, NULL, 0), ERROR_SUCCESS);
	/* stored as given: no NUL, a short DWORD, a type Windows does not know */
	ck_assert_int_eq(RegSetValueExW(h, u"raw", 0, REG_SZ, BYTES(u"ab"), 4), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"short", 0, REG_DWORD, BYTES(&big), 2), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"odd", 0, 0x1234, bin, 1), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"empty", 0, REG_SZ, BYTES(u""), 0), ERROR_SUCCESS);
	DWORD i = 0;
	check_enum_value(h, i++, u"sz", REG_SZ, u"caf\u00e9", WSIZE(u"caf\u00e9"));
	check_enum_value(h, i++, u"exp", REG_EXPAND_SZ, u"%P%\\x", WSIZE(u"%P%\\x"));
	check_enum_value(h, i++, u"multi", REG_MULTI_SZ, multi, 18);
	check_enum_value(h, i++, u"dword", REG_DWORD, "\xfe\xff\xff\xff", 4);
	check_enum_value(h, i++, u"qword", REG_QWORD, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
	check_enum_value(h, i++, u"bin", REG_BINARY, bin, 3);
	check_enum_value(h, i++, u"none", REG_NONE, "", 0);
	check_enum_value(h, i++, u"raw", REG_SZ, u"ab", 4);
	check_enum_value(h, i++, u"short", REG_DWORD, "\x44\x33", 2);
	check_enum_value(h, i++, u"odd", 0x1234, bin, 1);
	check_enum_value(h, i++, u"empty", REG_SZ, "", 0);
	RegCloseKey(h);
}
END_TEST

START_TEST(set_value_failures)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"V");
	/* NULL data with a size: ERROR_NOACCESS, as Windows; without a size it is an empty value */
	ck_assert_int_eq(RegSetValueExW(h, u"Bad", 0, REG_BINARY, NULL, 4), ERROR_NOACCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"Bad", 0, REG_DWORD, NULL, 4), ERROR_NOACCESS);
	DWORD size = 99;
	ck_assert_int_eq(RegQueryValueExW(h, u"Bad", NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegSetValueExW(h, u"Empty", 0, REG_SZ, NULL, 0), ERROR_SUCCESS);
	size = 99;
	ck_assert_int_eq(RegQueryValueExW(h, u"Empty", NULL, NULL, NULL, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 0);
	ck_assert_int_eq(RegSetValueExW(HKEY_CURRENT_USER, u"x", 0, REG_SZ, BYTES(u"1"), 4), ERROR_INVALID_HANDLE);
	/* values can live on a root */
	ck_assert_int_eq(RegSetValueExW(HKEY_CLASSES_ROOT, u"onroot", 0, REG_SZ, BYTES(u"1"), 4), ERROR_SUCCESS);
	ck_assert_int_eq(RegQueryValueExW(HKEY_CLASSES_ROOT, u"OnRoot", NULL, NULL, NULL, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 4);
	/* a deleted key takes no values */
	ck_assert_int_eq(RegDeleteKeyW(h, u""), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"x", 0, REG_SZ, BYTES(u"1"), 4), ERROR_KEY_DELETED);
	RegCloseKey(h);
}
END_TEST

START_TEST(query_value)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"Q");
	RegSetValueExW(h, u"S", 0, REG_SZ, BYTES(u"hello"), WSIZE(u"hello"));
	DWORD type = 0, size = 0;
	ck_assert_int_eq(RegQueryValueExW(h, u"S", NULL, &type, NULL, &size), ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_SZ);
	ck_assert_int_eq(size, 12);
	/* too small: the size needed, the buffer untouched */
	OLECHAR buf[8] = {u'#', u'#'};
	size = 4;
	type = 0;
	ck_assert_int_eq(RegQueryValueExW(h, u"S", NULL, &type, (LPBYTE)buf, &size), ERROR_MORE_DATA);
	ck_assert_int_eq(size, 12);
	ck_assert_int_eq(type, REG_SZ);
	ck_assert_int_eq(buf[0], u'#');
	size = 12; /* exactly enough */
	ck_assert_int_eq(RegQueryValueExW(h, u"s", NULL, NULL, (LPBYTE)buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 12);
	ck_assert_int_eq(memcmp(buf, u"hello", 12), 0);
	/* type and size are both optional */
	ck_assert_int_eq(RegQueryValueExW(h, u"S", NULL, NULL, NULL, NULL), ERROR_SUCCESS);
	/* RegQueryValueExW does not add a missing terminator */
	RegSetValueExW(h, u"Raw", 0, REG_SZ, BYTES(u"ab"), 4);
	size = sizeof(buf);
	ck_assert_int_eq(RegQueryValueExW(h, u"Raw", NULL, NULL, (LPBYTE)buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 4);
	RegCloseKey(h);
}
END_TEST

START_TEST(query_value_failures)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"Q");
	RegSetValueExW(h, u"S", 0, REG_SZ, BYTES(u"hello"), WSIZE(u"hello"));
	OLECHAR buf[8];
	/* missing: a size-only query gets 0, a buffer's size is left as it was (as Windows) */
	DWORD size = 0xdeadbeef;
	ck_assert_int_eq(RegQueryValueExW(h, u"missing", NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(size, 0);
	size = sizeof(buf);
	ck_assert_int_eq(RegQueryValueExW(h, u"missing", NULL, NULL, (LPBYTE)buf, &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(size, sizeof(buf));
	/* no default value was set */
	ck_assert_int_eq(RegQueryValueExW(h, NULL, NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegQueryValueExW(h, u"", NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegQueryValueExW(h, u"S", NULL, NULL, (LPBYTE)buf, NULL), ERROR_INVALID_PARAMETER);
	DWORD reserved = 0;
	ck_assert_int_eq(RegQueryValueExW(h, u"S", &reserved, NULL, NULL, &size), ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegQueryValueExW(HKEY_USERS, u"S", NULL, NULL, NULL, &size), ERROR_INVALID_HANDLE);
	ck_assert_int_eq(RegDeleteTreeW(HKEY_LOCAL_MACHINE, u"Q"), ERROR_SUCCESS);
	ck_assert_int_eq(RegQueryValueExW(h, u"S", NULL, NULL, NULL, &size), ERROR_KEY_DELETED);
	RegCloseKey(h);
}
END_TEST

START_TEST(get_value)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"G\\Sub");
	DWORD d = 7, type = 0, size;
	const ULONGLONG q = 0x1122334455667788ull;
	OLECHAR buf[64];
	RegSetValueExW(h, u"Raw", 0, REG_SZ, BYTES(u"ab"), 4); /* stored without NUL */
	RegSetValueExW(h, u"Num", 0, REG_DWORD, BYTES(&d), 4);
	RegSetValueExW(h, u"Q", 0, REG_QWORD, BYTES(&q), 8);
	RegSetValueExW(h, u"Multi", 0, REG_MULTI_SZ, BYTES(u"a\0bc\0"), WSIZE(u"a\0bc\0"));
	RegSetValueExW(h, u"MultiShort", 0, REG_MULTI_SZ, BYTES(u"a\0bc"), 8); /* no terminators */
	RegSetValueExW(h, u"Zero", 0, REG_SZ, BYTES(u""), 0);
	RegCloseKey(h);

	/* lpSubKey is optional: NULL reads from hkey itself */
	h = create(HKEY_LOCAL_MACHINE, u"G");
	RegSetValueExW(h, NULL, 0, REG_SZ, BYTES(u"top"), WSIZE(u"top"));
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(h, NULL, NULL, RRF_RT_REG_SZ, &type, buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, WSIZE(u"top"));
	ck_assert_int_eq(memcmp(buf, u"top", size), 0);
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(h, u"sub", u"raw", RRF_RT_REG_SZ, &type, buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 6);
	RegCloseKey(h);

	/* RegGetValueW terminates what RegQueryValueExW would not */
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", RRF_RT_REG_SZ, &type, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(size, 6);
	ck_assert_int_eq(memcmp(buf, u"ab", 6), 0);
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"MultiShort", RRF_RT_REG_MULTI_SZ, &type, buf,
				      &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, WSIZE(u"a\0bc\0"));
	ck_assert_int_eq(memcmp(buf, u"a\0bc\0", size), 0);
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Multi", RRF_RT_REG_MULTI_SZ, &type, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_MULTI_SZ);
	ck_assert_int_eq(size, 12);
	ck_assert_int_eq(memcmp(buf, u"a\0bc\0", 12), 0);
	/* a zero-byte string stays zero bytes (Windows), the buffer untouched */
	buf[0] = u'#';
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Zero", RRF_RT_REG_SZ, &type, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(size, 0);
	ck_assert_int_eq(buf[0], u'#');
	/* numbers */
	d = 0;
	size = sizeof(d);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Num", RRF_RT_REG_DWORD, &type, &d, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(d, 7);
	ck_assert_int_eq(type, REG_DWORD);
	ULONGLONG got = 0;
	size = sizeof(got);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Q", RRF_RT_QWORD, &type, &got, &size),
			 ERROR_SUCCESS);
	ck_assert_uint_eq(got, q);
	ck_assert_int_eq(type, REG_QWORD);
	/* existence check: no type, no buffer, no size */
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Num", RRF_RT_ANY, NULL, NULL, NULL),
			 ERROR_SUCCESS);
}
END_TEST

START_TEST(get_value_types)
{
	static const BYTE bin4[] = {1, 2, 3, 4}, bin8[] = {1, 2, 3, 4, 5, 6, 7, 8};
	const DWORD d = 0x12345678u;
	HKEY h = create(HKEY_LOCAL_MACHINE, u"T");
	RegSetValueExW(h, u"Num", 0, REG_DWORD, BYTES(&d), 4);
	RegSetValueExW(h, u"Short", 0, REG_DWORD, BYTES(&d), 2);
	RegSetValueExW(h, u"Bin4", 0, REG_BINARY, bin4, 4);
	RegSetValueExW(h, u"Bin8", 0, REG_BINARY, bin8, 8);
	DWORD got, type, size;
	BYTE buf8[8];
	/* a type outside the filter is refused, but type, size and data are still returned (Windows) */
	got = 0;
	type = 0;
	size = sizeof(got);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Num", RRF_RT_REG_BINARY, &type, &got, &size), ERROR_UNSUPPORTED_TYPE);
	ck_assert_int_eq(type, REG_DWORD);
	ck_assert_int_eq(size, 4);
	ck_assert_uint_eq(got, d);
	/* ... unless RRF_ZEROONFAILURE, which zeroes the buffer */
	size = sizeof(got);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Num", RRF_RT_REG_SZ | RRF_ZEROONFAILURE, &type, &got, &size),
			 ERROR_UNSUPPORTED_TYPE);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(size, 4);
	/* RRF_RT_DWORD takes a 4-byte REG_BINARY, not an 8-byte one */
	size = sizeof(got);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Bin4", RRF_RT_DWORD, &type, &got, &size), ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_BINARY);
	ck_assert_int_eq(memcmp(&got, bin4, 4), 0);
	size = sizeof(buf8);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Bin8", RRF_RT_DWORD, &type, buf8, &size), ERROR_DATATYPE_MISMATCH);
	ck_assert_int_eq(size, 8);
	size = sizeof(buf8);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Bin8", RRF_RT_QWORD, &type, buf8, &size), ERROR_SUCCESS);
	size = sizeof(buf8);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Bin4", RRF_RT_QWORD, &type, buf8, &size), ERROR_DATATYPE_MISMATCH);
	/* a REG_DWORD stored with 2 bytes: refused as a DWORD, given as it is to RRF_RT_ANY */
	size = sizeof(got);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Short", RRF_RT_DWORD, NULL, &got, &size), ERROR_DATATYPE_MISMATCH);
	size = sizeof(got);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Short", RRF_RT_ANY, &type, &got, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 2);
	ck_assert_int_eq(type, REG_DWORD);
	RegCloseKey(h);
}
END_TEST

START_TEST(get_value_expand)
{
	static const OLECHAR stored[] = u"%XB_TEST_DIR%\\x %XB_UNSET_VAR% 100%";
	static const OLECHAR expanded[] = u"/srv/pki\\x %XB_UNSET_VAR% 100%";
	setenv("XB_TEST_DIR", "/srv/pki", 1);
	unsetenv("XB_UNSET_VAR");
	HKEY h = create(HKEY_LOCAL_MACHINE, u"X");
	RegSetValueExW(h, u"Exp", 0, REG_EXPAND_SZ, BYTES(stored), sizeof(stored));
	RegSetValueExW(h, u"Sz", 0, REG_SZ, BYTES(stored), sizeof(stored));
	OLECHAR buf[64];
	DWORD type = 0, size = sizeof(buf);
	/* expanded and reported as REG_SZ, unknown variables left as they are */
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Exp", RRF_RT_REG_SZ, &type, buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_SZ);
	ck_assert_int_eq(size, sizeof(expanded));
	ck_assert_int_eq(memcmp(buf, expanded, sizeof(expanded)), 0);
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Exp", RRF_RT_ANY, &type, buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_SZ);
	ck_assert_int_eq(size, sizeof(expanded));
	/* the size query gives the expanded size; too small is ERROR_MORE_DATA with it */
	size = 0;
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Exp", RRF_RT_REG_SZ, NULL, NULL, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, sizeof(expanded));
	size = 4;
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Exp", RRF_RT_REG_SZ, NULL, buf, &size), ERROR_MORE_DATA);
	ck_assert_int_eq(size, sizeof(expanded));
	/* RRF_NOEXPAND: as stored, as REG_EXPAND_SZ */
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Exp", RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, &type, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_EXPAND_SZ);
	ck_assert_int_eq(size, sizeof(stored));
	ck_assert_int_eq(memcmp(buf, stored, sizeof(stored)), 0);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Exp", RRF_RT_REG_SZ | RRF_NOEXPAND, NULL, NULL, NULL),
			 ERROR_UNSUPPORTED_TYPE);
	/* REG_EXPAND_SZ asked for while expanding */
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Exp", RRF_RT_REG_EXPAND_SZ, &type, buf, &size),
			 ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Exp", RRF_RT_REG_EXPAND_SZ | RRF_RT_REG_SZ, &type, buf, &size),
			 ERROR_INVALID_PARAMETER);
	/* a REG_SZ is never expanded */
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Sz", RRF_RT_REG_SZ, &type, buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(memcmp(buf, stored, sizeof(stored)), 0);
	RegCloseKey(h);
}
END_TEST

START_TEST(get_value_failures)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"G\\Sub");
	RegSetValueExW(h, u"Raw", 0, REG_SZ, BYTES(u"ab"), 4);
	OLECHAR buf[8];
	DWORD size;
	/* too small: the size needed; RRF_ZEROONFAILURE zeroes the whole buffer */
	size = 2;
	buf[0] = 0x55;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", RRF_RT_ANY | RRF_ZEROONFAILURE, NULL, buf,
				      &size), ERROR_MORE_DATA);
	ck_assert_int_eq(size, 6);
	ck_assert_int_eq(buf[0], 0);
	size = 2;
	buf[0] = 0x55;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", RRF_RT_ANY, NULL, buf, &size),
			 ERROR_MORE_DATA);
	ck_assert_int_eq(buf[0], 0x55);
	/* missing key or value */
	size = sizeof(buf);
	buf[0] = 0x55;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Nope", u"Raw", RRF_RT_ANY | RRF_ZEROONFAILURE, NULL, buf,
				      &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Nope", RRF_RT_ANY, NULL, NULL, &size),
			 ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"\\G", u"Raw", RRF_RT_ANY, NULL, NULL, &size),
			 ERROR_BAD_PATHNAME);
	/* bad arguments */
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", 0, NULL, NULL, &size),
			 ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", RRF_RT_ANY, NULL, buf, NULL),
			 ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegGetValueW(HKEY_CURRENT_USER, NULL, u"Raw", RRF_RT_ANY, NULL, NULL, &size),
			 ERROR_INVALID_HANDLE);
	RegDeleteTreeW(HKEY_LOCAL_MACHINE, u"G");
	ck_assert_int_eq(RegGetValueW(h, NULL, u"Raw", RRF_RT_ANY, NULL, NULL, &size), ERROR_KEY_DELETED);
	RegCloseKey(h);
}
END_TEST

START_TEST(enum_key)
{
	HKEY h = create(HKEY_CLASSES_ROOT, u"E");
	RegCloseKey(create(h, u"b"));
	RegCloseKey(create(h, u"A"));
	RegCloseKey(create(h, u"c"));
	static const OLECHAR *const expected[] = {u"A", u"b", u"c"};
	for (DWORD i = 0; i < 3; i++) {
		OLECHAR name[8];
		DWORD cch = 8;
		FILETIME ft = {0, 0};
		ck_assert_int_eq(RegEnumKeyExW(h, i, name, &cch, NULL, NULL, NULL, &ft), ERROR_SUCCESS);
		ck_assert_int_eq(cch, 1);
		ck_assert_msg(name[0] == expected[i][0] && name[1] == 0, "key %u out of order", (unsigned)i);
		/* after 2020-01-01 in FILETIME (100 ns since 1601) */
		ck_assert_uint_gt(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime, 132223104000000000ull);
	}
	OLECHAR name[8];
	DWORD cch = 8;
	ck_assert_int_eq(RegEnumKeyExW(h, 3, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS);
	/* a key with no class reports an empty one */
	OLECHAR cls[4] = {u'#'};
	DWORD cch_cls = 4;
	cch = 8;
	ck_assert_int_eq(RegEnumKeyExW(h, 0, name, &cch, NULL, cls, &cch_cls, NULL), ERROR_SUCCESS);
	ck_assert_int_eq(cch_cls, 0);
	ck_assert_int_eq(cls[0], 0);
	RegCloseKey(h);
}
END_TEST

START_TEST(enum_key_order)
{
	/*
	 * Case-insensitive order, original case kept. Windows compares
	 * upper-cased names, so "_" (0x5F) sorts after every letter.
	 */
	static const OLECHAR *const created[] = {u"zeta", u"Alpha", u"beta", u"ALPHA2", u"_under", u"Beta2", u"10"};
	static const OLECHAR *const sorted[] = {u"10", u"Alpha", u"ALPHA2", u"beta", u"Beta2", u"zeta", u"_under"};
	HKEY h = create(HKEY_LOCAL_MACHINE, u"Order");
	for (size_t i = 0; i < sizeof(created) / sizeof(created[0]); i++)
		RegCloseKey(create(h, created[i]));
	RegCloseKey(create(h, u"BETA")); /* exists already: no new key, case unchanged */
	DWORD i = 0;
	OLECHAR name[16];
	DWORD cch = 16;
	for (; RegEnumKeyExW(h, i, name, &cch, NULL, NULL, NULL, NULL) == ERROR_SUCCESS; i++, cch = 16) {
		ck_assert_msg(i < 7, "more keys than created");
		ck_assert_msg(!memcmp(name, sorted[i], (xb_utf16_len(sorted[i]) + 1) * sizeof(OLECHAR)),
			      "key %u out of order", (unsigned)i);
	}
	ck_assert_int_eq(i, 7);
	RegCloseKey(h);
}
END_TEST

START_TEST(enum_key_failures)
{
	HKEY h = create(HKEY_CLASSES_ROOT, u"E");
	RegCloseKey(create(h, u"longer"));
	OLECHAR name[8] = {u'#'};
	FILETIME ft = {0, 0};
	/* lpcchName counts the NUL going in and excludes it coming out; too small leaves it alone */
	DWORD cch = 6;
	ck_assert_int_eq(RegEnumKeyExW(h, 0, name, &cch, NULL, NULL, NULL, &ft), ERROR_MORE_DATA);
	ck_assert_int_eq(cch, 6);
	ck_assert_int_eq(name[0], u'#');
	ck_assert_uint_ne(ft.dwHighDateTime, 0); /* still reported */
	cch = 7;
	ck_assert_int_eq(RegEnumKeyExW(h, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_SUCCESS);
	ck_assert_int_eq(cch, 6);
	ck_assert_int_eq(memcmp(name, u"longer", sizeof(u"longer")), 0);
	ck_assert_int_eq(RegEnumKeyExW(h, 0, NULL, &cch, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegEnumKeyExW(h, 0, name, NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegEnumKeyExW(HKEY_USERS, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
	/* the roots enumerate too */
	cch = 8;
	ck_assert_int_eq(RegEnumKeyExW(HKEY_CLASSES_ROOT, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_SUCCESS);
	ck_assert_int_eq(memcmp(name, u"E", sizeof(u"E")), 0);
	cch = 8;
	ck_assert_int_eq(RegEnumKeyExW(HKEY_LOCAL_MACHINE, 0, name, &cch, NULL, NULL, NULL, NULL),
			 ERROR_NO_MORE_ITEMS);
	RegDeleteTreeW(HKEY_CLASSES_ROOT, u"E");
	ck_assert_int_eq(RegEnumKeyExW(h, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_KEY_DELETED);
	RegCloseKey(h);
}
END_TEST

START_TEST(enum_value)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"EV");
	DWORD d = 1;
	RegSetValueExW(h, u"zeta", 0, REG_DWORD, BYTES(&d), 4);
	RegSetValueExW(h, u"alpha", 0, REG_SZ, BYTES(u"v"), WSIZE(u"v"));
	RegSetValueExW(h, NULL, 0, REG_SZ, BYTES(u"d"), WSIZE(u"d"));
	RegSetValueExW(h, u"Mid", 0, REG_BINARY, BYTES("\x01"), 1);
	/* insertion order, not name order; deleting closes the gap */
	check_enum_value(h, 0, u"zeta", REG_DWORD, &d, 4);
	check_enum_value(h, 1, u"alpha", REG_SZ, u"v", WSIZE(u"v"));
	check_enum_value(h, 2, u"", REG_SZ, u"d", WSIZE(u"d"));
	check_enum_value(h, 3, u"Mid", REG_BINARY, "\x01", 1);
	RegDeleteValueW(h, u"ALPHA");
	check_enum_value(h, 1, u"", REG_SZ, u"d", WSIZE(u"d"));
	/* a value set again after deletion goes to the end */
	RegSetValueExW(h, u"alpha", 0, REG_SZ, BYTES(u"w"), WSIZE(u"w"));
	check_enum_value(h, 3, u"alpha", REG_SZ, u"w", WSIZE(u"w"));
	OLECHAR name[16];
	DWORD cch = 16, type = 0, cb = 0;
	/* lpData NULL: the size only */
	ck_assert_int_eq(RegEnumValueW(h, 0, name, &cch, NULL, &type, NULL, &cb), ERROR_SUCCESS);
	ck_assert_int_eq(cb, 4);
	ck_assert_int_eq(cch, 4);
	cch = 16;
	ck_assert_int_eq(RegEnumValueW(h, 4, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS);
	RegCloseKey(h);
}
END_TEST

START_TEST(enum_value_overflow)
{
	/* Windows' answers as Wine's test_enum_value records them */
	HKEY h = create(HKEY_LOCAL_MACHINE, u"EV");
	RegSetValueExW(h, u"Test", 0, REG_SZ, BYTES(u"foobar"), WSIZE(u"foobar"));
	OLECHAR name[8];
	OLECHAR data[8];
	DWORD cch, cb, type;
	/* the name does not fit: name, length and data untouched; type and size reported */
	memcpy(name, u"xxxxxxx", sizeof(name));
	memcpy(data, u"xxxxxxx", sizeof(data));
	cch = 3, cb = 20, type = 1234;
	ck_assert_int_eq(RegEnumValueW(h, 0, name, &cch, NULL, &type, (LPBYTE)data, &cb), ERROR_MORE_DATA);
	ck_assert_int_eq(cch, 3);
	ck_assert_int_eq(cb, WSIZE(u"foobar"));
	ck_assert_int_eq(type, REG_SZ);
	ck_assert_int_eq(memcmp(name, u"xxxxxxx", sizeof(name)), 0);
	ck_assert_int_eq(memcmp(data, u"xxxxxxx", sizeof(data)), 0);
	/* the data does not fit: name and length filled in, data untouched */
	cch = 8, cb = 2, type = 1234;
	ck_assert_int_eq(RegEnumValueW(h, 0, name, &cch, NULL, &type, (LPBYTE)data, &cb), ERROR_MORE_DATA);
	ck_assert_int_eq(cch, 4);
	ck_assert_int_eq(memcmp(name, u"Test", sizeof(u"Test")), 0);
	ck_assert_int_eq(cb, WSIZE(u"foobar"));
	ck_assert_int_eq(type, REG_SZ);
	ck_assert_int_eq(memcmp(data, u"xxxxxxx", sizeof(data)), 0);
	/* both fit */
	cch = 8, cb = sizeof(data), type = 1234;
	ck_assert_int_eq(RegEnumValueW(h, 0, name, &cch, NULL, &type, (LPBYTE)data, &cb), ERROR_SUCCESS);
	ck_assert_int_eq(cch, 4);
	ck_assert_int_eq(cb, WSIZE(u"foobar"));
	ck_assert_int_eq(memcmp(data, u"foobar", sizeof(u"foobar")), 0);
	/* bad arguments */
	ck_assert_int_eq(RegEnumValueW(h, 0, NULL, &cch, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegEnumValueW(h, 0, name, NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegEnumValueW(h, 0, name, &cch, NULL, NULL, (LPBYTE)data, NULL), ERROR_INVALID_PARAMETER);
	RegDeleteKeyW(h, u"");
	cch = 8;
	ck_assert_int_eq(RegEnumValueW(h, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_KEY_DELETED);
	RegCloseKey(h);
}
END_TEST

START_TEST(delete_value)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"DV");
	RegSetValueExW(h, u"x", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1"));
	RegSetValueExW(h, u"y", 0, REG_SZ, BYTES(u"2"), WSIZE(u"2"));
	ck_assert_int_eq(RegDeleteValueW(h, u"X"), ERROR_SUCCESS);
	ck_assert_int_eq(RegDeleteValueW(h, u"x"), ERROR_FILE_NOT_FOUND);
	check_enum_value(h, 0, u"y", REG_SZ, u"2", WSIZE(u"2"));
	/* the default value, by NULL or "" */
	ck_assert_int_eq(RegDeleteValueW(h, NULL), ERROR_FILE_NOT_FOUND);
	RegSetValueExW(h, NULL, 0, REG_SZ, BYTES(u"d"), WSIZE(u"d"));
	ck_assert_int_eq(RegDeleteValueW(h, u""), ERROR_SUCCESS);
	ck_assert_int_eq(RegDeleteValueW(h, NULL), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegDeleteValueW(HKEY_CURRENT_USER, u"y"), ERROR_INVALID_HANDLE);
	RegDeleteKeyW(HKEY_LOCAL_MACHINE, u"DV");
	ck_assert_int_eq(RegDeleteValueW(h, u"y"), ERROR_KEY_DELETED);
	RegCloseKey(h);
}
END_TEST

START_TEST(delete_key)
{
	RegCloseKey(create(HKEY_LOCAL_MACHINE, u"DK\\child"));
	ck_assert_int_eq(RegDeleteKeyW(HKEY_LOCAL_MACHINE, u"DK"), ERROR_ACCESS_DENIED);
	ck_assert_int_eq(RegDeleteKeyW(HKEY_LOCAL_MACHINE, u"dk\\CHILD"), ERROR_SUCCESS);
	ck_assert_int_eq(RegDeleteKeyW(HKEY_LOCAL_MACHINE, u"DK\\child"), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegDeleteKeyW(HKEY_LOCAL_MACHINE, u"DK"), ERROR_SUCCESS);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"DK"), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegDeleteKeyW(HKEY_LOCAL_MACHINE, NULL), ERROR_INVALID_PARAMETER);
	/* "" deletes the handle's own key; the roots cannot be deleted */
	HKEY h = create(HKEY_LOCAL_MACHINE, u"Self");
	RegSetValueExW(h, u"v", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1"));
	ck_assert_int_eq(RegDeleteKeyW(h, u""), ERROR_SUCCESS);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"Self"), ERROR_FILE_NOT_FOUND);
	/* a handle to the deleted key answers ERROR_KEY_DELETED, also to a second delete */
	DWORD size;
	ck_assert_int_eq(RegQueryValueExW(h, u"v", NULL, NULL, NULL, &size), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegDeleteKeyW(h, u""), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegCloseKey(h), ERROR_SUCCESS);
	ck_assert_int_eq(RegDeleteKeyW(HKEY_LOCAL_MACHINE, u""), ERROR_ACCESS_DENIED);
	ck_assert_int_eq(RegDeleteKeyW(HKEY_CURRENT_USER, u"x"), ERROR_INVALID_HANDLE);
	/* a key created again under the same name is a new key, the old handle stays deleted */
	h = create(HKEY_LOCAL_MACHINE, u"Again");
	RegDeleteKeyW(HKEY_LOCAL_MACHINE, u"Again");
	RegCloseKey(create(HKEY_LOCAL_MACHINE, u"Again"));
	ck_assert_int_eq(RegSetValueExW(h, u"v", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1")), ERROR_KEY_DELETED);
	RegCloseKey(h);
}
END_TEST

START_TEST(delete_tree)
{
	HKEY top = create(HKEY_LOCAL_MACHINE, u"T");
	HKEY deep = create(top, u"a\\b\\c");
	HKEY mid = create(top, u"a\\b");
	RegSetValueExW(top, u"v", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1"));
	RegSetValueExW(deep, u"v", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1"));
	ck_assert_int_eq(RegDeleteTreeW(HKEY_LOCAL_MACHINE, u"t\\A"), ERROR_SUCCESS);
	/* handles to every deleted key answer ERROR_KEY_DELETED, and can still be closed */
	DWORD size;
	ck_assert_int_eq(RegQueryValueExW(deep, u"v", NULL, NULL, NULL, &size), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegSetValueExW(deep, u"v", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1")), ERROR_KEY_DELETED);
	HKEY h;
	ck_assert_int_eq(RegCreateKeyExW(mid, u"x", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegOpenKeyExW(mid, NULL, 0, KEY_READ, &h), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegDeleteTreeW(mid, NULL), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegCloseKey(deep), ERROR_SUCCESS);
	ck_assert_int_eq(RegCloseKey(mid), ERROR_SUCCESS);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"T\\a"), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"T"), ERROR_SUCCESS);
	ck_assert_int_eq(RegQueryValueExW(top, u"v", NULL, NULL, NULL, &size), ERROR_SUCCESS);
	/* NULL subkey: everything below the key, values included; the key itself stays */
	RegCloseKey(create(top, u"again\\deeper"));
	ck_assert_int_eq(RegDeleteTreeW(top, NULL), ERROR_SUCCESS);
	OLECHAR name[8];
	DWORD cch = 8;
	ck_assert_int_eq(RegEnumKeyExW(top, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS);
	ck_assert_int_eq(RegQueryValueExW(top, u"v", NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegSetValueExW(top, u"w", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1")), ERROR_SUCCESS);
	RegCloseKey(top);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"T"), ERROR_SUCCESS);
	/* failures */
	ck_assert_int_eq(RegDeleteTreeW(HKEY_LOCAL_MACHINE, u"missing"), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegDeleteTreeW(HKEY_LOCAL_MACHINE, u"T\\missing"), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegDeleteTreeW(HKEY_CURRENT_USER, NULL), ERROR_INVALID_HANDLE);
	/* a root's contents can go, the root stays */
	ck_assert_int_eq(RegDeleteTreeW(HKEY_LOCAL_MACHINE, NULL), ERROR_SUCCESS);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"T"), ERROR_FILE_NOT_FOUND);
	RegCloseKey(create(HKEY_LOCAL_MACHINE, u"T"));
}
END_TEST

START_TEST(helper_set_string)
{
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "A\\B", "Directory", "/var/pki/caf\xc3\xa9"),
			 ERROR_SUCCESS);
	OLECHAR buf[32];
	DWORD size = sizeof(buf), type = 0;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"a\\b", u"DIRECTORY", RRF_RT_ANY, &type, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_SZ);
	ck_assert_int_eq(size, WSIZE(u"/var/pki/caf\u00e9"));
	ck_assert_int_eq(memcmp(buf, u"/var/pki/caf\u00e9", size), 0);
	/* NULL and "" name the default value; NULL path is the root */
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "A\\B", NULL, "default"), ERROR_SUCCESS);
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "A\\B", "", "default2"), ERROR_SUCCESS);
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"A\\B", NULL, RRF_RT_REG_SZ, NULL, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(memcmp(buf, u"default2", sizeof(u"default2")), 0);
	ck_assert_int_eq(xb_registry_set_string(HKEY_CLASSES_ROOT, NULL, "top", ""), ERROR_SUCCESS);
	size = sizeof(buf);
	ck_assert_int_eq(RegQueryValueExW(HKEY_CLASSES_ROOT, u"top", NULL, NULL, NULL, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 2);
	/* failures, with nothing created */
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "C", "bad", "\xff"), ERROR_NO_UNICODE_TRANSLATION);
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "C", "bad", NULL), ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"C"), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "\\C", "x", "1"), ERROR_BAD_PATHNAME);
	ck_assert_int_eq(xb_registry_set_string(HKEY_CURRENT_USER, "C", "x", "1"), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(helper_set_dword)
{
	ck_assert_int_eq(xb_registry_set_dword(HKEY_LOCAL_MACHINE, "A", "N", 0xdeadbeefu), ERROR_SUCCESS);
	DWORD got = 0, size = sizeof(got), type = 0;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"A", u"n", RRF_RT_DWORD, &type, &got, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_DWORD);
	ck_assert_uint_eq(got, 0xdeadbeefu);
	/* replaces a value of another type */
	xb_registry_set_string(HKEY_LOCAL_MACHINE, "A", "S", "text");
	ck_assert_int_eq(xb_registry_set_dword(HKEY_LOCAL_MACHINE, "A", "s", 0), ERROR_SUCCESS);
	size = sizeof(got);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"A", u"S", RRF_RT_REG_DWORD, &type, &got, &size),
			 ERROR_SUCCESS);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(xb_registry_set_dword(HKEY_USERS, "A", "N", 1), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(helper_set_multi_string)
{
	const char *const list[] = {"one", "t\xc3\xa9o", NULL};
	ck_assert_int_eq(xb_registry_set_multi_string(HKEY_LOCAL_MACHINE, "A", "List", list), ERROR_SUCCESS);
	OLECHAR buf[16];
	DWORD size = sizeof(buf), type;
	ck_assert_int_eq(RegQueryValueExW(HKEY_LOCAL_MACHINE, u"List", NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	size = sizeof(buf);
	HKEY h = create(HKEY_LOCAL_MACHINE, u"A");
	ck_assert_int_eq(RegQueryValueExW(h, u"List", NULL, &type, (LPBYTE)buf, &size), ERROR_SUCCESS);
	RegCloseKey(h);
	ck_assert_int_eq(type, REG_MULTI_SZ);
	/* each string with its NUL, then the empty one that ends the list */
	ck_assert_int_eq(size, WSIZE(u"one\0t\u00e9o\0"));
	ck_assert_int_eq(memcmp(buf, u"one\0t\u00e9o\0", size), 0);
	/* an empty list is a single NUL */
	const char *const none[] = {NULL};
	ck_assert_int_eq(xb_registry_set_multi_string(HKEY_LOCAL_MACHINE, "A", "None", none), ERROR_SUCCESS);
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"A", u"None", RRF_RT_REG_MULTI_SZ, NULL, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(size, 2);
	ck_assert_int_eq(buf[0], 0);
	const char *const bad[] = {"ok", "\xc3", NULL};
	ck_assert_int_eq(xb_registry_set_multi_string(HKEY_LOCAL_MACHINE, "A", "Bad", bad),
			 ERROR_NO_UNICODE_TRANSLATION);
	ck_assert_int_eq(xb_registry_set_multi_string(HKEY_LOCAL_MACHINE, "A", "Bad", NULL), ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"A", u"Bad", RRF_RT_ANY, NULL, NULL, NULL),
			 ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(helper_get_string)
{
	xb_registry_set_string(HKEY_LOCAL_MACHINE, "A\\B", "Directory", "/var/pki/caf\xc3\xa9");
	char *value = NULL;
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "a\\b", "DIRECTORY", &value), ERROR_SUCCESS);
	ck_assert_str_eq(value, "/var/pki/caf\xc3\xa9");
	free(value);
	xb_registry_set_string(HKEY_LOCAL_MACHINE, "A\\B", NULL, "default");
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "", &value), ERROR_SUCCESS);
	ck_assert_str_eq(value, "default");
	free(value);
	/* REG_EXPAND_SZ is returned unexpanded; a string stored without NUL reads whole */
	setenv("XB_TEST_DIR", "/srv", 1);
	HKEY h = create(HKEY_LOCAL_MACHINE, u"A\\B");
	RegSetValueExW(h, u"Exp", 0, REG_EXPAND_SZ, BYTES(u"%XB_TEST_DIR%\\x"), WSIZE(u"%XB_TEST_DIR%\\x"));
	RegSetValueExW(h, u"Raw", 0, REG_SZ, BYTES(u"ab"), 4);
	RegSetValueExW(h, u"Zero", 0, REG_SZ, NULL, 0);
	RegCloseKey(h);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "Exp", &value), ERROR_SUCCESS);
	ck_assert_str_eq(value, "%XB_TEST_DIR%\\x");
	free(value);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "Raw", &value), ERROR_SUCCESS);
	ck_assert_str_eq(value, "ab");
	free(value);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "Zero", &value), ERROR_SUCCESS);
	ck_assert_str_eq(value, "");
	free(value);
	/* failures leave *value NULL */
	value = (char *)"sentinel";
	xb_registry_set_dword(HKEY_LOCAL_MACHINE, "A\\B", "N", 5);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "N", &value), ERROR_DATATYPE_MISMATCH);
	ck_assert_ptr_null(value);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "nope", &value), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\C", "x", &value), ERROR_FILE_NOT_FOUND);
	ck_assert_ptr_null(value);
	ck_assert_int_eq(xb_registry_get_string(HKEY_CURRENT_USER, "A", "x", &value), ERROR_INVALID_HANDLE);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "Directory", NULL),
			 ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(helper_export)
{
	const char *const list[] = {"a", NULL};
	xb_registry_set_string(HKEY_CLASSES_ROOT, "My.Exit", NULL, "My \"quoted\" module");
	xb_registry_set_string(HKEY_CLASSES_ROOT, "My.Exit\\CLSID", NULL, "{X}");
	xb_registry_set_string(HKEY_CLASSES_ROOT, "My.Exit\\Beta", "Path", "C:\\dir");
	xb_registry_set_dword(HKEY_CLASSES_ROOT, "My.Exit\\Beta", "Flags", 10);
	xb_registry_set_multi_string(HKEY_CLASSES_ROOT, "My.Exit\\Beta", "List", list);
	xb_registry_set_string(HKEY_CLASSES_ROOT, "Other", NULL, "not exported");
	char *text = xb_registry_export(HKEY_CLASSES_ROOT, "my.exit");
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "Windows Registry Editor Version 5.00\n"
			       "\n"
			       "[HKEY_CLASSES_ROOT\\My.Exit]\n"
			       "@=\"My \\\"quoted\\\" module\"\n"
			       "\n"
			       "[HKEY_CLASSES_ROOT\\My.Exit\\Beta]\n"
			       "\"Path\"=\"C:\\\\dir\"\n"
			       "\"Flags\"=dword:0000000a\n"
			       "\"List\"=hex(7):61,00,00,00,00,00\n"
			       "\n"
			       "[HKEY_CLASSES_ROOT\\My.Exit\\CLSID]\n"
			       "@=\"{X}\"\n"
			       "\n");
	free(text);
	ck_assert_ptr_null(xb_registry_export(HKEY_CLASSES_ROOT, "Nope"));
	ck_assert_ptr_null(xb_registry_export(HKEY_CURRENT_USER, ""));
}
END_TEST

START_TEST(helper_export_types)
{
	static const BYTE bin[] = {0xde, 0xad, 0x00};
	const ULONGLONG q = 0x0102030405060708ull;
	HKEY h = create(HKEY_LOCAL_MACHINE, u"SYSTEM\\CertSvc\\Caf\u00e9");
	RegSetValueExW(h, u"Exp", 0, REG_EXPAND_SZ, BYTES(u"%X%"), WSIZE(u"%X%"));
	RegSetValueExW(h, u"Q", 0, REG_QWORD, BYTES(&q), 8);
	RegSetValueExW(h, u"Bin", 0, REG_BINARY, bin, sizeof(bin));
	RegSetValueExW(h, u"EmptyBin", 0, REG_BINARY, NULL, 0);
	RegSetValueExW(h, u"None", 0, REG_NONE, bin, 1);
	RegSetValueExW(h, u"Raw", 0, REG_SZ, BYTES(u"ab"), 4); /* no NUL: only hex can say it */
	RegSetValueExW(h, u"Short", 0, REG_DWORD, bin, 2);
	RegSetValueExW(h, u"Dword", 0, REG_DWORD, BYTES("\xff\xff\xff\xff"), 4);
	RegSetValueExW(h, u"say \"hi\"", 0, REG_SZ, BYTES(u"\u00e9\\"), WSIZE(u"\u00e9\\"));
	RegCloseKey(create(h, u"z\\y"));
	RegCloseKey(h);
	char *text = xb_registry_export(HKEY_LOCAL_MACHINE, "system\\certsvc");
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "Windows Registry Editor Version 5.00\n"
			       "\n"
			       "[HKEY_LOCAL_MACHINE\\SYSTEM\\CertSvc]\n"
			       "\n"
			       "[HKEY_LOCAL_MACHINE\\SYSTEM\\CertSvc\\Caf\xc3\xa9]\n"
			       "\"Exp\"=hex(2):25,00,58,00,25,00,00,00\n"
			       "\"Q\"=hex(b):08,07,06,05,04,03,02,01\n"
			       "\"Bin\"=hex:de,ad,00\n"
			       "\"EmptyBin\"=hex:\n"
			       "\"None\"=hex(0):de\n"
			       "\"Raw\"=hex(1):61,00,62,00\n"
			       "\"Short\"=hex(4):de,ad\n"
			       "\"Dword\"=dword:ffffffff\n"
			       "\"say \\\"hi\\\"\"=\"\xc3\xa9\\\\\"\n"
			       "\n"
			       "[HKEY_LOCAL_MACHINE\\SYSTEM\\CertSvc\\Caf\xc3\xa9\\z]\n"
			       "\n"
			       "[HKEY_LOCAL_MACHINE\\SYSTEM\\CertSvc\\Caf\xc3\xa9\\z\\y]\n"
			       "\n");
	free(text);
	/* the whole root: NULL and "" both mean it */
	xb_registry_clear();
	xb_registry_set_dword(HKEY_LOCAL_MACHINE, NULL, "n", 1);
	text = xb_registry_export(HKEY_LOCAL_MACHINE, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE]\n\"n\"=dword:00000001\n\n");
	free(text);
}
END_TEST

START_TEST(helper_clear)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"C\\D");
	xb_registry_set_string(HKEY_CLASSES_ROOT, "X", NULL, "y");
	xb_registry_set_string(HKEY_CLASSES_ROOT, NULL, "rootvalue", "y");
	xb_registry_clear();
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"C"), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(open_status(HKEY_CLASSES_ROOT, u"X"), ERROR_FILE_NOT_FOUND);
	DWORD size;
	ck_assert_int_eq(RegQueryValueExW(HKEY_CLASSES_ROOT, u"rootvalue", NULL, NULL, NULL, &size),
			 ERROR_FILE_NOT_FOUND);
	/* handles still open see the key deleted, and still close */
	ck_assert_int_eq(RegQueryValueExW(h, NULL, NULL, NULL, NULL, &size), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegCloseKey(h), ERROR_SUCCESS);
	/* the store works again afterwards, and clearing twice is harmless */
	xb_registry_clear();
	RegCloseKey(create(HKEY_LOCAL_MACHINE, u"C"));
	ck_assert_int_eq(open_status(HKEY_LOCAL_MACHINE, u"C"), ERROR_SUCCESS);
}
END_TEST

enum { WORKERS = 4, ROUNDS = 500 };

/* Each worker owns Threads\w<id>\k and reads the shared parent; failures return the step number. */
static void *registry_worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	OLECHAR path[32] = u"Threads\\w0\\k";
	path[9] = (OLECHAR)(u'0' + id);
	for (int i = 0; i < ROUNDS; i++) {
		HKEY h;
		DWORD v = (DWORD)i, size = sizeof(v), type;
		if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &h, NULL))
			return (void *)1;
		if (RegSetValueExW(h, u"n", 0, REG_DWORD, BYTES(&v), 4) ||
		    RegQueryValueExW(h, u"n", NULL, &type, (LPBYTE)&v, &size) || v != (DWORD)i) {
			RegCloseKey(h);
			return (void *)2;
		}
		RegCloseKey(h);
		if (i % 3 == 0 && RegDeleteTreeW(HKEY_LOCAL_MACHINE, path))
			return (void *)3;
		/* readers of the shared parent, which others change at the same time */
		HKEY parent;
		if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"Threads", 0, KEY_READ, &parent) == ERROR_SUCCESS) {
			OLECHAR name[8];
			DWORD cch = 8;
			for (DWORD k = 0; RegEnumKeyExW(parent, k, name, &cch, NULL, NULL, NULL, NULL) == ERROR_SUCCESS;
			     k++)
				cch = 8;
			RegCloseKey(parent);
		}
		char *text = xb_registry_export(HKEY_LOCAL_MACHINE, "Threads");
		free(text);
	}
	return NULL;
}

START_TEST(threads)
{
	pthread_t th[WORKERS];
	for (int i = 0; i < WORKERS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, registry_worker, (void *)(intptr_t)i), 0);
	for (int i = 0; i < WORKERS; i++) {
		void *result;
		pthread_join(th[i], &result);
		ck_assert_msg(result == NULL, "worker %d failed at step %d", i, (int)(intptr_t)result);
	}
	/* w0..w3 each left with its last key (ROUNDS - 1 is not a multiple of 3), holding the last value */
	HKEY h;
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"Threads", 0, KEY_READ, &h), ERROR_SUCCESS);
	DWORD n = 0;
	OLECHAR name[8];
	DWORD cch = 8;
	while (RegEnumKeyExW(h, n, name, &cch, NULL, NULL, NULL, NULL) == ERROR_SUCCESS) {
		ck_assert_msg(cch == 2 && name[0] == u'w' && name[1] == (OLECHAR)(u'0' + n), "key %u is wrong",
			      (unsigned)n);
		OLECHAR sub[] = u"w0\\k";
		sub[1] = name[1];
		DWORD v = 0, size = sizeof(v);
		ck_assert_int_eq(RegGetValueW(h, sub, u"n", RRF_RT_REG_DWORD, NULL, &v, &size), ERROR_SUCCESS);
		ck_assert_int_eq(v, ROUNDS - 1);
		n++;
		cch = 8;
	}
	RegCloseKey(h);
	ck_assert_int_eq(n, WORKERS);
}
END_TEST

/*
 * One TCase per API function holding all of its tests (consecutive entries
 * with the same name), each test starting from an empty store: a checked
 * fixture, so also with CK_FORK=no.
 */
static void add_cases(Suite *s, const struct xb_test_case *cases, size_t n)
{
	TCase *tc = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!tc || strcmp(cases[i].name, cases[i - 1].name)) {
			tc = tcase_create(cases[i].name);
			tcase_add_checked_fixture(tc, clear, clear);
			suite_add_tcase(s, tc);
		}
		tcase_add_test(tc, cases[i].test);
	}
}

Suite *suite_registry(void)
{
	Suite *s = suite_create("registry");
	const struct xb_test_case cases[] = {
		{"RegCreateKeyExW", create_key},
		{"RegCreateKeyExW", create_key_paths},
		{"RegCreateKeyExW", create_key_bad_arguments},
		{"RegOpenKeyExW", open_key},
		{"RegOpenKeyExW", open_key_failures},
		{"RegCloseKey", close_key},
		{"RegSetValueExW", set_value},
		{"RegSetValueExW", set_value_types},
		{"RegSetValueExW", set_value_failures},
		{"RegQueryValueExW", query_value},
		{"RegQueryValueExW", query_value_failures},
		{"RegGetValueW", get_value},
		{"RegGetValueW", get_value_types},
		{"RegGetValueW", get_value_expand},
		{"RegGetValueW", get_value_failures},
		{"RegEnumKeyExW", enum_key},
		{"RegEnumKeyExW", enum_key_order},
		{"RegEnumKeyExW", enum_key_failures},
		{"RegEnumValueW", enum_value},
		{"RegEnumValueW", enum_value_overflow},
		{"RegDeleteValueW", delete_value},
		{"RegDeleteKeyW", delete_key},
		{"RegDeleteTreeW", delete_tree},
		{"xb_registry_set_string", helper_set_string},
		{"xb_registry_set_dword", helper_set_dword},
		{"xb_registry_set_multi_string", helper_set_multi_string},
		{"xb_registry_get_string", helper_get_string},
		{"xb_registry_export", helper_export},
		{"xb_registry_export", helper_export_types},
		{"xb_registry_clear", helper_clear},
		{"threads", threads},
	};
	add_cases(s, cases, sizeof(cases) / sizeof(cases[0]));
	return s;
}
