/*
 * The bridge's test module: one kit module built as a Linux .so and as a
 * Windows DLL (tests/Makemodule.am), whose behaviour its configuration
 * value Mode chooses (exitbench replay --set Mode=...), so the suite can
 * replay one trace against both builds and compare what the engine saw
 * (tests/bridge/bridge.sh). The value reaches the DLL only if the bridge
 * ships the module's settings into the Wine registry: every run checks that.
 *
 *   enum     (default) read the usual properties, both enumerations, every
 *            extension with its flags, a few attributes; free everything
 *   leak     as enum, but keep the BSTR of GetCertificateProperty(SerialNumber)
 *   keep     as leak, but free the kept BSTR at the next certificate event and at
 *            shutdown (allowed: a warning, no leak)
 *   objects  create a second ICertServerExit on certissued and never release it
 *   misuse   GetRequestProperty before SetContext, and a wrong PropertyType
 *   crash    dereference NULL in Notify(certissued)         (the DLL only)
 *   hang     never return from Notify(certissued)           (the DLL only)
 */
/* exitbench.h first: on Windows it includes <windows.h> itself, after the macros it needs (CONST_VTABLE...). */
#include "exitbench.h"

#include <stdlib.h>
#include <string.h>
#if !defined(_WIN32)
# include <unistd.h>
#endif

enum mode { MODE_ENUM, MODE_LEAK, MODE_KEEP, MODE_OBJECTS, MODE_MISUSE, MODE_CRASH, MODE_HANG };

static const char *const mode_names[] = {"enum", "leak", "keep", "objects", "misuse", "crash", "hang"};

struct state {
	enum mode mode;
	BSTR kept; /* Mode=keep: the last serial number, freed later */
};

static HRESULT bridge_initialize(xb_kit_module *module, const char *ca_name, LONG *event_mask)
{
	(void)ca_name;
	struct state *s = calloc(1, sizeof(*s));
	if (!s)
		return E_OUTOFMEMORY;
	char *mode = NULL;
	HRESULT hr = xb_kit_config_string(module, "Mode", &mode);
	for (size_t i = 0; hr == S_OK && i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(mode, mode_names[i]))
			s->mode = (enum mode)i;
	free(mode);
	xb_kit_set_state(module, s);
	*event_mask = 0x2FF;
	return FAILED(hr) ? hr : S_OK;
}

static void bridge_destroy(xb_kit_module *module)
{
	struct state *s = xb_kit_get_state(module);
	if (s)
		SysFreeString(s->kept);
	free(s);
}

static HRESULT count_attribute(void *ctx, const char *name, const char *value)
{
	(void)name, (void)value;
	(*(int *)ctx)++;
	return S_OK;
}

static HRESULT count_extension(void *ctx, const char *oid, LONG flags, const unsigned char *value, size_t len)
{
	(void)oid, (void)value, (void)len, (void)flags;
	(*(int *)ctx)++;
	return S_OK;
}

/* What most modules read: values, derived ones, an attribute, the extensions. Everything freed. */
static void read_event(ICertServerExit *server, int certificate)
{
	static const char *const request_names[] = {"RequestID", "RequesterName", "CommonName", "DistinguishedName",
						     "Request.Disposition", "RawRequest"};
	static const char *const certificate_names[] = {"SerialNumber", "NotBefore", "NotAfter", "DistinguishedName",
							"CN", "RawCertificate", "PublicKeyLength", "UPN"};
	for (size_t i = 0; i < sizeof(request_names) / sizeof(request_names[0]); i++) {
		VARIANT v;
		BSTR name = NULL;
		if (FAILED(xb_bstr_from_utf8(request_names[i], XB_NUL_TERMINATED, &name, NULL)))
			continue;
		LONG type = i == 0 || i == 4 ? PROPTYPE_LONG : i == 5 ? PROPTYPE_BINARY : PROPTYPE_STRING;
		if (SUCCEEDED(ICertServerExit_GetRequestProperty(server, name, type, &v)))
			VariantClear(&v);
		SysFreeString(name);
	}
	for (size_t i = 0; certificate && i < sizeof(certificate_names) / sizeof(certificate_names[0]); i++) {
		VARIANT v;
		BSTR name = NULL;
		if (FAILED(xb_bstr_from_utf8(certificate_names[i], XB_NUL_TERMINATED, &name, NULL)))
			continue;
		LONG type = i == 1 || i == 2 ? PROPTYPE_DATE : i == 5 ? PROPTYPE_BINARY : i == 6 ? PROPTYPE_LONG
												  : PROPTYPE_STRING;
		if (SUCCEEDED(ICertServerExit_GetCertificateProperty(server, name, type, &v)))
			VariantClear(&v);
		SysFreeString(name);
	}
	char *template_name = NULL;
	xb_kit_get_attribute(server, "CertificateTemplate", &template_name);
	free(template_name);
	int attributes = 0, extensions = 0;
	xb_kit_for_each_attribute(server, count_attribute, &attributes);
	xb_kit_for_each_extension(server, count_extension, &extensions);
	xb_kit_log(XB_KIT_LOG_DEBUG, "%d attributes, %d extensions", attributes, extensions);
}

static HRESULT bridge_notify(xb_kit_module *module, LONG event, LONG context)
{
	struct state *s = xb_kit_get_state(module);
	if (event == EXITEVENT_SHUTDOWN || event == EXITEVENT_STARTUP) {
		SysFreeString(s->kept);
		s->kept = NULL;
		return S_OK;
	}
	int certificate = event == EXITEVENT_CERTISSUED || event == EXITEVENT_CERTREVOKED ||
			  event == EXITEVENT_CERTIMPORTED;
	if (event == EXITEVENT_CERTISSUED && s->mode == MODE_CRASH)
		*(volatile int *)(uintptr_t)context /* never a valid address */ = 0;
	while (event == EXITEVENT_CERTISSUED && s->mode == MODE_HANG) {
#if defined(_WIN32)
		Sleep(1000);
#else
		sleep(1);
#endif
	}
	ICertServerExit *server = NULL;
	if (s->mode == MODE_MISUSE) {
		/* Before SetContext, and then asking a LONG as a STRING. */
		HRESULT hr = CoCreateInstance(&CLSID_CCertServerExit, NULL, CLSCTX_INPROC_SERVER, &IID_ICertServerExit,
					      (void **)&server);
		if (FAILED(hr))
			return hr;
		VARIANT v;
		BSTR name = SysAllocString(OLESTR("RequestID"));
		if (event != EXITEVENT_CRLISSUED && SUCCEEDED(ICertServerExit_GetRequestProperty(server, name, PROPTYPE_LONG, &v)))
			VariantClear(&v);
		if (SUCCEEDED(ICertServerExit_SetContext(server, context)) &&
		    SUCCEEDED(ICertServerExit_GetRequestProperty(server, name, PROPTYPE_STRING, &v)))
			VariantClear(&v);
		SysFreeString(name);
		ICertServerExit_Release(server);
		return S_OK;
	}
	HRESULT hr = xb_kit_server_open(context, &server);
	if (FAILED(hr))
		return hr;
	if (event == EXITEVENT_CRLISSUED) {
		LONG count = 0;
		xb_kit_get_long(server, XB_KIT_CERTIFICATE, "CertCount", &count);
	} else {
		read_event(server, certificate);
	}
	if (certificate && (s->mode == MODE_LEAK || s->mode == MODE_KEEP)) {
		VARIANT v;
		BSTR name = SysAllocString(OLESTR("SerialNumber"));
		HRESULT got = ICertServerExit_GetCertificateProperty(server, name, PROPTYPE_STRING, &v); /* never cleared */
		SysFreeString(name);
		if (s->mode == MODE_KEEP && SUCCEEDED(got) && V_VT(&v) == VT_BSTR) {
			SysFreeString(s->kept); /* the one kept in an earlier Notify */
			s->kept = V_BSTR(&v);
		}
	}
	if (event == EXITEVENT_CERTISSUED && s->mode == MODE_OBJECTS) {
		ICertServerExit *kept = NULL; /* created and never released */
		CoCreateInstance(&CLSID_CCertServerExit, NULL, CLSCTX_INPROC_SERVER, &IID_ICertServerExit, (void **)&kept);
	}
	ICertServerExit_Release(server);
	return S_OK;
}

XB_EXIT_MODULE(bridge, "XbBridgeTest", "{0C6A45D1-62B7-4C2B-9E0F-3A6D1B8E7F21}",
	       "{0C6A45D1-62B7-4C2B-9E0F-3A6D1B8E7F22}", .initialize = bridge_initialize, .notify = bridge_notify,
	       .destroy = bridge_destroy, .description = "The bridge's test module", .display_name = "Bridge Test",
	       .copyright = "Copyright (c) the exitbench authors", .file_version = "1.0", .product_version = XB_VERSION);
