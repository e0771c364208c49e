/*
 * hello: the smallest complete exit module. It subscribes to every event
 * and logs one line for each: the event, the request ID and the subject;
 * for a CRL, how many CRLs the CA publishes. It changes nothing.
 *
 * Built as modules/hello.so on Linux (the engine loads it) and, with
 * mingw-w64, as hello.dll (regsvr32 registers it as Hello.Exit; certutil
 * -setreg or the CA console activates it). docs/modules/hello.md.
 */
#include <stdio.h>
#include <stdlib.h>

#include "exitbench.h"

#include "hello_version.h"

/* Every event, CERTIMPORTED included (0x2FF). */
#define HELLO_EVENTS                                                                                  \
	(EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING | EXITEVENT_CERTDENIED | EXITEVENT_CERTREVOKED | \
	 EXITEVENT_CERTRETRIEVEPENDING | EXITEVENT_CRLISSUED | EXITEVENT_SHUTDOWN | EXITEVENT_STARTUP |  \
	 EXITEVENT_CERTIMPORTED)

static const struct {
	LONG event;
	const char *name;
	int certificate; /* the certificate exists: its subject is the one to show */
} events[] = {
	{EXITEVENT_CERTISSUED, "certissued", 1},
	{EXITEVENT_CERTPENDING, "certpending", 0},
	{EXITEVENT_CERTDENIED, "certdenied", 0},
	{EXITEVENT_CERTREVOKED, "certrevoked", 1},
	{EXITEVENT_CERTRETRIEVEPENDING, "certretrievepending", 0},
	{EXITEVENT_CRLISSUED, "crlissued", 0},
	{EXITEVENT_SHUTDOWN, "shutdown", 0},
	{EXITEVENT_STARTUP, "startup", 0},
	{EXITEVENT_CERTIMPORTED, "certimported", 1},
};

static HRESULT hello_initialize(xb_kit_module *module, const char *ca_name, LONG *event_mask)
{
	(void)module;
	*event_mask = HELLO_EVENTS;
	xb_kit_log(XB_KIT_LOG_INFO, "initialized for CA \"%s\"", ca_name);
	return S_OK;
}

/* The CRLs the CA publishes: one per CA certificate whose CRLState is valid, as the SDK sample counts them. */
static void log_crls(ICertServerExit *server)
{
	LONG certs = 0, crls = 0;
	HRESULT hr = xb_kit_get_long(server, XB_KIT_CERTIFICATE, "CertCount", &certs);
	if (FAILED(hr)) {
		char buf[XB_HRESULT_BUFSIZE];
		xb_kit_log(XB_KIT_LOG_WARNING, "crlissued: no CertCount: %s", xb_hresult_format(hr, buf));
		return;
	}
	for (LONG i = 0; i < certs; i++) {
		char name[32];
		LONG state = 0;
		snprintf(name, sizeof(name), "CRLState.%ld", (long)i);
		if (SUCCEEDED(xb_kit_get_long(server, XB_KIT_CERTIFICATE, name, &state)) && state == CA_DISP_VALID)
			crls++;
	}
	xb_kit_log(XB_KIT_LOG_INFO, "crlissued: %ld CRL(s) published for %ld CA certificate(s)", (long)crls,
		   (long)certs);
}

static void log_request(ICertServerExit *server, const char *event, int certificate)
{
	char buf[XB_HRESULT_BUFSIZE], *subject = NULL;
	LONG id = 0;
	HRESULT hr = xb_kit_get_long(server, XB_KIT_REQUEST, "RequestID", &id);
	if (FAILED(hr))
		xb_kit_log(XB_KIT_LOG_WARNING, "%s: no RequestID: %s", event, xb_hresult_format(hr, buf));
	/* Before issuance only the request has a subject; CERTSRV_E_PROPERTY_EMPTY is an empty one. */
	hr = xb_kit_get_string(server, certificate ? XB_KIT_CERTIFICATE : XB_KIT_REQUEST, "DistinguishedName",
			       &subject);
	if (FAILED(hr) && hr != CERTSRV_E_PROPERTY_EMPTY)
		xb_kit_log(XB_KIT_LOG_WARNING, "%s: no DistinguishedName: %s", event, xb_hresult_format(hr, buf));
	xb_kit_log(XB_KIT_LOG_INFO, "%s: request %ld, subject %s", event, (long)id,
		   subject && *subject ? subject : "(none)");
	free(subject);
}

static HRESULT hello_notify(xb_kit_module *module, LONG event, LONG context)
{
	const char *name = NULL;
	int certificate = 0;
	(void)module;
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].event == event) {
			name = events[i].name;
			certificate = events[i].certificate;
		}
	}
	if (!name) {
		xb_kit_log(XB_KIT_LOG_WARNING, "unknown event 0x%lx", (unsigned long)event);
		return S_OK;
	}
	if (event == EXITEVENT_SHUTDOWN || event == EXITEVENT_STARTUP) {
		xb_kit_log(XB_KIT_LOG_INFO, "%s", name);
		return S_OK;
	}
	ICertServerExit *server = NULL;
	HRESULT hr = xb_kit_server_open(context, &server);
	if (FAILED(hr)) {
		char buf[XB_HRESULT_BUFSIZE];
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: cannot reach the CA: %s", name, xb_hresult_format(hr, buf));
		return hr;
	}
	if (event == EXITEVENT_CRLISSUED)
		log_crls(server);
	else
		log_request(server, name, certificate);
	ICertServerExit_Release(server);
	return S_OK;
}

XB_EXIT_MODULE(hello, "Hello", "{9BA14DF9-5F2C-4EA9-AAB5-891895863759}", "{AA2A102E-2668-46F0-819D-1E7D4E05579A}",
	       .initialize = hello_initialize, .notify = hello_notify,
	       XB_KIT_VERSION_FIELDS /* hello_version.h, shared with the DLL's version resource */);
