/*
 * COM activation on Linux: apartments (trivial), the in-process class
 * registry, CoGetClassObject/CoCreateInstance and ProgID lookups.
 *
 * Every thread counts as initialised in the multithreaded apartment: a CA
 * calls modules on its own RPC threads, and on Linux those are the engine's
 * threads, so CoCreateInstance does not insist on CoInitializeEx
 * (CO_E_NOTINITIALIZED is never returned). Only in-process servers exist.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "com_private.h"

struct class_entry {
	CLSID clsid;
	IUnknown *object;
	DWORD cookie;
	struct class_entry *next;
};

static pthread_mutex_t classes_lock = PTHREAD_MUTEX_INITIALIZER;
static struct class_entry *classes;   /* in registration order */
static DWORD next_cookie = 1;

static _Thread_local unsigned init_count;
static _Thread_local DWORD init_model;

#define MODEL_OF(coinit) ((coinit) & COINIT_APARTMENTTHREADED)

XB_EXPORT HRESULT CoInitializeEx(LPVOID pvReserved, DWORD dwCoInit)
{
	if (pvReserved)
		return E_INVALIDARG;
	if (init_count && MODEL_OF(dwCoInit) != init_model)
		return RPC_E_CHANGED_MODE;
	init_model = MODEL_OF(dwCoInit);
	return init_count++ ? S_FALSE : S_OK;
}

XB_EXPORT HRESULT CoInitialize(LPVOID pvReserved)
{
	return CoInitializeEx(pvReserved, COINIT_APARTMENTTHREADED);
}

XB_EXPORT void CoUninitialize(void)
{
	if (init_count)
		init_count--;
}

XB_EXPORT HRESULT CoRegisterClassObject(REFCLSID rclsid, LPUNKNOWN pUnk, DWORD dwClsContext, DWORD flags,
					LPDWORD lpdwRegister)
{
	(void)dwClsContext, (void)flags; /* every registration behaves as REGCLS_MULTIPLEUSE */
	if (!rclsid || !pUnk || !lpdwRegister)
		return E_INVALIDARG;
	struct class_entry *e = malloc(sizeof(*e));
	if (!e)
		return E_OUTOFMEMORY;
	e->clsid = *rclsid;
	e->object = pUnk;
	e->next = NULL;
	IUnknown_AddRef(pUnk);
	pthread_mutex_lock(&classes_lock);
	e->cookie = next_cookie++;
	struct class_entry **tail = &classes;
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
	pthread_mutex_unlock(&classes_lock);
	*lpdwRegister = e->cookie;
	return S_OK;
}

XB_EXPORT HRESULT CoRevokeClassObject(DWORD dwRegister)
{
	struct class_entry *found = NULL;
	pthread_mutex_lock(&classes_lock);
	for (struct class_entry **p = &classes; *p; p = &(*p)->next) {
		if ((*p)->cookie == dwRegister) {
			found = *p;
			*p = found->next;
			break;
		}
	}
	pthread_mutex_unlock(&classes_lock);
	if (!found)
		return CO_E_OBJNOTREG;
	IUnknown_Release(found->object); /* outside the lock: it may call back into COM */
	free(found);
	return S_OK;
}

/* The registered class object of rclsid, AddRef'd, or NULL. */
static IUnknown *registered_object(REFCLSID rclsid)
{
	IUnknown *object = NULL;
	pthread_mutex_lock(&classes_lock);
	for (struct class_entry *e = classes; e; e = e->next) {
		if (IsEqualCLSID(&e->clsid, rclsid)) {
			object = e->object;
			IUnknown_AddRef(object);
			break;
		}
	}
	pthread_mutex_unlock(&classes_lock);
	return object;
}

XB_EXPORT HRESULT CoGetClassObject(REFCLSID rclsid, DWORD dwClsContext, LPVOID pvReserved, REFIID riid,
				   LPVOID *ppv)
{
	(void)pvReserved;
	if (!ppv)
		return E_INVALIDARG;
	*ppv = NULL;
	if (!rclsid || !riid)
		return E_INVALIDARG;
	if (!(dwClsContext & (CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER)))
		return REGDB_E_CLASSNOTREG; /* no local or remote servers here */
	IUnknown *object = registered_object(rclsid);
	if (object) {
		HRESULT hr = IUnknown_QueryInterface(object, riid, ppv);
		IUnknown_Release(object);
		return hr;
	}
	return xb_inproc_get_class_object(rclsid, riid, ppv);
}

XB_EXPORT HRESULT CoCreateInstance(REFCLSID rclsid, LPUNKNOWN pUnkOuter, DWORD dwClsContext, REFIID riid,
				   LPVOID *ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!riid)
		return E_INVALIDARG;
	IClassFactory *factory = NULL;
	HRESULT hr = CoGetClassObject(rclsid, dwClsContext, NULL, &IID_IClassFactory, (void **)&factory);
	if (FAILED(hr))
		return hr;
	hr = IClassFactory_CreateInstance(factory, pUnkOuter, riid, ppv);
	IClassFactory_Release(factory);
	if (FAILED(hr))
		*ppv = NULL;
	return hr;
}

XB_EXPORT void CoFreeUnusedLibraries(void)
{
	xb_inproc_free_unused();
}

/* Reads the default value of HKCR\<path> into a new buffer. */
static LSTATUS read_default(const OLECHAR *path, OLECHAR **out)
{
	DWORD size = 0;
	*out = NULL;
	LSTATUS status = RegGetValueW(HKEY_CLASSES_ROOT, path, NULL, RRF_RT_REG_SZ, NULL, NULL, &size);
	if (status != ERROR_SUCCESS)
		return status;
	*out = malloc(size + sizeof(OLECHAR));
	if (!*out)
		return ERROR_NOT_ENOUGH_MEMORY;
	status = RegGetValueW(HKEY_CLASSES_ROOT, path, NULL, RRF_RT_REG_SZ, NULL, *out, &size);
	if (status != ERROR_SUCCESS) {
		free(*out);
		*out = NULL;
	}
	return status;
}

/* path = prefix + name + suffix, as a new string. */
static OLECHAR *join(const OLECHAR *prefix, const OLECHAR *name, const OLECHAR *suffix)
{
	size_t a = xb_utf16_len(prefix), b = xb_utf16_len(name), c = xb_utf16_len(suffix);
	OLECHAR *s = malloc((a + b + c + 1) * sizeof(OLECHAR));
	if (!s)
		return NULL;
	memcpy(s, prefix, a * sizeof(OLECHAR));
	memcpy(s + a, name, b * sizeof(OLECHAR));
	memcpy(s + a + b, suffix, c * sizeof(OLECHAR));
	s[a + b + c] = 0;
	return s;
}

/* HKCR\<progid>\CLSID parsed, or CO_E_CLASSSTRING. */
static HRESULT clsid_of_progid(const OLECHAR *progid, CLSID *out)
{
	OLECHAR *path = join(u"", progid, u"\\CLSID"), *text = NULL;
	if (!path)
		return E_OUTOFMEMORY;
	LSTATUS status = read_default(path, &text);
	free(path);
	if (status == ERROR_NOT_ENOUGH_MEMORY)
		return E_OUTOFMEMORY;
	HRESULT hr = status == ERROR_SUCCESS && SUCCEEDED(IIDFromString(text, out)) ? S_OK : CO_E_CLASSSTRING;
	free(text);
	return hr;
}

XB_EXPORT HRESULT CLSIDFromProgID(LPCOLESTR lpszProgID, LPCLSID lpclsid)
{
	if (!lpszProgID || !lpclsid)
		return E_INVALIDARG;
	HRESULT hr = clsid_of_progid(lpszProgID, lpclsid);
	if (hr != CO_E_CLASSSTRING)
		return hr;
	/* A version-independent ProgID without a CLSID of its own names its current version in CurVer. */
	OLECHAR *path = join(u"", lpszProgID, u"\\CurVer"), *current = NULL;
	if (!path)
		return E_OUTOFMEMORY;
	LSTATUS status = read_default(path, &current);
	free(path);
	if (status == ERROR_SUCCESS && current[0] && xb_utf16_icmp(current, lpszProgID))
		hr = clsid_of_progid(current, lpclsid);
	free(current);
	return hr;
}

XB_EXPORT HRESULT ProgIDFromCLSID(REFCLSID clsid, LPOLESTR *lplpszProgID)
{
	if (!lplpszProgID)
		return E_INVALIDARG;
	*lplpszProgID = NULL;
	if (!clsid)
		return E_INVALIDARG;
	OLECHAR braced[40];
	StringFromGUID2(clsid, braced, 40);
	OLECHAR *path = join(u"CLSID\\", braced, u"\\ProgID"), *text = NULL;
	if (!path)
		return E_OUTOFMEMORY;
	LSTATUS status = read_default(path, &text);
	free(path);
	if (status != ERROR_SUCCESS)
		return status == ERROR_NOT_ENOUGH_MEMORY ? E_OUTOFMEMORY : REGDB_E_CLASSNOTREG;
	size_t len = xb_utf16_len(text);
	OLECHAR *out = CoTaskMemAlloc((len + 1) * sizeof(OLECHAR));
	if (out)
		memcpy(out, text, (len + 1) * sizeof(OLECHAR));
	free(text);
	if (!out)
		return E_OUTOFMEMORY;
	*lplpszProgID = out;
	return S_OK;
}
