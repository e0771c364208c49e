/*
 * mymodule: an issued-certificate log. For each certificate the CA issues
 * it appends one line to the file its LogFile setting names:
 *
 *   RequestID <TAB> SerialNumber <TAB> NotAfter <TAB> template <TAB> subject
 *
 * The example of exitbench's docs/writing-a-module.md: one source for a
 * Linux .so (exitbench replay loads it) and a Windows DLL (certsrv loads it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exitbench.h>

#include "mymodule_version.h"

#if !defined(XB_WINDOWS)
# include <pthread.h>
#endif

static HRESULT mymodule_initialize(xb_kit_module *module, const char *ca_name, LONG *event_mask);
static HRESULT mymodule_notify(xb_kit_module *module, LONG event, LONG context);
static void mymodule_destroy(xb_kit_module *module);

XB_EXIT_MODULE(mymodule, "MyModule",
	       "{9B79CC5E-FB2C-40DC-BAD5-0FC214FF441C}", /* the exit class */
	       "{4D4BFBAC-1B05-4BF0-8725-B175C43ABCCE}", /* the manage class */
	       .initialize = mymodule_initialize, .notify = mymodule_notify, .destroy = mymodule_destroy,
	       XB_KIT_VERSION_FIELDS /* the strings of mymodule_version.h */);

/* What one exit object keeps from Initialize to its final Release. */
struct mymodule {
	char *log_file; /* the LogFile setting, UTF-8 */
#if defined(XB_WINDOWS)
	CRITICAL_SECTION lock;
#else
	pthread_mutex_t lock;
#endif
};

static void lock_init(struct mymodule *state)
{
#if defined(XB_WINDOWS)
	InitializeCriticalSection(&state->lock);
#else
	pthread_mutex_init(&state->lock, NULL);
#endif
}

static void lock_enter(struct mymodule *state)
{
#if defined(XB_WINDOWS)
	EnterCriticalSection(&state->lock);
#else
	pthread_mutex_lock(&state->lock);
#endif
}

static void lock_leave(struct mymodule *state)
{
#if defined(XB_WINDOWS)
	LeaveCriticalSection(&state->lock);
#else
	pthread_mutex_unlock(&state->lock);
#endif
}

static void lock_destroy(struct mymodule *state)
{
#if defined(XB_WINDOWS)
	DeleteCriticalSection(&state->lock);
#else
	pthread_mutex_destroy(&state->lock);
#endif
}

static HRESULT mymodule_initialize(xb_kit_module *module, const char *ca_name, LONG *event_mask)
{
	char buf[XB_HRESULT_BUFSIZE], *log_file = NULL;
	HRESULT hr = xb_kit_config_string(module, "LogFile", &log_file);
	if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "cannot read the LogFile setting: %s", xb_hresult_format(hr, buf));
		return hr;
	}
	if (hr == S_FALSE || !*log_file) {
		/* Not configured is not an error: the module loads and asks for no events. */
		xb_kit_log(XB_KIT_LOG_WARNING, "LogFile is not set: logging nothing for CA \"%s\"", ca_name);
		free(log_file);
		*event_mask = 0;
		return S_OK;
	}
	struct mymodule *state = calloc(1, sizeof(*state));
	if (!state) {
		free(log_file);
		return E_OUTOFMEMORY;
	}
	state->log_file = log_file;
	lock_init(state);
	xb_kit_set_state(module, state);
	*event_mask = EXITEVENT_CERTISSUED;
	xb_kit_log(XB_KIT_LOG_INFO, "logging the certificates CA \"%s\" issues to %s", ca_name, log_file);
	return S_OK;
}

/* A property the certificate may lack: new UTF-8, or NULL (and a warning if it exists but cannot be read). */
static char *optional_string(ICertServerExit *server, const char *name)
{
	char buf[XB_HRESULT_BUFSIZE], *text = NULL;
	HRESULT hr = xb_kit_get_string(server, XB_KIT_CERTIFICATE, name, &text);
	if (FAILED(hr) && hr != CERTSRV_E_PROPERTY_EMPTY)
		xb_kit_log(XB_KIT_LOG_WARNING, "cannot read %s: %s", name, xb_hresult_format(hr, buf));
	return text;
}

/* The text as one field: "-" when absent or empty; control characters (tabs, newlines) become '?'. */
static const char *field(char *text)
{
	if (!text || !*text)
		return "-";
	for (unsigned char *p = (unsigned char *)text; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return text;
}

static FILE *open_append(const char *path)
{
#if defined(XB_WINDOWS)
	/* fopen would take the path in the ANSI code page; the setting is UTF-8. */
	OLECHAR *wide = NULL;
	FILE *f = NULL;
	if (SUCCEEDED(xb_utf8_to_utf16(path, XB_NUL_TERMINATED, &wide, NULL, NULL)))
		f = _wfopen(wide, L"a");
	free(wide);
	return f;
#else
	return fopen(path, "a");
#endif
}

/*
 * Appends one line. Notify runs on several threads at once, as on a CA:
 * the lock keeps concurrent lines whole. The file is opened for each line,
 * so a log moved away (rotated) is simply started again.
 */
static HRESULT append_line(struct mymodule *state, const char *line)
{
	HRESULT hr = S_OK;
	lock_enter(state);
	FILE *f = open_append(state->log_file);
	int ok = f && fputs(line, f) != EOF;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok) {
		xb_kit_log(XB_KIT_LOG_ERROR, "cannot append to %s: %s", state->log_file, strerror(errno));
		hr = HRESULT_FROM_WIN32(ERROR_WRITE_FAULT);
	}
	lock_leave(state);
	return hr;
}

static HRESULT mymodule_notify(xb_kit_module *module, LONG event, LONG context)
{
	struct mymodule *state = xb_kit_get_state(module);
	char buf[XB_HRESULT_BUFSIZE], when[XB_RFC3339_BUFSIZE];
	if (!state || event != EXITEVENT_CERTISSUED)
		return S_OK;

	ICertServerExit *server = NULL;
	HRESULT hr = xb_kit_server_open(context, &server);
	if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "cannot reach the CA: %s", xb_hresult_format(hr, buf));
		return hr;
	}
	LONG request_id = 0;
	DATE not_after = 0;
	char *serial = NULL, *line = NULL;
	const char *missing = "RequestID";
	hr = xb_kit_get_long(server, XB_KIT_REQUEST, "RequestID", &request_id);
	if (SUCCEEDED(hr)) {
		missing = "SerialNumber";
		hr = xb_kit_get_string(server, XB_KIT_CERTIFICATE, "SerialNumber", &serial);
	}
	if (SUCCEEDED(hr)) {
		missing = "NotAfter";
		hr = xb_kit_get_date(server, XB_KIT_CERTIFICATE, "NotAfter", &not_after);
	}
	if (SUCCEEDED(hr))
		hr = xb_date_to_rfc3339(not_after, when);
	if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "request %ld: no %s: %s", (long)request_id, missing,
			   xb_hresult_format(hr, buf));
		free(serial);
		ICertServerExit_Release(server);
		return hr;
	}
	/* A V1 template is a name, a V2+ template an OID; a standalone CA has none. */
	char *template_name = optional_string(server, "CertificateTemplate");
	char *subject = optional_string(server, "DistinguishedName");
	ICertServerExit_Release(server);

	const char *format = "%ld\t%s\t%s\t%s\t%s\n";
	int len = snprintf(NULL, 0, format, (long)request_id, field(serial), when, field(template_name),
			   field(subject));
	if (len < 0 || !(line = malloc((size_t)len + 1)))
		hr = E_OUTOFMEMORY;
	else {
		snprintf(line, (size_t)len + 1, format, (long)request_id, field(serial), when, field(template_name),
			 field(subject));
		hr = append_line(state, line);
	}
	free(line);
	free(subject);
	free(template_name);
	free(serial);
	return hr;
}

static void mymodule_destroy(xb_kit_module *module)
{
	struct mymodule *state = xb_kit_get_state(module);
	if (!state)
		return;
	lock_destroy(state);
	free(state->log_file);
	free(state);
}
