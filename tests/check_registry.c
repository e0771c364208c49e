/* The emulated registry: Reg*W with Windows' results, and the xb_registry_* helpers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"

#define BYTES(s) ((const BYTE *)(s))
#define WSIZE(s) ((DWORD)sizeof(s)) /* of a u"" literal, NUL included */

static void clear(void)
{
	xb_registry_clear();
}

static HKEY create(HKEY root, const OLECHAR *path)
{
	HKEY h = NULL;
	DWORD disposition = 0;
	LSTATUS st = RegCreateKeyExW(root, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &h, &disposition);
	ck_assert_int_eq(st, ERROR_SUCCESS);
	return h;
}

START_TEST(create_key)
{
	HKEY h;
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
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"SOFTWARE\\Vendor", 0, KEY_READ, &h), ERROR_SUCCESS);
	RegCloseKey(h);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"\\lead", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_BAD_PATHNAME);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"a\\\\b", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_BAD_PATHNAME);
	OLECHAR longname[300];
	for (int i = 0; i < 299; i++)
		longname[i] = u'x';
	longname[299] = 0;
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, longname, 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_LOCAL_MACHINE, u"x", 0, NULL, 0, KEY_WRITE, NULL, NULL, NULL),
			 ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(RegCreateKeyExW(HKEY_CURRENT_USER, u"x", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL),
			 ERROR_INVALID_HANDLE);
	/* relative to an open key; the two roots are separate trees */
	HKEY app = create(HKEY_LOCAL_MACHINE, u"SOFTWARE\\Vendor\\App");
	HKEY sub = create(app, u"Sub");
	RegCloseKey(sub);
	RegCloseKey(app);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"SOFTWARE\\Vendor\\App\\Sub", 0, KEY_READ, &h),
			 ERROR_SUCCESS);
	RegCloseKey(h);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"SOFTWARE", 0, KEY_READ, &h), ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(open_key)
{
	HKEY h, again;
	RegCloseKey(create(HKEY_CLASSES_ROOT, u"CLSID\\{X}"));
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"clsid\\{x}", 0, KEY_READ, &h), ERROR_SUCCESS);
	ck_assert_int_eq(RegOpenKeyExW(h, NULL, 0, KEY_READ, &again), ERROR_SUCCESS);
	ck_assert_ptr_ne(again, h);
	RegCloseKey(again);
	ck_assert_int_eq(RegOpenKeyExW(h, u"", 0, KEY_READ, &again), ERROR_SUCCESS);
	RegCloseKey(again);
	RegCloseKey(h);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"CLSID\\{Y}", 0, KEY_READ, &h), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"CLSID", 0, KEY_READ, NULL), ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(close_key)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"K");
	ck_assert_int_eq(RegCloseKey(h), ERROR_SUCCESS);
	ck_assert_int_eq(RegCloseKey(HKEY_LOCAL_MACHINE), ERROR_SUCCESS);
	ck_assert_int_eq(RegCloseKey(NULL), ERROR_INVALID_HANDLE);
	ck_assert_int_eq(RegCloseKey(HKEY_USERS), ERROR_INVALID_HANDLE);
}
END_TEST

START_TEST(set_value)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"V");
	DWORD d = 42;
	ck_assert_int_eq(RegSetValueExW(h, u"Str", 0, REG_SZ, BYTES(u"text"), WSIZE(u"text")), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"Num", 0, REG_DWORD, BYTES(&d), 4), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, NULL, 0, REG_SZ, BYTES(u"def"), WSIZE(u"def")), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"Bin", 0, REG_BINARY, BYTES("\x01\x00\x02"), 3), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"Empty", 0, REG_BINARY, NULL, 0), ERROR_SUCCESS);
	ck_assert_int_eq(RegSetValueExW(h, u"Bad", 0, REG_BINARY, NULL, 4), ERROR_INVALID_PARAMETER);
	/* overwriting keeps the position and changes the type */
	ck_assert_int_eq(RegSetValueExW(h, u"STR", 0, REG_DWORD, BYTES(&d), 4), ERROR_SUCCESS);
	DWORD type = 0, size = sizeof(d);
	d = 0;
	ck_assert_int_eq(RegQueryValueExW(h, u"str", NULL, &type, BYTES(&d) == NULL ? NULL : (LPBYTE)&d, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_DWORD);
	ck_assert_int_eq(d, 42);
	OLECHAR name[16];
	DWORD cch = 16;
	ck_assert_int_eq(RegEnumValueW(h, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_SUCCESS);
	ck_assert_int_eq(memcmp(name, u"Str", sizeof(u"Str")), 0); /* first name kept */
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
	OLECHAR buf[8];
	size = 4;
	ck_assert_int_eq(RegQueryValueExW(h, u"S", NULL, &type, (LPBYTE)buf, &size), ERROR_MORE_DATA);
	ck_assert_int_eq(size, 12);
	size = sizeof(buf);
	ck_assert_int_eq(RegQueryValueExW(h, u"s", NULL, NULL, (LPBYTE)buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 12);
	ck_assert_int_eq(memcmp(buf, u"hello", 12), 0);
	ck_assert_int_eq(RegQueryValueExW(h, u"missing", NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegQueryValueExW(h, NULL, NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegQueryValueExW(h, u"S", NULL, NULL, (LPBYTE)buf, NULL), ERROR_INVALID_PARAMETER);
	/* RegQueryValueExW does not add a missing terminator */
	RegSetValueExW(h, u"Raw", 0, REG_SZ, BYTES(u"ab"), 4);
	size = sizeof(buf);
	ck_assert_int_eq(RegQueryValueExW(h, u"Raw", NULL, NULL, (LPBYTE)buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(size, 4);
	RegCloseKey(h);
}
END_TEST

START_TEST(get_value)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"G\\Sub");
	DWORD d = 7, type = 0, size;
	OLECHAR buf[64];
	RegSetValueExW(h, u"Raw", 0, REG_SZ, BYTES(u"ab"), 4); /* stored without NUL */
	RegSetValueExW(h, u"Num", 0, REG_DWORD, BYTES(&d), 4);
	RegSetValueExW(h, u"Short", 0, REG_DWORD, BYTES(&d), 2);
	RegSetValueExW(h, u"Multi", 0, REG_MULTI_SZ, BYTES(u"a\0bc\0"), WSIZE(u"a\0bc\0"));
	setenv("XB_TEST_DIR", "/srv/pki", 1);
	RegSetValueExW(h, u"Exp", 0, REG_EXPAND_SZ, BYTES(u"%XB_TEST_DIR%\\x %XB_UNSET_VAR%"),
		       WSIZE(u"%XB_TEST_DIR%\\x %XB_UNSET_VAR%"));
	RegCloseKey(h);

	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", RRF_RT_REG_SZ, &type, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(size, 6); /* the terminator added */
	ck_assert_int_eq(memcmp(buf, u"ab", 6), 0);
	d = 0;
	size = sizeof(d);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Num", RRF_RT_REG_DWORD, &type, &d, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(d, 7);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Num", RRF_RT_REG_SZ, NULL, buf, &size),
			 ERROR_UNSUPPORTED_TYPE);
	size = sizeof(d);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Short", RRF_RT_DWORD, NULL, &d, &size),
			 ERROR_DATATYPE_MISMATCH);
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Multi", RRF_RT_REG_MULTI_SZ, &type, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_MULTI_SZ);
	ck_assert_int_eq(size, 12);
	ck_assert_int_eq(memcmp(buf, u"a\0bc\0", 12), 0);
	/* REG_EXPAND_SZ: expanded and reported as REG_SZ, unless RRF_NOEXPAND */
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Exp", RRF_RT_REG_SZ, &type, buf, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_SZ);
	ck_assert_int_eq(memcmp(buf, u"/srv/pki\\x %XB_UNSET_VAR%", WSIZE(u"/srv/pki\\x %XB_UNSET_VAR%")), 0);
	ck_assert_int_eq(size, WSIZE(u"/srv/pki\\x %XB_UNSET_VAR%"));
	size = sizeof(buf);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Exp", RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, &type,
				      buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_EXPAND_SZ);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Exp", RRF_RT_REG_EXPAND_SZ, &type, buf, &size),
			 ERROR_INVALID_PARAMETER);
	/* sizes, missing things, zero on failure */
	size = 0;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", RRF_RT_ANY, NULL, NULL, &size),
			 ERROR_SUCCESS);
	ck_assert_int_eq(size, 6);
	size = 2;
	buf[0] = 0x55;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", RRF_RT_ANY | RRF_ZEROONFAILURE, NULL, buf,
				      &size), ERROR_MORE_DATA);
	ck_assert_int_eq(size, 6);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Nope", u"Raw", RRF_RT_ANY, NULL, NULL, &size),
			 ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Nope", RRF_RT_ANY, NULL, NULL, &size),
			 ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"G\\Sub", u"Raw", 0, NULL, NULL, &size),
			 ERROR_INVALID_PARAMETER);
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
		/* after 2020-01-01 in FILETIME */
		ck_assert_uint_gt(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime, 132223104000000000ull);
	}
	OLECHAR name[8];
	DWORD cch = 8;
	ck_assert_int_eq(RegEnumKeyExW(h, 3, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS);
	RegCloseKey(create(h, u"longer"));
	cch = 3;
	ck_assert_int_eq(RegEnumKeyExW(h, 3, name, &cch, NULL, NULL, NULL, NULL), ERROR_MORE_DATA);
	cch = 7;
	ck_assert_int_eq(RegEnumKeyExW(h, 3, name, &cch, NULL, NULL, NULL, NULL), ERROR_SUCCESS);
	ck_assert_int_eq(cch, 6);
	ck_assert_int_eq(RegEnumKeyExW(h, 0, NULL, &cch, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
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
	static const OLECHAR *const names[] = {u"zeta", u"alpha", u""};
	static const DWORD types[] = {REG_DWORD, REG_SZ, REG_SZ};
	for (DWORD i = 0; i < 3; i++) {
		OLECHAR name[16];
		BYTE data[16];
		DWORD cch = 16, type = 99, cb = sizeof(data);
		ck_assert_int_eq(RegEnumValueW(h, i, name, &cch, NULL, &type, data, &cb), ERROR_SUCCESS);
		ck_assert_msg(!xb_utf16_icmp(name, names[i]), "value %u out of order", (unsigned)i);
		ck_assert_int_eq(type, types[i]);
	}
	OLECHAR name[16];
	DWORD cch = 16, cb = 1;
	BYTE data[1];
	ck_assert_int_eq(RegEnumValueW(h, 3, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS);
	ck_assert_int_eq(RegEnumValueW(h, 1, name, &cch, NULL, NULL, data, &cb), ERROR_MORE_DATA);
	ck_assert_int_eq(cb, 4);
	cch = 2;
	ck_assert_int_eq(RegEnumValueW(h, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_MORE_DATA);
	RegCloseKey(h);
}
END_TEST

START_TEST(delete_value)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"DV");
	RegSetValueExW(h, u"x", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1"));
	ck_assert_int_eq(RegDeleteValueW(h, u"X"), ERROR_SUCCESS);
	ck_assert_int_eq(RegDeleteValueW(h, u"x"), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegDeleteValueW(h, NULL), ERROR_FILE_NOT_FOUND);
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
	ck_assert_int_eq(RegDeleteKeyW(HKEY_LOCAL_MACHINE, NULL), ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(delete_tree)
{
	HKEY top = create(HKEY_LOCAL_MACHINE, u"T");
	HKEY deep = create(top, u"a\\b\\c");
	RegSetValueExW(top, u"v", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1"));
	ck_assert_int_eq(RegDeleteTreeW(HKEY_LOCAL_MACHINE, u"T\\a"), ERROR_SUCCESS);
	/* a handle to a deleted key answers ERROR_KEY_DELETED, and can still be closed */
	DWORD size;
	ck_assert_int_eq(RegQueryValueExW(deep, u"v", NULL, NULL, NULL, &size), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegSetValueExW(deep, u"v", 0, REG_SZ, BYTES(u"1"), WSIZE(u"1")), ERROR_KEY_DELETED);
	HKEY h;
	ck_assert_int_eq(RegCreateKeyExW(deep, u"x", 0, NULL, 0, KEY_WRITE, NULL, &h, NULL), ERROR_KEY_DELETED);
	ck_assert_int_eq(RegCloseKey(deep), ERROR_SUCCESS);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"T\\a\\b", 0, KEY_READ, &h), ERROR_FILE_NOT_FOUND);
	/* NULL subkey: everything below the key, the key itself stays */
	RegCloseKey(create(top, u"again"));
	ck_assert_int_eq(RegDeleteTreeW(top, NULL), ERROR_SUCCESS);
	OLECHAR name[8];
	DWORD cch = 8;
	ck_assert_int_eq(RegEnumKeyExW(top, 0, name, &cch, NULL, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS);
	ck_assert_int_eq(RegQueryValueExW(top, u"v", NULL, NULL, NULL, &size), ERROR_FILE_NOT_FOUND);
	RegCloseKey(top);
	ck_assert_int_eq(RegDeleteTreeW(HKEY_LOCAL_MACHINE, u"missing"), ERROR_FILE_NOT_FOUND);
}
END_TEST

START_TEST(helper_set_get_string)
{
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "A\\B", "Directory", "/var/pki/caf\xc3\xa9"),
			 ERROR_SUCCESS);
	char *value = NULL;
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "a\\b", "DIRECTORY", &value), ERROR_SUCCESS);
	ck_assert_str_eq(value, "/var/pki/caf\xc3\xa9");
	free(value);
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "A\\B", NULL, "default"), ERROR_SUCCESS);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "", &value), ERROR_SUCCESS);
	ck_assert_str_eq(value, "default");
	free(value);
	ck_assert_int_eq(xb_registry_set_dword(HKEY_LOCAL_MACHINE, "A\\B", "N", 5), ERROR_SUCCESS);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "N", &value), ERROR_DATATYPE_MISMATCH);
	ck_assert_ptr_null(value);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\B", "nope", &value), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(xb_registry_get_string(HKEY_LOCAL_MACHINE, "A\\C", "x", &value), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(xb_registry_set_string(HKEY_LOCAL_MACHINE, "A", "bad", "\xff"), ERROR_NO_UNICODE_TRANSLATION);
	const char *const list[] = {"one", "two", NULL};
	ck_assert_int_eq(xb_registry_set_multi_string(HKEY_LOCAL_MACHINE, "A", "List", list), ERROR_SUCCESS);
	OLECHAR buf[16];
	DWORD size = sizeof(buf), type;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, u"A", u"List", RRF_RT_ANY, &type, buf, &size), ERROR_SUCCESS);
	ck_assert_int_eq(type, REG_MULTI_SZ);
	ck_assert_int_eq(size, WSIZE(u"one\0two\0"));
	ck_assert_int_eq(memcmp(buf, u"one\0two\0", size), 0);
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

START_TEST(helper_clear)
{
	HKEY h = create(HKEY_LOCAL_MACHINE, u"C\\D");
	xb_registry_set_string(HKEY_CLASSES_ROOT, "X", NULL, "y");
	xb_registry_clear();
	HKEY o;
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"C", 0, KEY_READ, &o), ERROR_FILE_NOT_FOUND);
	ck_assert_int_eq(RegOpenKeyExW(HKEY_CLASSES_ROOT, u"X", 0, KEY_READ, &o), ERROR_FILE_NOT_FOUND);
	DWORD size;
	ck_assert_int_eq(RegQueryValueExW(h, NULL, NULL, NULL, NULL, &size), ERROR_KEY_DELETED);
	RegCloseKey(h);
}
END_TEST

static void *registry_worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	OLECHAR path[32] = u"Threads\\w0\\k";
	path[9] = (OLECHAR)(u'0' + id);
	for (int i = 0; i < 500; i++) {
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
		/* readers of the shared parent */
		HKEY parent;
		if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"Threads", 0, KEY_READ, &parent) == ERROR_SUCCESS) {
			OLECHAR name[8];
			DWORD cch = 8;
			RegEnumKeyExW(parent, 0, name, &cch, NULL, NULL, NULL, NULL);
			RegCloseKey(parent);
		}
	}
	return NULL;
}

START_TEST(threads)
{
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, registry_worker, (void *)(intptr_t)i), 0);
	for (int i = 0; i < 4; i++) {
		void *result;
		pthread_join(th[i], &result);
		ck_assert_msg(result == NULL, "worker %d failed at step %d", i, (int)(intptr_t)result);
	}
	HKEY h;
	ck_assert_int_eq(RegOpenKeyExW(HKEY_LOCAL_MACHINE, u"Threads", 0, KEY_READ, &h), ERROR_SUCCESS);
	DWORD n = 0;
	OLECHAR name[8];
	DWORD cch = 8;
	while (RegEnumKeyExW(h, n, name, &cch, NULL, NULL, NULL, NULL) == ERROR_SUCCESS) {
		n++;
		cch = 8;
	}
	RegCloseKey(h);
	ck_assert_int_eq(n, 4); /* w0..w3 each left with its last key (499 % 3 != 0) */
}
END_TEST

Suite *suite_registry(void)
{
	Suite *s = suite_create("registry");
	const struct xb_test_case cases[] = {
		{"RegCreateKeyExW", create_key},
		{"RegOpenKeyExW", open_key},
		{"RegCloseKey", close_key},
		{"RegSetValueExW", set_value},
		{"RegQueryValueExW", query_value},
		{"RegGetValueW", get_value},
		{"RegEnumKeyExW", enum_key},
		{"RegEnumValueW", enum_value},
		{"RegDeleteValueW", delete_value},
		{"RegDeleteKeyW", delete_key},
		{"RegDeleteTreeW", delete_tree},
		{"xb_registry_set_get_string", helper_set_get_string},
		{"xb_registry_export", helper_export},
		{"xb_registry_clear", helper_clear},
		{"threads", threads},
	};
	XB_ADD_CASES(s, cases, clear, clear);
	return s;
}
