/* Windows exit module DLLs from Linux: the proxy objects and the calls behind them (bridge.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "bridge_proc.h"
#include "bridge_snapshot.h"
#include "inject.h"

/* A Linux BSTR standing for one the module kept, by the host's number for it. */
struct mirror {
	uint32_t number;
	BSTR bstr;
};

struct xb_bridge {
	ICertExit2 ICertExit2_iface;
	ICertManageModule ICertManageModule_iface;
	atomic_long exit_refs, manage_refs;
	pthread_mutex_t lock; /* one round trip at a time */
	struct xb_bridge_proc proc;
	int started;
	struct xb_engine *engine;
	unsigned long injector_generation; /* of the engine's rules the host decides with (engine.h); 0: none sent */
	int host_injects;                  /* the host has rules */
	struct xb_snap_source source;
	int timeout_ms;
	char *progid;
	char clsid_text[40];
	int is_exit2, qi_exit, has_can_unload;
	HRESULT can_unload;
	char **warnings;
	size_t nwarnings;
	struct mirror *mirrors; /* stand-ins for the BSTRs the module kept, until it frees them */
	size_t nmirrors, mirrors_cap;
	char dead[700]; /* why the host is gone; "" while it runs */
};

static struct xb_bridge *from_exit(ICertExit2 *iface)
{
	return (struct xb_bridge *)((char *)iface - offsetof(struct xb_bridge, ICertExit2_iface));
}

static struct xb_bridge *from_manage(ICertManageModule *iface)
{
	return (struct xb_bridge *)((char *)iface - offsetof(struct xb_bridge, ICertManageModule_iface));
}

int xb_bridge_is_pe(const char *path)
{
	unsigned char dos[64], pe[4];
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f)
		return 0;
	int is_pe = fread(dos, 1, sizeof(dos), f) == sizeof(dos) && dos[0] == 'M' && dos[1] == 'Z';
	if (is_pe) {
		long at = (long)((uint32_t)dos[60] | (uint32_t)dos[61] << 8 | (uint32_t)dos[62] << 16 |
				 (uint32_t)dos[63] << 24);
		is_pe = at > 0 && fseek(f, at, SEEK_SET) == 0 && fread(pe, 1, 4, f) == 4 && !memcmp(pe, "PE\0\0", 4);
	}
	fclose(f);
	return is_pe;
}

/* ---- faults, per calling thread ------------------------------------------------ */

struct fault_line {
	const struct xb_bridge *b;
	char *text;
};

static _Thread_local struct {
	struct fault_line *items;
	size_t n, cap;
} faults;

static void add_fault(const struct xb_bridge *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_fault(const struct xb_bridge *b, const char *fmt, ...)
{
	char text[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (faults.n == faults.cap) {
		size_t cap = faults.cap ? 2 * faults.cap : 8;
		struct fault_line *grown = realloc(faults.items, cap * sizeof(*grown));
		if (!grown)
			return;
		faults.items = grown;
		faults.cap = cap;
	}
	char *copy = strdup(text);
	if (copy)
		faults.items[faults.n++] = (struct fault_line){b, copy};
}

HRESULT xb_bridge_take_faults(struct xb_bridge *b, char ***lines, size_t *n)
{
	HRESULT hr = S_OK;
	size_t kept = 0;
	for (size_t i = 0; i < faults.n; i++) {
		if (faults.items[i].b != b) {
			faults.items[kept++] = faults.items[i];
			continue;
		}
		char **grown = SUCCEEDED(hr) ? realloc(*lines, (*n + 1) * sizeof(*grown)) : NULL;
		if (grown) {
			*lines = grown;
			grown[(*n)++] = faults.items[i].text;
		} else {
			free(faults.items[i].text);
			hr = E_OUTOFMEMORY;
		}
	}
	faults.n = kept;
	if (!faults.n) {
		free(faults.items);
		faults.items = NULL;
		faults.cap = 0;
	}
	return hr;
}

/* ---- one call ------------------------------------------------------------------- */

/* What a request is, in the words of a report ("Notify"). */
static const char *call_name(unsigned type)
{
	switch (type) {
	case XB_MSG_LOAD:
		return "loading";
	case XB_MSG_INITIALIZE:
		return "Initialize";
	case XB_MSG_GET_DESCRIPTION:
		return "GetDescription";
	case XB_MSG_GET_MANAGE_MODULE:
		return "GetManageModule";
	case XB_MSG_MANAGE_GET_PROPERTY:
		return "ICertManageModule::GetProperty";
	case XB_MSG_MANAGE_RELEASE:
		return "ICertManageModule::Release";
	case XB_MSG_NOTIFY:
		return "Notify";
	case XB_MSG_RELEASE:
		return "the final Release";
	default:
		return "a call";
	}
}

static void free_mirrors(struct xb_bridge *b)
{
	for (size_t i = 0; i < b->nmirrors; i++)
		SysFreeString(b->mirrors[i].bstr);
	b->nmirrors = 0;
}

/* The module freed a BSTR it had kept: so does its stand-in, and the engine sees the free. */
static void free_mirror(struct xb_bridge *b, uint32_t number)
{
	for (size_t i = 0; i < b->nmirrors; i++) {
		if (b->mirrors[i].number == number) {
			SysFreeString(b->mirrors[i].bstr);
			b->mirrors[i] = b->mirrors[--b->nmirrors];
			return;
		}
	}
}

static void keep_mirror(struct xb_bridge *b, uint32_t number, BSTR mirror)
{
	if (b->nmirrors == b->mirrors_cap) {
		size_t cap = b->mirrors_cap ? 2 * b->mirrors_cap : 16;
		struct mirror *grown = realloc(b->mirrors, cap * sizeof(*grown));
		if (!grown) {
			SysFreeString(mirror); /* seen as freed: a leak then goes unreported rather than the engine failing */
			return;
		}
		b->mirrors = grown;
		b->mirrors_cap = cap;
	}
	b->mirrors[b->nmirrors++] = (struct mirror){number, mirror};
}

/*
 * The host's log of server calls, played back through the engine's
 * observer as if the module had made them here: a handed-out BSTR gets a
 * Linux stand-in, freed at once when the module freed the original before
 * its call returned, else kept until the host reports the original freed
 * (in a later answer), or until the module is gone.
 */
static void replay_calls(struct xb_bridge *b, const struct xb_bridge_response *r)
{
	for (size_t i = 0; i < r->ncalls; i++) {
		const struct xb_call_record *c = &r->calls[i];
		BSTR mirror = c->handed ? SysAllocStringLen(NULL, 0) : NULL;
		struct xb_server_call call = {c->context, xb_bridge_method_name(c->method), c->name, c->type,
					      c->hr,      mirror,					     c->injected};
		if (b->engine)
			xb_engine_observe(b->engine, &call);
		if (!mirror)
			continue;
		if (c->freed || !b->engine)
			SysFreeString(mirror);
		else
			keep_mirror(b, c->bstr, mirror);
	}
	for (size_t i = 0; i < r->nfreed_earlier; i++)
		free_mirror(b, r->freed_earlier[i]);
	if (!b->engine)
		return;
	/* Server objects: what the module created and released here, as the engine counts its own. */
	for (uint32_t i = 0; i < r->servers_created; i++)
		xb_engine_server_born(b->engine);
	for (uint32_t i = 0; i < r->servers_released; i++)
		xb_engine_server_gone(b->engine);
}

/*
 * Sends the host the engine's fault injection rules when they changed
 * since it last got them: the host decides the module's server calls
 * itself, from the same specifications and seed. Under b->lock. S_OK; the
 * host's refusal of the rules (*refused set; the host goes on, without
 * rules); or a failure of the host itself (it is gone). why says which.
 */
static HRESULT send_injector(struct xb_bridge *b, int *refused, char *why, size_t n)
{
	unsigned long generation = 0;
	struct xb_injector *in = b->engine ? xb_engine_injector(b->engine, &generation) : NULL;
	if (generation == b->injector_generation || (!in && !b->host_injects)) {
		b->injector_generation = generation;
		return S_OK;
	}
	struct xb_bridge_request q = {.type = XB_MSG_INJECT};
	if (in) {
		q.specs = xb_injector_specs(in, &q.nspecs);
		q.seed = xb_injector_seed(in);
	}
	struct xb_bridge_response r;
	HRESULT hr = xb_bridge_proc_call(&b->proc, &q, &r, b->timeout_ms, why, n);
	if (FAILED(hr)) /* not the module's hang: the host's, and why says so */
		return hr == HRESULT_FROM_WIN32(ERROR_TIMEOUT) ? RPC_E_DISCONNECTED : hr;
	b->host_injects = SUCCEEDED(r.hr) && q.nspecs; /* a refusal leaves the host without rules */
	if (FAILED(r.hr)) {
		*refused = 1;
		snprintf(why, n, "exitbench-host.exe cannot apply --inject: %s", r.error);
		return r.hr;
	}
	b->injector_generation = generation;
	return S_OK;
}

/*
 * One round trip. Calls into the module carry the snapshot (kind, context:
 * the Notify's) and have their log played back. Returns what the call
 * returned: the module's HRESULT (r->hr), or why it did not (the host is
 * gone, the call timed out), with a fault line for the report.
 */
static HRESULT round_trip(struct xb_bridge *b, struct xb_bridge_request *q, struct xb_bridge_response *r)
{
	const char *what = call_name(q->type);
	memset(r, 0, sizeof(*r));
	pthread_mutex_lock(&b->lock);
	if (b->dead[0]) {
		add_fault(b, "%s was not called: %s", what, b->dead);
		pthread_mutex_unlock(&b->lock);
		return RPC_E_DISCONNECTED;
	}
	int calls_module = xb_bridge_calls_module(q->type);
	char why[600];
	int refused = 0;
	/* Rules changed since the host got them (the Check helpers' xb_check_ca_inject): first the new ones. */
	HRESULT hr = calls_module ? send_injector(b, &refused, why, sizeof(why)) : S_OK;
	if (refused) {
		add_fault(b, "%s was not called: %s", what, why);
		pthread_mutex_unlock(&b->lock);
		return hr;
	}
	if (calls_module && SUCCEEDED(hr)) {
		hr = xb_snap_source_build(&b->source, b->engine, q->type == XB_MSG_NOTIFY ? q->event : 0,
					  q->type == XB_MSG_NOTIFY ? q->context : 0);
		q->snap = b->source.snap;
		if (FAILED(hr))
			snprintf(why, sizeof(why), "out of memory building the event snapshot");
	}
	if (SUCCEEDED(hr))
		hr = xb_bridge_proc_call(&b->proc, q, r, b->timeout_ms, why, sizeof(why));
	if (hr == HRESULT_FROM_WIN32(ERROR_TIMEOUT)) {
		snprintf(b->dead, sizeof(b->dead), "exitbench-host.exe was stopped after %s did not return within %d ms",
			 what, b->timeout_ms);
		add_fault(b, "the module did not return from %s within %d ms: exitbench-host.exe was stopped", what,
			  b->timeout_ms);
		hr = XB_BRIDGE_E_TIMEOUT;
	} else if (FAILED(hr)) {
		snprintf(b->dead, sizeof(b->dead), "%s", why);
		add_fault(b, "%s", why);
		if (hr != E_OUTOFMEMORY)
			hr = RPC_E_DISCONNECTED;
	} else if (calls_module) {
		replay_calls(b, r);
		xb_snap_source_after(&b->source, r->derive_triggered);
		if (r->fault.kind == XB_FAULT_EXCEPTION)
			add_fault(b, "the module crashed in %s: %s", what, r->fault.text);
		hr = r->hr;
	}
	pthread_mutex_unlock(&b->lock);
	return hr;
}

/* ---- the ICertExit2 proxy -------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE exit_QueryInterface(ICertExit2 *iface, REFIID riid, void **ppv)
{
	struct xb_bridge *b = from_exit(iface);
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!riid)
		return E_INVALIDARG;
	/* What the object in the host answered (asked there once, at load). */
	if (IsEqualIID(riid, &IID_IUnknown) || (IsEqualIID(riid, &IID_ICertExit) && b->qi_exit) ||
	    (IsEqualIID(riid, &IID_ICertExit2) && b->is_exit2)) {
		*ppv = iface;
		ICertExit2_AddRef(iface);
		return S_OK;
	}
	return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE exit_AddRef(ICertExit2 *iface)
{
	return (ULONG)atomic_fetch_add(&from_exit(iface)->exit_refs, 1) + 1;
}

/* The last reference here is the final Release there, and DllCanUnloadNow right after it. */
static ULONG STDMETHODCALLTYPE exit_Release(ICertExit2 *iface)
{
	struct xb_bridge *b = from_exit(iface);
	long left = atomic_fetch_sub(&b->exit_refs, 1) - 1;
	if (left != 0)
		return (ULONG)left;
	struct xb_bridge_request q = {.type = XB_MSG_RELEASE};
	struct xb_bridge_response r;
	HRESULT hr = round_trip(b, &q, &r);
	b->can_unload = r.type == XB_MSG_RESULT ? r.can_unload : hr;
	return r.refs;
}

static HRESULT STDMETHODCALLTYPE exit_GetTypeInfoCount(ICertExit2 *iface, UINT *count)
{
	(void)iface;
	if (!count)
		return E_POINTER;
	*count = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE exit_GetTypeInfo(ICertExit2 *iface, UINT index, LCID lcid, ITypeInfo **info)
{
	(void)iface, (void)index, (void)lcid;
	if (info)
		*info = NULL;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE exit_GetIDsOfNames(ICertExit2 *iface, REFIID riid, LPOLESTR *names, UINT count,
						    LCID lcid, DISPID *ids)
{
	(void)iface, (void)riid, (void)names, (void)count, (void)lcid, (void)ids;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE exit_Invoke(ICertExit2 *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
					     DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *argerr)
{
	(void)iface, (void)id, (void)riid, (void)lcid, (void)flags, (void)params, (void)result, (void)excep;
	(void)argerr;
	return E_NOTIMPL;
}

/* The module's configuration values as the engine seeded them (--set), to be written where the DLL reads them. */
static void read_settings(const char *location, struct xb_wire_setting **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	OLECHAR *key = NULL;
	HKEY k;
	if (!location || FAILED(xb_utf8_to_utf16(location, XB_NUL_TERMINATED, &key, NULL, NULL)))
		return;
	LSTATUS status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_READ, &k);
	free(key);
	if (status != ERROR_SUCCESS)
		return;
	for (DWORD i = 0;; i++) {
		OLECHAR name[16384];
		DWORD cch = 16384, type = 0, size = 0;
		if (RegEnumValueW(k, i, name, &cch, NULL, &type, NULL, &size) != ERROR_SUCCESS)
			break;
		unsigned char *data = malloc(size ? size : 1);
		cch = 16384;
		char *name8 = NULL;
		struct xb_wire_setting *grown = realloc(*out, (*n + 1) * sizeof(*grown));
		if (!data || !grown || RegEnumValueW(k, i, name, &cch, NULL, &type, data, &size) != ERROR_SUCCESS ||
		    FAILED(xb_utf16_to_utf8(name, XB_NUL_TERMINATED, &name8, NULL, NULL))) {
			free(data);
			if (grown)
				*out = grown;
			continue;
		}
		*out = grown;
		grown[(*n)++] = (struct xb_wire_setting){name8, type, data, size};
	}
	RegCloseKey(k);
}

static void free_settings(struct xb_wire_setting *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)s[i].name);
		free((unsigned char *)s[i].data);
	}
	free(s);
}

static HRESULT STDMETHODCALLTYPE exit_Initialize(ICertExit2 *iface, const BSTR strConfig, LONG *pEventMask)
{
	struct xb_bridge *b = from_exit(iface);
	char *config = NULL;
	if (!pEventMask)
		return E_POINTER;
	if (strConfig && FAILED(xb_utf8_from_bstr(strConfig, &config, NULL)))
		return E_INVALIDARG;
	const char *location = xb_engine_module_location();
	struct xb_bridge_request q = {.type = XB_MSG_INITIALIZE, .config = config ? config : "",
				      .location = location ? location : "", .mask_sentinel = *pEventMask};
	struct xb_wire_setting *settings;
	read_settings(location, &settings, &q.nsettings);
	q.settings = settings;
	struct xb_bridge_response r;
	HRESULT hr = round_trip(b, &q, &r);
	if (r.type == XB_MSG_RESULT)
		*pEventMask = r.mask;
	free_settings(settings, q.nsettings);
	free(config);
	return hr;
}

static HRESULT STDMETHODCALLTYPE exit_Notify(ICertExit2 *iface, LONG ExitEvent, LONG Context)
{
	struct xb_bridge_request q = {.type = XB_MSG_NOTIFY, .event = ExitEvent, .context = Context};
	struct xb_bridge_response r;
	return round_trip(from_exit(iface), &q, &r);
}

static BSTR text_bstr(const struct xb_wire_wstr *t)
{
	return t->units ? SysAllocStringLen((const OLECHAR *)t->units, (UINT)t->n) : NULL;
}

static HRESULT STDMETHODCALLTYPE exit_GetDescription(ICertExit2 *iface, BSTR *pstrDescription)
{
	if (!pstrDescription)
		return E_POINTER;
	*pstrDescription = NULL;
	struct xb_bridge_request q = {.type = XB_MSG_GET_DESCRIPTION};
	struct xb_bridge_response r;
	HRESULT hr = round_trip(from_exit(iface), &q, &r);
	if (r.type == XB_MSG_RESULT)
		*pstrDescription = text_bstr(&r.text);
	return hr;
}

static HRESULT STDMETHODCALLTYPE exit_GetManageModule(ICertExit2 *iface, ICertManageModule **ppManageModule)
{
	struct xb_bridge *b = from_exit(iface);
	if (!ppManageModule)
		return E_POINTER;
	*ppManageModule = NULL;
	struct xb_bridge_request q = {.type = XB_MSG_GET_MANAGE_MODULE};
	struct xb_bridge_response r;
	HRESULT hr = round_trip(b, &q, &r);
	if (r.type == XB_MSG_RESULT && r.has_object) {
		atomic_fetch_add(&b->manage_refs, 1);
		*ppManageModule = &b->ICertManageModule_iface;
	}
	return hr;
}

static const ICertExit2Vtbl exit_vtbl = {
	exit_QueryInterface, exit_AddRef,     exit_Release,        exit_GetTypeInfoCount, exit_GetTypeInfo,
	exit_GetIDsOfNames,  exit_Invoke,     exit_Initialize,     exit_Notify,           exit_GetDescription,
	exit_GetManageModule,
};

/* ---- the ICertManageModule proxy --------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE manage_QueryInterface(ICertManageModule *iface, REFIID riid, void **ppv)
{
	if (!ppv)
		return E_POINTER;
	*ppv = NULL;
	if (!riid)
		return E_INVALIDARG;
	if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_ICertManageModule))
		return E_NOINTERFACE;
	*ppv = iface;
	ICertManageModule_AddRef(iface);
	return S_OK;
}

static ULONG STDMETHODCALLTYPE manage_AddRef(ICertManageModule *iface)
{
	return (ULONG)atomic_fetch_add(&from_manage(iface)->manage_refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE manage_Release(ICertManageModule *iface)
{
	struct xb_bridge *b = from_manage(iface);
	long left = atomic_fetch_sub(&b->manage_refs, 1) - 1;
	if (left != 0)
		return (ULONG)left;
	struct xb_bridge_request q = {.type = XB_MSG_MANAGE_RELEASE};
	struct xb_bridge_response r;
	round_trip(b, &q, &r);
	return r.refs;
}

static struct xb_wire_wstr wire_text(const BSTR b)
{
	return (struct xb_wire_wstr){(const uint16_t *)b, b ? SysStringLen(b) : 0};
}

/* Types whose value is not shipped: the engine only reports them; their value stays zero (owning nothing). */
static HRESULT STDMETHODCALLTYPE manage_GetProperty(ICertManageModule *iface, const BSTR strConfig,
						    BSTR strStorageLocation, BSTR strPropertyName, LONG Flags,
						    VARIANT *pvarProperty)
{
	if (!pvarProperty)
		return E_POINTER;
	VariantInit(pvarProperty);
	struct xb_bridge_request q = {.type = XB_MSG_MANAGE_GET_PROPERTY, .manage_config = wire_text(strConfig),
				      .manage_location = wire_text(strStorageLocation),
				      .manage_name = wire_text(strPropertyName), .manage_flags = Flags};
	struct xb_bridge_response r;
	HRESULT hr = round_trip(from_manage(iface), &q, &r);
	if (r.type == XB_MSG_RESULT && r.vt != VT_EMPTY) {
		V_VT(pvarProperty) = r.vt;
		if (r.vt == VT_BSTR)
			V_BSTR(pvarProperty) = text_bstr(&r.text);
	}
	return hr;
}

static HRESULT STDMETHODCALLTYPE manage_SetProperty(ICertManageModule *iface, const BSTR strConfig,
						    BSTR strStorageLocation, BSTR strPropertyName, LONG Flags,
						    const VARIANT *pvalProperty)
{
	(void)iface, (void)strConfig, (void)strStorageLocation, (void)strPropertyName, (void)Flags, (void)pvalProperty;
	return E_NOTIMPL; /* the engine never sets one */
}

static HRESULT STDMETHODCALLTYPE manage_Configure(ICertManageModule *iface, const BSTR strConfig,
						  BSTR strStorageLocation, LONG Flags)
{
	(void)iface, (void)strConfig, (void)strStorageLocation, (void)Flags;
	return E_NOTIMPL; /* a dialog box: nothing for a test harness */
}

static HRESULT STDMETHODCALLTYPE manage_GetTypeInfoCount(ICertManageModule *iface, UINT *count)
{
	(void)iface;
	if (!count)
		return E_POINTER;
	*count = 0;
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE manage_GetTypeInfo(ICertManageModule *iface, UINT index, LCID lcid, ITypeInfo **info)
{
	(void)iface, (void)index, (void)lcid;
	if (info)
		*info = NULL;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE manage_GetIDsOfNames(ICertManageModule *iface, REFIID riid, LPOLESTR *names,
						      UINT count, LCID lcid, DISPID *ids)
{
	(void)iface, (void)riid, (void)names, (void)count, (void)lcid, (void)ids;
	return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE manage_Invoke(ICertManageModule *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
					       DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *argerr)
{
	(void)iface, (void)id, (void)riid, (void)lcid, (void)flags, (void)params, (void)result, (void)excep;
	(void)argerr;
	return E_NOTIMPL;
}

static const ICertManageModuleVtbl manage_vtbl = {
	manage_QueryInterface, manage_AddRef,	   manage_Release,     manage_GetTypeInfoCount, manage_GetTypeInfo,
	manage_GetIDsOfNames,  manage_Invoke,	   manage_GetProperty, manage_SetProperty,      manage_Configure,
};

/* ---- loading -------------------------------------------------------------------------- */

static HRESULT load(struct xb_bridge *b, const struct xb_module_spec *spec, struct xb_bridge_module *info,
		    xb_error *err)
{
	HRESULT hr = xb_bridge_proc_start(&b->proc, err);
	if (FAILED(hr))
		return hr;
	b->started = 1;
	if (!b->proc.bstr_tracking)
		b->warnings[b->nwarnings++] =
			strdup("exitbench-host.exe cannot see the module free BSTRs (IMallocSpy did not work): "
			       "unfreed BSTRs go unreported");
	struct xb_bridge_request q = {.type = XB_MSG_LOAD, .path = spec->path, .progid = spec->progid,
				      .clsid = spec->clsid};
	struct xb_bridge_response r;
	char why[600];
	/* Loading runs the module's DllMain and DllRegisterServer: the per-call limit applies. */
	hr = xb_bridge_proc_call(&b->proc, &q, &r, b->timeout_ms, why, sizeof(why));
	if (hr == HRESULT_FROM_WIN32(ERROR_TIMEOUT))
		return xb_error_set(err, XB_BRIDGE_E_TIMEOUT, 0, "the module did not finish loading within %d ms",
				    b->timeout_ms);
	if (FAILED(hr))
		return xb_error_set(err, hr, 0, "%s", why);
	if (FAILED(r.hr))
		return xb_error_set(err, r.hr, 0, "%s", r.error);
	OLECHAR clsid16[40];
	for (int i = 0; i < 39 && r.clsid[i]; i++)
		clsid16[i] = (OLECHAR)r.clsid[i], clsid16[i + 1] = 0;
	if (strlen(r.clsid) != 38 || FAILED(IIDFromString(clsid16, &info->clsid)))
		return xb_error_set(err, RPC_E_SERVERFAULT, 0, "exitbench-host.exe answered a malformed CLSID \"%s\"",
				    r.clsid);
	snprintf(b->clsid_text, sizeof(b->clsid_text), "%s", r.clsid);
	if (r.progid && !(b->progid = strdup(r.progid)))
		return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	char **grown = realloc(b->warnings, (b->nwarnings + r.nwarnings + 1) * sizeof(*grown));
	if (!grown)
		return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	b->warnings = grown;
	for (size_t i = 0; i < r.nwarnings; i++)
		if ((grown[b->nwarnings] = strdup(r.warnings[i])))
			b->nwarnings++;
	b->is_exit2 = r.is_exit2;
	b->qi_exit = r.qi_exit;
	b->has_can_unload = r.has_can_unload;
	info->progid = b->progid;
	info->is_exit2 = b->is_exit2;
	info->has_can_unload = b->has_can_unload;
	info->warnings = (const char *const *)b->warnings;
	info->nwarnings = b->nwarnings;
	atomic_store(&b->exit_refs, 1);
	info->object = (ICertExit *)&b->ICertExit2_iface;
	return S_OK;
}

HRESULT xb_bridge_load(const struct xb_module_spec *spec, struct xb_bridge **out, struct xb_bridge_module *info,
		       xb_error *err)
{
	*out = NULL;
	memset(info, 0, sizeof(*info));
	struct xb_bridge *b = calloc(1, sizeof(*b));
	if (!b || !(b->warnings = calloc(1, sizeof(*b->warnings)))) {
		free(b);
		return xb_error_set(err, E_OUTOFMEMORY, 0, "out of memory");
	}
	b->ICertExit2_iface.lpVtbl = &exit_vtbl;
	b->ICertManageModule_iface.lpVtbl = &manage_vtbl;
	pthread_mutex_init(&b->lock, NULL);
	b->timeout_ms = xb_bridge_call_timeout();
	b->can_unload = E_PENDING;
	HRESULT hr = load(b, spec, info, err);
	if (FAILED(hr)) {
		xb_bridge_free(b);
		memset(info, 0, sizeof(*info));
		return hr;
	}
	*out = b;
	return S_OK;
}

HRESULT xb_bridge_set_engine(struct xb_bridge *b, struct xb_engine *engine, xb_error *err)
{
	pthread_mutex_lock(&b->lock);
	b->engine = engine;
	HRESULT hr = S_OK;
	char why[600];
	int refused = 0;
	/* The rules now, so that a host refusing them stops a replay before it starts. */
	if (!b->dead[0] && FAILED(hr = send_injector(b, &refused, why, sizeof(why)))) {
		if (!refused)
			snprintf(b->dead, sizeof(b->dead), "%s", why);
		xb_error_set(err, hr, 0, "%s", why);
	}
	pthread_mutex_unlock(&b->lock);
	return hr;
}

void xb_bridge_set_timeout(struct xb_bridge *b, unsigned ms)
{
	pthread_mutex_lock(&b->lock);
	b->timeout_ms = ms ? (int)(ms > 86400000u ? 86400000u : ms) : xb_bridge_call_timeout();
	pthread_mutex_unlock(&b->lock);
}

HRESULT xb_bridge_can_unload(const struct xb_bridge *b)
{
	return b->can_unload;
}

void xb_bridge_free(struct xb_bridge *b)
{
	if (!b)
		return;
	if (b->started)
		xb_bridge_proc_stop(&b->proc);
	char **lines = NULL;
	size_t n = 0;
	xb_bridge_take_faults(b, &lines, &n); /* nobody will ask any more */
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free_mirrors(b);
	free(b->mirrors);
	xb_snap_source_free(&b->source);
	for (size_t i = 0; i < b->nwarnings; i++)
		free(b->warnings[i]);
	free(b->warnings);
	free(b->progid);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
