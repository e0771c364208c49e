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
 * A free is matched to a watched BSTR by address. The self-test learns
 * where in its block the allocator puts a BSTR (after the length prefix,
 * and padding on x64: 8 bytes on Wine), so a free is one lookup in a hash
 * table however many BSTRs a leaking module holds; should it not learn it,
 * a free matches the BSTR within the first 16 bytes of its block.
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"

/* An outstanding (handed out, not yet freed) BSTR. */
struct slot {
	char *bstr; /* NULL: an empty slot */
	uint32_t number;
};

static CRITICAL_SECTION lock;
static struct slot *table; /* open addressing, linear probing; capacity a power of two */
static size_t table_cap, table_n;
static uint32_t *freed; /* numbers of watched BSTRs freed, not yet taken */
static size_t nfreed, freed_cap;
static uint32_t last_number;
static ptrdiff_t offset = -1; /* BSTR minus block, or -1 when unknown */
static int probing;
static void *probe_block;

static size_t home(const char *bstr)
{
	uint64_t x = (uint64_t)(uintptr_t)bstr >> 3;
	x *= 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 20) & (table_cap - 1);
}

static size_t find(const char *bstr)
{
	for (size_t i = home(bstr);; i = (i + 1) & (table_cap - 1)) {
		if (!table[i].bstr)
			return (size_t)-1;
		if (table[i].bstr == bstr)
			return i;
	}
}

/* Removes slot i, shifting back the entries after it that probing would no longer reach. */
static void remove_slot(size_t i)
{
	size_t mask = table_cap - 1;
	table[i].bstr = NULL;
	table_n--;
	for (size_t j = (i + 1) & mask; table[j].bstr; j = (j + 1) & mask) {
		size_t h = home(table[j].bstr);
		/* the entry at j may move to the hole at i if its home is not in (i, j] */
		if (((j - h) & mask) >= ((j - i) & mask)) {
			table[i] = table[j];
			table[j].bstr = NULL;
			i = j;
		}
	}
}

static int insert(char *bstr, uint32_t number)
{
	if (2 * (table_n + 1) > table_cap) {
		size_t cap = table_cap ? 2 * table_cap : 256;
		struct slot *old = table, *grown = calloc(cap, sizeof(*grown));
		if (!grown)
			return -1;
		size_t old_cap = table_cap;
		table = grown;
		table_cap = cap;
		table_n = 0;
		for (size_t k = 0; k < old_cap; k++)
			if (old[k].bstr)
				insert(old[k].bstr, old[k].number);
		free(old);
	}
	size_t i = home(bstr);
	while (table[i].bstr && table[i].bstr != bstr)
		i = (i + 1) & (table_cap - 1);
	if (!table[i].bstr)
		table_n++;
	table[i] = (struct slot){bstr, number};
	return 0;
}

static void note_freed(uint32_t number)
{
	if (nfreed == freed_cap) {
		size_t cap = freed_cap ? 2 * freed_cap : 64;
		uint32_t *grown = realloc(freed, cap * sizeof(*grown));
		if (!grown)
			return; /* lost: the BSTR then looks leaked, never the reverse */
		freed = grown;
		freed_cap = cap;
	}
	freed[nfreed++] = number;
}

static void seen_free(void *block)
{
	if (!block)
		return;
	EnterCriticalSection(&lock);
	if (probing)
		probe_block = block;
	size_t i = (size_t)-1;
	if (table_n && offset >= 0) {
		i = find((char *)block + offset);
	} else {
		for (size_t k = 0; table_n && k < table_cap && i == (size_t)-1; k++) {
			ptrdiff_t into = table[k].bstr ? table[k].bstr - (char *)block : -1;
			if (into >= 0 && into <= 16)
				i = k;
		}
	}
	if (i != (size_t)-1) {
		note_freed(table[i].number);
		remove_slot(i);
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
	if (++last_number == 0)
		last_number = 1;
	uint32_t number = insert((char *)b, last_number) ? 0 : last_number;
	LeaveCriticalSection(&lock);
	return number;
}

int xb_host_spy_take(uint32_t number)
{
	int taken = 0;
	EnterCriticalSection(&lock);
	for (size_t i = nfreed; i-- > 0;) {
		if (freed[i] == number) {
			freed[i] = freed[--nfreed];
			taken = 1;
			break;
		}
	}
	LeaveCriticalSection(&lock);
	return taken;
}

size_t xb_host_spy_take_freed(uint32_t *numbers, size_t max)
{
	EnterCriticalSection(&lock);
	size_t taken = nfreed < max ? nfreed : max;
	memcpy(numbers, freed + nfreed - taken, taken * sizeof(*numbers));
	nfreed -= taken;
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
	/* The self-test: where a BSTR lies in its block, then a BSTR of our own must be seen going. */
	BSTR probe = SysAllocString(L"exitbench");
	EnterCriticalSection(&lock);
	probing = 1;
	LeaveCriticalSection(&lock);
	SysFreeString(probe);
	EnterCriticalSection(&lock);
	probing = 0;
	ptrdiff_t into = probe_block ? (char *)probe - (char *)probe_block : -1;
	offset = into >= 0 && into <= 16 ? into : -1;
	LeaveCriticalSection(&lock);
	probe = SysAllocString(L"exitbench");
	uint32_t number = xb_host_spy_watch(probe);
	SysFreeString(probe);
	return xb_host_spy_take(number);
}
