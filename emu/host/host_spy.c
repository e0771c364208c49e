/*
 * Which BSTRs the module frees (host.h), seen through an IMallocSpy.
 *
 * The alternative, patching the module's import table so its
 * SysFreeString and VariantClear come here, sees only the calls the DLL
 * file itself imports: not a free made by a runtime DLL it uses (ATL's
 * CComBSTR in a C++ runtime, MFC), not one through GetProcAddress or a
 * delay-load, and not the other frees (VariantCopy into, VariantChangeType
 * in place, SysReAllocString). With oleaut32's BSTR cache off (SetOaNoCache,
 * and OANOCACHE=1 in the environment the engine gives the host) every
 * BSTR block goes back through CoTaskMemFree, so the spy sees the free
 * itself, whoever makes it. The host checks this at start with a BSTR of
 * its own (xb_host_spy_install) and tells the engine if it does not hold.
 *
 * A free is matched to a watched BSTR by address: the string lies within
 * the first 16 bytes of its block (Windows and Wine put the length prefix,
 * and padding on x64, before it).
 */
#include <stdlib.h>

#include "host.h"

struct watched {
	char *bstr;
	uint32_t number;
	int freed;
};

static CRITICAL_SECTION lock;
static struct watched *items;
static size_t n, cap;
static uint32_t last_number;

static void seen_free(void *block)
{
	if (!block)
		return;
	EnterCriticalSection(&lock);
	for (size_t i = 0; i < n; i++) {
		ptrdiff_t into = items[i].bstr - (char *)block;
		if (!items[i].freed && into >= 0 && into <= 16) {
			items[i].freed = 1;
			break;
		}
	}
	LeaveCriticalSection(&lock);
}

static HRESULT STDMETHODCALLTYPE spy_QueryInterface(IMallocSpy *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IMallocSpy))
		return E_NOINTERFACE;
	*ppv = iface;
	return S_OK;
}

/* A static object: its count is nobody's business. */
static ULONG STDMETHODCALLTYPE spy_AddRef(IMallocSpy *iface)
{
	(void)iface;
	return 2;
}

static ULONG STDMETHODCALLTYPE spy_Release(IMallocSpy *iface)
{
	(void)iface;
	return 1;
}

static SIZE_T STDMETHODCALLTYPE spy_PreAlloc(IMallocSpy *iface, SIZE_T cb)
{
	(void)iface;
	return cb;
}

static void *STDMETHODCALLTYPE spy_PostAlloc(IMallocSpy *iface, void *p)
{
	(void)iface;
	return p;
}

static void *STDMETHODCALLTYPE spy_PreFree(IMallocSpy *iface, void *p, BOOL spyed)
{
	(void)iface, (void)spyed;
	seen_free(p);
	return p;
}

static void STDMETHODCALLTYPE spy_PostFree(IMallocSpy *iface, BOOL spyed)
{
	(void)iface, (void)spyed;
}

/* A reallocation gives up the old string (SysReAllocString): on Linux that is a free too. */
static SIZE_T STDMETHODCALLTYPE spy_PreRealloc(IMallocSpy *iface, void *p, SIZE_T cb, void **out, BOOL spyed)
{
	(void)iface, (void)spyed;
	seen_free(p);
	*out = p;
	return cb;
}

static void *STDMETHODCALLTYPE spy_PostRealloc(IMallocSpy *iface, void *p, BOOL spyed)
{
	(void)iface, (void)spyed;
	return p;
}

static void *STDMETHODCALLTYPE spy_PreGetSize(IMallocSpy *iface, void *p, BOOL spyed)
{
	(void)iface, (void)spyed;
	return p;
}

static SIZE_T STDMETHODCALLTYPE spy_PostGetSize(IMallocSpy *iface, SIZE_T cb, BOOL spyed)
{
	(void)iface, (void)spyed;
	return cb;
}

static void *STDMETHODCALLTYPE spy_PreDidAlloc(IMallocSpy *iface, void *p, BOOL spyed)
{
	(void)iface, (void)spyed;
	return p;
}

static int STDMETHODCALLTYPE spy_PostDidAlloc(IMallocSpy *iface, void *p, BOOL spyed, int actual)
{
	(void)iface, (void)p, (void)spyed;
	return actual;
}

static void STDMETHODCALLTYPE spy_PreHeapMinimize(IMallocSpy *iface)
{
	(void)iface;
}

static void STDMETHODCALLTYPE spy_PostHeapMinimize(IMallocSpy *iface)
{
	(void)iface;
}

static const IMallocSpyVtbl spy_vtbl = {
	spy_QueryInterface, spy_AddRef,       spy_Release,         spy_PreAlloc,        spy_PostAlloc,
	spy_PreFree,        spy_PostFree,     spy_PreRealloc,      spy_PostRealloc,     spy_PreGetSize,
	spy_PostGetSize,    spy_PreDidAlloc,  spy_PostDidAlloc,    spy_PreHeapMinimize, spy_PostHeapMinimize,
};

static IMallocSpy spy = {&spy_vtbl};

uint32_t xb_host_spy_watch(BSTR b)
{
	EnterCriticalSection(&lock);
	if (n == cap) {
		size_t grown_cap = cap ? 2 * cap : 64;
		struct watched *grown = realloc(items, grown_cap * sizeof(*grown));
		if (!grown) {
			LeaveCriticalSection(&lock);
			return 0;
		}
		items = grown;
		cap = grown_cap;
	}
	if (++last_number == 0)
		last_number = 1;
	items[n++] = (struct watched){(char *)b, last_number, 0};
	uint32_t number = last_number;
	LeaveCriticalSection(&lock);
	return number;
}

int xb_host_spy_take(uint32_t number)
{
	int freed = 0;
	EnterCriticalSection(&lock);
	for (size_t i = 0; i < n; i++) {
		if (items[i].number == number) {
			freed = items[i].freed;
			if (freed)
				items[i] = items[--n];
			break;
		}
	}
	LeaveCriticalSection(&lock);
	return freed;
}

size_t xb_host_spy_take_freed(uint32_t *numbers, size_t max)
{
	size_t taken = 0;
	EnterCriticalSection(&lock);
	for (size_t i = 0; i < n && taken < max;) {
		if (items[i].freed) {
			numbers[taken++] = items[i].number;
			items[i] = items[--n];
		} else {
			i++;
		}
	}
	LeaveCriticalSection(&lock);
	return taken;
}

int xb_host_spy_install(void)
{
	InitializeCriticalSection(&lock);
	HMODULE oleaut = LoadLibraryW(L"oleaut32.dll");
	void(WINAPI * no_cache)(void) = oleaut ? (void(WINAPI *)(void))(void *)GetProcAddress(oleaut, "SetOaNoCache") : NULL;
	if (no_cache)
		no_cache();
	if (FAILED(CoRegisterMallocSpy(&spy)))
		return 0;
	/* The self-test: a BSTR of our own must be seen going. */
	BSTR probe = SysAllocString(L"exitbench");
	uint32_t number = xb_host_spy_watch(probe);
	SysFreeString(probe);
	return xb_host_spy_take(number);
}
