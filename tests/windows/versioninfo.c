/*
 * versioninfo DLL NAME: what Explorer shows of a registered kit module DLL
 * against what the CA console is told. For each standard property it
 * reads the DLL's version resource (GetFileVersionInfoW, VerQueryValueW,
 * as Explorer does) and asks ICertManageModule::GetProperty through real
 * COM twice: on the object ICertExit::GetManageModule gives (<NAME>.Exit)
 * and on the class <NAME>.ExitManage. One line per property when all
 * three agree ("Name: Hello Exit Module"), a MISMATCH line otherwise;
 * then the binary FILEVERSION and PRODUCTVERSION, which Explorer's
 * Details tab prints. A DLL without a version resource says so first, and
 * its two GetProperty answers must agree with each other. Exits 1 on a
 * mismatch, 2 when a step fails.
 * tests/windows/registration.sh compares the lines with known values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench.h"

static int failed;

static void put_utf8(const WCHAR *text)
{
	char buf[1024];
	if (!text) {
		fputs("(none)", stdout);
		return;
	}
	if (!WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, sizeof(buf), NULL, NULL))
		snprintf(buf, sizeof(buf), "(not convertible)");
	fputs(buf, stdout);
}

/* A string of the resource's first translation, borrowed from block; NULL when absent. */
static const WCHAR *resource_string(const void *block, const WCHAR *key)
{
	WORD *translation = NULL;
	UINT bytes = 0;
	WCHAR sub[128];
	WCHAR *text = NULL;
	UINT chars = 0;
	if (!block || !VerQueryValueW(block, L"\\VarFileInfo\\Translation", (void **)&translation, &bytes) ||
	    bytes < 4)
		return NULL;
	_snwprintf(sub, 127, L"\\StringFileInfo\\%04x%04x\\%ls", translation[0], translation[1], key);
	sub[127] = 0;
	if (!VerQueryValueW(block, sub, (void **)&text, &chars) || !text)
		return NULL;
	return text;
}

/* GetProperty(name) as a new BSTR, NULL for anything but S_OK with a VT_BSTR. */
static BSTR property(ICertManageModule *manage, const WCHAR *name)
{
	BSTR bname = SysAllocString(name);
	VARIANT v;
	VariantInit(&v);
	HRESULT hr = ICertManageModule_GetProperty(manage, NULL, NULL, bname, 0, &v);
	SysFreeString(bname);
	if (hr == S_OK && V_VT(&v) == VT_BSTR)
		return V_BSTR(&v);
	VariantClear(&v);
	return NULL;
}

/* Equal strings, or both absent (a property neither the resource nor the declaration has). */
static int same(const WCHAR *a, const WCHAR *b)
{
	return a && b ? !wcscmp(a, b) : a == b;
}

static ICertManageModule *manage_from(const WCHAR *progid, int through_exit)
{
	CLSID clsid;
	HRESULT hr = CLSIDFromProgID(progid, &clsid);
	if (FAILED(hr)) {
		printf("CLSIDFromProgID(%ls): 0x%08lx\n", progid, (unsigned long)hr);
		exit(2);
	}
	ICertManageModule *manage = NULL;
	if (through_exit) {
		ICertExit2 *ex = NULL;
		hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICertExit2, (void **)&ex);
		if (SUCCEEDED(hr)) {
			hr = ICertExit2_GetManageModule(ex, &manage);
			ICertExit2_Release(ex);
		}
	} else {
		hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICertManageModule, (void **)&manage);
	}
	if (FAILED(hr) || !manage) {
		printf("%ls: no ICertManageModule: 0x%08lx\n", progid, (unsigned long)hr);
		exit(2);
	}
	return manage;
}

int wmain(int argc, WCHAR **argv);
int wmain(int argc, WCHAR **argv)
{
	static const struct {
		const WCHAR *property, *resource_key;
	} rows[] = {
		{L"Name", L"ProductName"},
		{L"Description", L"FileDescription"},
		{L"Copyright", L"LegalCopyright"},
		{L"File Version", L"FileVersion"},
		{L"Product Version", L"ProductVersion"},
	};
	if (argc != 3 || wcslen(argv[2]) > 100) {
		fprintf(stderr, "usage: versioninfo DLL NAME   (NAME: the module's application name, as in NAME.Exit)\n");
		return 2;
	}
	if (GetFileAttributesW(argv[1]) == INVALID_FILE_ATTRIBUTES) {
		fprintf(stderr, "versioninfo: %ls: no such file\n", argv[1]);
		return 2;
	}
	DWORD ignored = 0, size = GetFileVersionInfoSizeW(argv[1], &ignored);
	void *block = size ? malloc(size) : NULL;
	if (block && !GetFileVersionInfoW(argv[1], 0, size, block)) {
		printf("GetFileVersionInfoW: error %lu\n", (unsigned long)GetLastError());
		return 2;
	}
	if (!block)
		printf("version resource: none\n");
	if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
		return 2;
	WCHAR exit_progid[128], manage_progid[128];
	_snwprintf(exit_progid, 128, L"%ls.Exit", argv[2]);
	_snwprintf(manage_progid, 128, L"%ls.ExitManage", argv[2]);
	ICertManageModule *via_exit = manage_from(exit_progid, 1);
	ICertManageModule *via_class = manage_from(manage_progid, 0);

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		BSTR a = property(via_exit, rows[i].property), b = property(via_class, rows[i].property);
		/* Without a resource, the declaration answers: the two objects must still agree. */
		const WCHAR *res = block ? resource_string(block, rows[i].resource_key) : a;
		printf("%ls: ", rows[i].property);
		if (same(res, a) && same(res, b)) {
			put_utf8(res);
		} else {
			failed = 1;
			printf("MISMATCH resource ");
			put_utf8(res);
			printf(", GetManageModule ");
			put_utf8(a);
			printf(", %ls ", manage_progid);
			put_utf8(b);
		}
		printf("\n");
		SysFreeString(a);
		SysFreeString(b);
	}
	VS_FIXEDFILEINFO *fixed = NULL;
	UINT bytes = 0;
	if (!block) {
		/* nothing more to show */
	} else if (VerQueryValueW(block, L"\\", (void **)&fixed, &bytes) && fixed && bytes >= sizeof(*fixed)) {
		printf("FILEVERSION: %lu.%lu.%lu.%lu\n", (unsigned long)HIWORD(fixed->dwFileVersionMS),
		       (unsigned long)LOWORD(fixed->dwFileVersionMS), (unsigned long)HIWORD(fixed->dwFileVersionLS),
		       (unsigned long)LOWORD(fixed->dwFileVersionLS));
		printf("PRODUCTVERSION: %lu.%lu.%lu.%lu\n", (unsigned long)HIWORD(fixed->dwProductVersionMS),
		       (unsigned long)LOWORD(fixed->dwProductVersionMS), (unsigned long)HIWORD(fixed->dwProductVersionLS),
		       (unsigned long)LOWORD(fixed->dwProductVersionLS));
	} else {
		printf("FILEVERSION: (none)\n");
		failed = 1;
	}
	if (block) {
		printf("OriginalFilename: ");
		put_utf8(resource_string(block, L"OriginalFilename"));
		printf("\n");
	}

	ICertManageModule_Release(via_exit);
	ICertManageModule_Release(via_class);
	CoUninitialize();
	free(block);
	return failed;
}
