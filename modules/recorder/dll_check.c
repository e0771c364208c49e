/*
 * recorder.dll on Windows (under Wine), through real COM: the check that
 * tests/windows/mingw-build.sh builds and runs after regsvr32. A small fake
 * CA registers CLSID_CCertServerExit in this process (CoRegisterClassObject,
 * as certsrv does), the module's key gets its Output value in HKLM, and the
 * module is activated by ProgID, initialized and notified, also from four
 * threads at once. It prints one line per step; the script compares them
 * and reads the trace the DLL wrote with the Linux build's reader.
 *
 * Usage: dll_check.exe TRACE UNWRITABLE CERTIFICATE.der CRL.der (Windows
 * paths; the DER files give the fake CA a real certificate and CRL, so the
 * trace also replays on Linux, where the engine derives from them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench.h"

#define LOCATION OLESTR("SOFTWARE\\exitbench-check\\Recorder.Exit")
#define THREADS 4
#define PER_THREAD 25
#define CONTEXT 7

/* ---- the fake CA ------------------------------------------------------------ */

enum side { REQ, CERT, ATTR, EXT };

/* Bytes read from a file at start. */
struct blob {
	char *bytes;
	UINT len;
};
static struct blob certificate, crl;

struct row {
	enum side side;
	LONG context;
	const OLECHAR *name;
	VARTYPE vt;
	LONG l;
	DATE date;
	const OLECHAR *text;
	const char *bytes;
	UINT len;
	LONG flags;
	const struct blob *blob; /* the bytes, when they come from a file */
};

/* Set before EXITEVENT_CRLISSUED: the CA has published its first CRL. */
static volatile LONG crl_published;

static const struct row rows[] = {
	{CERT, 0, OLESTR("CAType"), VT_I4, 0, 0, NULL, NULL, 0, 0, NULL},
	{CERT, 0, OLESTR("CertCount"), VT_I4, 1, 0, NULL, NULL, 0, 0, NULL},
	{CERT, 0, OLESTR("ModuleRegistryLocation"), VT_BSTR, 0, 0, LOCATION, NULL, 0, 0, NULL},
	{CERT, 0, OLESTR("CRLState.0"), VT_I4, 3, 0, NULL, NULL, 0, 0, NULL},
	{CERT, 0, OLESTR("RawCRL.0"), VT_BSTR, 0, 0, NULL, NULL, 0, 0, &crl}, /* once crl_published */
	{REQ, CONTEXT, OLESTR("RequestID"), VT_I4, 42, 0, NULL, NULL, 0, 0, NULL},
	{REQ, CONTEXT, OLESTR("SubmittedWhen"), VT_DATE, 0, 46350.25, NULL, NULL, 0, 0, NULL},
	/* U+00FC and U+1F600 (a surrogate pair) */
	{REQ, CONTEXT, OLESTR("RequesterName"), VT_BSTR, 0, 0, OLESTR("CORP\\\x00fc\xd83d\xde00\""), NULL, 0, 0, NULL},
	{CERT, CONTEXT, OLESTR("RequestID"), VT_I4, 42, 0, NULL, NULL, 0, 0, NULL},
	{CERT, CONTEXT, OLESTR("RawCertificate"), VT_BSTR, 0, 0, NULL, NULL, 0, 0, &certificate},
	{ATTR, CONTEXT, OLESTR("ccm"), VT_BSTR, 0, 0, OLESTR("ws01.corp.local"), NULL, 0, 0, NULL},
	{EXT, CONTEXT, OLESTR("2.5.29.15"), VT_BSTR, 0, 0, NULL, "\x03\x02\x05\xa0", 4, 0x20001, NULL},
};
#define ROWS (sizeof(rows) / sizeof(rows[0]))

struct server {
	ICertServerExit ICertServerExit_iface;
	LONG refs;
	LONG context;
	size_t ext_cursor, attr_cursor;
	LONG last_flags;
};

static struct server *impl(ICertServerExit *iface)
{
	return (struct server *)iface;
}

static const struct row *find(const struct server *s, enum side side, const BSTR name)
{
	for (size_t i = 0; i < ROWS; i++) {
		if (rows[i].side != side || rows[i].context != s->context || !name || wcscmp(rows[i].name, name))
			continue;
		if (!wcscmp(name, OLESTR("RawCRL.0")) && !crl_published)
			return NULL;
		return &rows[i];
	}
	return NULL;
}

static HRESULT value(const struct row *r, VARIANT *v)
{
	VariantInit(v);
	if (!r)
		return CERTSRV_E_PROPERTY_EMPTY;
	V_VT(v) = r->vt;
	if (r->vt == VT_I4)
		V_I4(v) = r->l;
	else if (r->vt == VT_DATE)
		V_DATE(v) = r->date;
	else if (r->blob)
		V_BSTR(v) = SysAllocStringByteLen(r->blob->bytes, r->blob->len);
	else
		V_BSTR(v) = r->bytes ? SysAllocStringByteLen(r->bytes, r->len) : SysAllocString(r->text);
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE server_QueryInterface(ICertServerExit *iface, REFIID riid, void **ppv)
{
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch) &&
	    !IsEqualIID(riid, &IID_ICertServerExit))
		return E_NOINTERFACE;
	*ppv = iface;
	ICertServerExit_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE server_AddRef(ICertServerExit *iface)
{
	return (ULONG)InterlockedIncrement(&impl(iface)->refs);
}

static ULONG STDMETHODCALLTYPE server_Release(ICertServerExit *iface)
{
	LONG left = InterlockedDecrement(&impl(iface)->refs);
	if (!left)
		free(impl(iface));
	return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE server_GetTypeInfoCount(ICertServerExit *iface, UINT *n)
{
	(void)iface;
	*n = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE server_GetTypeInfo(ICertServerExit *iface, UINT i, LCID lcid, ITypeInfo **info)
{
	(void)iface, (void)i, (void)lcid, (void)info;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE server_GetIDsOfNames(ICertServerExit *iface, REFIID riid, LPOLESTR *names,
						      UINT n, LCID lcid, DISPID *ids)
{
	(void)iface, (void)riid, (void)names, (void)n, (void)lcid, (void)ids;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE server_Invoke(ICertServerExit *iface, DISPID id, REFIID riid, LCID lcid,
					       WORD flags, DISPPARAMS *p, VARIANT *r, EXCEPINFO *e, UINT *a)
{
	(void)iface, (void)id, (void)riid, (void)lcid, (void)flags, (void)p, (void)r, (void)e, (void)a;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE server_SetContext(ICertServerExit *iface, LONG context)
{
	if (context != 0 && context != CONTEXT)
		return E_INVALIDARG;
	impl(iface)->context = context;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE server_GetRequestProperty(ICertServerExit *iface, const BSTR name, LONG type,
							   VARIANT *v)
{
	(void)type;
	return value(find(impl(iface), REQ, name), v);
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateProperty(ICertServerExit *iface, const BSTR name, LONG type,
							       VARIANT *v)
{
	(void)type;
	return value(find(impl(iface), CERT, name), v);
}

static HRESULT STDMETHODCALLTYPE server_GetRequestAttribute(ICertServerExit *iface, const BSTR name, BSTR *out)
{
	const struct row *r = find(impl(iface), ATTR, name);
	*out = r ? SysAllocString(r->text) : NULL;
	return r ? S_OK : CERTSRV_E_PROPERTY_EMPTY;
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateExtension(ICertServerExit *iface, const BSTR name, LONG type,
							      VARIANT *v)
{
	const struct row *r = find(impl(iface), EXT, name);
	(void)type;
	if (r)
		impl(iface)->last_flags = r->flags;
	return value(r, v);
}

static HRESULT STDMETHODCALLTYPE server_GetCertificateExtensionFlags(ICertServerExit *iface, LONG *flags)
{
	*flags = impl(iface)->last_flags;
	return S_OK;
}

/* The next name of side at or after *cursor: S_OK, or S_FALSE at the end. */
static HRESULT next(const struct server *s, enum side side, size_t *cursor, BSTR *name)
{
	*name = NULL;
	for (; *cursor < ROWS; (*cursor)++) {
		if (rows[*cursor].side == side && rows[*cursor].context == s->context) {
			*name = SysAllocString(rows[(*cursor)++].name);
			return S_OK;
		}
	}
	return S_FALSE;
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensionsSetup(ICertServerExit *iface, LONG flags)
{
	(void)flags;
	impl(iface)->ext_cursor = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensions(ICertServerExit *iface, BSTR *name)
{
	return next(impl(iface), EXT, &impl(iface)->ext_cursor, name);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateExtensionsClose(ICertServerExit *iface)
{
	(void)iface;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributesSetup(ICertServerExit *iface, LONG flags)
{
	(void)flags;
	impl(iface)->attr_cursor = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributes(ICertServerExit *iface, BSTR *name)
{
	return next(impl(iface), ATTR, &impl(iface)->attr_cursor, name);
}

static HRESULT STDMETHODCALLTYPE server_EnumerateAttributesClose(ICertServerExit *iface)
{
	(void)iface;
	return S_OK;
}

static const ICertServerExitVtbl server_vtbl = {
	server_QueryInterface,
	server_AddRef,
	server_Release,
	server_GetTypeInfoCount,
	server_GetTypeInfo,
	server_GetIDsOfNames,
	server_Invoke,
	server_SetContext,
	server_GetRequestProperty,
	server_GetRequestAttribute,
	server_GetCertificateProperty,
	server_GetCertificateExtension,
	server_GetCertificateExtensionFlags,
	server_EnumerateExtensionsSetup,
	server_EnumerateExtensions,
	server_EnumerateExtensionsClose,
	server_EnumerateAttributesSetup,
	server_EnumerateAttributes,
	server_EnumerateAttributesClose,
};

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
		return E_NOINTERFACE;
	*ppv = iface;
	return S_OK;
}

static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
	(void)iface;
	return 2;
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
	(void)iface;
	return 1;
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
							void **ppv)
{
	(void)iface;
	*ppv = NULL;
	if (outer)
		return CLASS_E_NOAGGREGATION;
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return E_OUTOFMEMORY;
	s->ICertServerExit_iface.lpVtbl = &server_vtbl;
	s->refs = 1;
	HRESULT hr = ICertServerExit_QueryInterface(&s->ICertServerExit_iface, riid, ppv);
	ICertServerExit_Release(&s->ICertServerExit_iface);
	return hr;
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
	(void)iface, (void)lock;
	return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {factory_QueryInterface, factory_AddRef, factory_Release,
					       factory_CreateInstance, factory_LockServer};
static IClassFactory factory = {&factory_vtbl};

/* ---- the check ------------------------------------------------------------------------ */

static LONG thread_failures;

static DWORD WINAPI notify_many(void *arg)
{
	ICertExit2 *exit2 = arg;
	CoInitializeEx(NULL, COINIT_MULTITHREADED);
	for (int i = 0; i < PER_THREAD; i++)
		if (FAILED(ICertExit2_Notify(exit2, EXITEVENT_CERTISSUED, CONTEXT)))
			InterlockedIncrement(&thread_failures);
	CoUninitialize();
	return 0;
}

/* Output = path under the module's key. */
static LSTATUS set_output(const char *path)
{
	HKEY key;
	OLECHAR *wide = NULL;
	LSTATUS status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, LOCATION, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
	if (status != ERROR_SUCCESS)
		return status;
	if (FAILED(xb_utf8_to_utf16(path, XB_NUL_TERMINATED, &wide, NULL, NULL))) {
		RegCloseKey(key);
		return ERROR_INVALID_DATA;
	}
	status = RegSetValueExW(key, OLESTR("Output"), 0, REG_SZ, (const BYTE *)wide,
				(DWORD)((wcslen(wide) + 1) * sizeof(OLECHAR)));
	free(wide);
	RegCloseKey(key);
	return status;
}

/* A new Recorder.Exit object through COM, initialized for "Corp CA"; NULL when a step fails. */
static ICertExit2 *recorder_new(const char *what)
{
	CLSID clsid;
	ICertExit2 *exit2 = NULL;
	HRESULT hr = CLSIDFromProgID(OLESTR("Recorder.Exit"), &clsid);
	if (SUCCEEDED(hr))
		hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICertExit2, (void **)&exit2);
	printf("%s: CoCreateInstance: 0x%08lx\n", what, (unsigned long)hr);
	if (FAILED(hr))
		return NULL;
	BSTR config = SysAllocString(OLESTR("Corp CA"));
	LONG mask = 0;
	hr = ICertExit2_Initialize(exit2, config, &mask);
	SysFreeString(config);
	printf("%s: Initialize: 0x%08lx mask 0x%lx\n", what, (unsigned long)hr, (unsigned long)mask);
	return exit2;
}

static int read_blob(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long size;
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
	    !(b->bytes = malloc((size_t)size)) || fread(b->bytes, 1, (size_t)size, f) != (size_t)size) {
		if (f)
			fclose(f);
		fprintf(stderr, "cannot read %s\n", path);
		return 0;
	}
	fclose(f);
	b->len = (UINT)size;
	return 1;
}

int main(int argc, char **argv)
{
	DWORD cookie = 0;
	if (argc != 5 || !read_blob(argv[3], &certificate) || !read_blob(argv[4], &crl))
		return 2;
	if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
		return 2;
	HRESULT hr = CoRegisterClassObject(&CLSID_CCertServerExit, (IUnknown *)&factory, CLSCTX_INPROC_SERVER,
					   REGCLS_MULTIPLEUSE, &cookie);
	printf("CoRegisterClassObject(CCertServerExit): 0x%08lx\n", (unsigned long)hr);
	printf("Output: %ld\n", (long)set_output(argv[1]));

	ICertExit2 *exit2 = recorder_new("recording");
	if (!exit2)
		return 1;
	printf("Notify(certissued): 0x%08lx\n",
	       (unsigned long)ICertExit2_Notify(exit2, EXITEVENT_CERTISSUED, CONTEXT));
	InterlockedExchange(&crl_published, 1);
	printf("Notify(crlissued): 0x%08lx\n", (unsigned long)ICertExit2_Notify(exit2, EXITEVENT_CRLISSUED, 0));
	HANDLE threads[THREADS];
	for (int t = 0; t < THREADS; t++)
		threads[t] = CreateThread(NULL, 0, notify_many, exit2, 0, NULL);
	WaitForMultipleObjects(THREADS, threads, TRUE, INFINITE);
	for (int t = 0; t < THREADS; t++)
		CloseHandle(threads[t]);
	printf("Notify(certissued) from %d threads x %d: %ld failures\n", THREADS, PER_THREAD, (long)thread_failures);
	printf("Notify(shutdown): 0x%08lx\n", (unsigned long)ICertExit2_Notify(exit2, EXITEVENT_SHUTDOWN, 0));
	printf("Release: %lu\n", (unsigned long)ICertExit2_Release(exit2));

	/* A trace that cannot be written: Initialize still succeeds, Notify fails with the reason. */
	printf("Output: %ld\n", (long)set_output(argv[2]));
	exit2 = recorder_new("unwritable");
	if (!exit2)
		return 1;
	printf("Notify(certissued): 0x%08lx\n",
	       (unsigned long)ICertExit2_Notify(exit2, EXITEVENT_CERTISSUED, CONTEXT));
	printf("Release: %lu\n", (unsigned long)ICertExit2_Release(exit2));

	RegDeleteTreeW(HKEY_LOCAL_MACHINE, OLESTR("SOFTWARE\\exitbench-check"));
	CoRevokeClassObject(cookie);
	CoUninitialize();
	free(certificate.bytes);
	free(crl.bytes);
	return 0;
}
