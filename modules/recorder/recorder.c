/*
 * recorder: writes every event a CA sends, with everything an exit module
 * can read about it through ICertServerExit, as one line of an exitbench
 * trace (docs/trace-format.md), the format the engine replays. This is how
 * a trace is taken on a production CA; docs/modules/recorder.md.
 *
 * The trace goes to the file named by the REG_SZ value Output of the
 * module's registry key (exitbench replay --set Output=...). The header
 * (the CA name given to Initialize and the CA's context-0 properties) is
 * written at Initialize, or first thing into a new or emptied file; a
 * restart that finds the trace already there writes a "startup" line with
 * the CA's properties instead. Each Notify appends its line with one write
 * and a flush to the disk, under a lock, and returns S_OK only once the
 * line is on the disk. A line that cannot be written is logged and
 * reported to the CA as Notify's failure; nothing of it stays in the file.
 *
 * Built as modules/recorder.so on Linux and, with mingw-w64, recorder.dll
 * (regsvr32 registers it as Recorder.Exit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"
#include "recorder_version.h"

#define RECORDER_EVENTS                                                                                \
	(EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING | EXITEVENT_CERTDENIED | EXITEVENT_CERTREVOKED | \
	 EXITEVENT_CERTRETRIEVEPENDING | EXITEVENT_CRLISSUED | EXITEVENT_SHUTDOWN | EXITEVENT_STARTUP |  \
	 EXITEVENT_CERTIMPORTED)

/* The registry value naming the trace file. */
#define OUTPUT_VALUE "Output"

/* winerror.h's, as filepublish answers a missing setting (mingw-w64's headers have it, ours not yet). */
#ifndef ERROR_BAD_CONFIGURATION
# define ERROR_BAD_CONFIGURATION 1610
#endif

/* Names, each kept once (a trace object cannot have a key twice). */
struct names {
	char **items;
	size_t n, cap;
};

struct recorder {
	struct rec_lock lock;
	char *path;   /* the trace file, UTF-8 */
	char *config; /* Initialize's strConfig, the header's "config" */
	/* Under the lock from here on. */
	struct rec_values ca; /* the CA's properties as the trace states them so far */
	char *header;         /* the header line for ca, kept until ca changes; NULL: not built */
	size_t header_len;
	int restarted;        /* the header, or a startup line for an existing trace, is still to be written */
	int failing;          /* the last write failed */
	int torn_noted;
	struct names warned;  /* "where name" of properties already reported unreadable */
};

static void names_free(struct names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->items[i]);
	free(names->items);
	memset(names, 0, sizeof(*names));
}

static int names_has(const struct names *names, const char *name)
{
	for (size_t i = 0; i < names->n; i++)
		if (!strcmp(names->items[i], name))
			return 1;
	return 0;
}

static HRESULT names_add(struct names *names, const char *name)
{
	if (names->n == names->cap) {
		size_t cap = names->cap ? names->cap * 2 : 16;
		char **grown = realloc(names->items, cap * sizeof(*grown));
		if (!grown)
			return E_OUTOFMEMORY;
		names->items = grown;
		names->cap = cap;
	}
	size_t len = strlen(name) + 1;
	char *copy = malloc(len);
	if (!copy)
		return E_OUTOFMEMORY;
	memcpy(copy, name, len);
	names->items[names->n++] = copy;
	return S_OK;
}

static char *copy_text(const char *text)
{
	size_t len = strlen(text) + 1;
	char *copy = malloc(len);
	if (copy)
		memcpy(copy, text, len);
	return copy;
}

static void recorder_free(struct recorder *r)
{
	if (!r)
		return;
	rec_lock_destroy(&r->lock);
	free(r->path);
	free(r->config);
	rec_values_free(&r->ca);
	free(r->header);
	names_free(&r->warned);
	free(r);
}

static void recorder_destroy(xb_kit_module *module)
{
	recorder_free(xb_kit_get_state(module));
}

/* ---- reading -------------------------------------------------------------------- */

/* A property the CA answers with an error other than "empty": said once per name and side. */
static void note_unreadable(void *ctx, enum rec_where where, const char *name, HRESULT hr)
{
	struct recorder *r = ctx;
	const char *method = where == REC_REQUEST ? "GetRequestProperty" : "GetCertificateProperty";
	char key[160], buf[XB_HRESULT_BUFSIZE];
	snprintf(key, sizeof(key), "%d %s", (int)where, name);
	rec_lock_enter(&r->lock);
	int first = !names_has(&r->warned, key) && SUCCEEDED(names_add(&r->warned, key));
	rec_lock_leave(&r->lock);
	if (first)
		xb_kit_log(XB_KIT_LOG_WARNING, "%s(%s) answers %s: not recorded (said once)", method, name,
			   xb_hresult_format(hr, buf));
}

struct walk {
	xb_kit_trace_line *line;
	struct names seen;
};

static HRESULT on_attribute(void *ctx, const char *name, const char *value)
{
	struct walk *w = ctx;
	/* A name without a value has no form in a trace (attribute values are strings). */
	if (!value || names_has(&w->seen, name))
		return S_OK;
	HRESULT hr = xb_kit_trace_put_string(w->line, name, value, XB_NUL_TERMINATED);
	if (SUCCEEDED(hr))
		return names_add(&w->seen, name);
	return hr == E_OUTOFMEMORY ? hr : S_OK;
}

static HRESULT on_extension(void *ctx, const char *oid, LONG flags, const unsigned char *value, size_t len)
{
	struct walk *w = ctx;
	if (!value) /* listed without a value: a trace extension has one */
		return S_OK;
	HRESULT hr = xb_kit_trace_begin_object(w->line, NULL);
	if (SUCCEEDED(hr) && SUCCEEDED(xb_kit_trace_put_string(w->line, "oid", oid, XB_NUL_TERMINATED))) {
		hr = xb_kit_trace_put_long(w->line, "flags", flags);
		if (SUCCEEDED(hr))
			hr = xb_kit_trace_put_binary(w->line, "value", value, len);
	}
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_end_or_drop(w->line);
	return hr;
}

/* The attributes or the extensions of the request, as the CA enumerates them. */
static HRESULT write_list(ICertServerExit *server, xb_kit_trace_line *line, int extensions)
{
	const char *key = extensions ? "extensions" : "attributes";
	struct walk w = {line, {0}};
	HRESULT hr = extensions ? xb_kit_trace_begin_array(line, key) : xb_kit_trace_begin_object(line, key);
	if (FAILED(hr))
		return hr;
	hr = extensions ? xb_kit_for_each_extension(server, on_extension, &w)
			: xb_kit_for_each_attribute(server, on_attribute, &w);
	names_free(&w.seen);
	if (FAILED(hr) && hr != E_OUTOFMEMORY) {
		char buf[XB_HRESULT_BUFSIZE];
		xb_kit_log(XB_KIT_LOG_WARNING, "%s: the enumeration stopped with %s; what came before is recorded", key,
			   xb_hresult_format(hr, buf));
		hr = S_OK;
	}
	return FAILED(hr) ? hr : xb_kit_trace_end_or_drop(line);
}

/*
 * Whether the certificate side goes into the trace. A pending or denied
 * request has none (and the trace format refuses one); for retrievepending
 * the request may or may not have been issued, so it is there when the CA
 * gives more than RequestID, which it answers for any request.
 */
static int has_certificate(LONG event, const struct rec_values *cert)
{
	switch (event) {
	case EXITEVENT_CERTPENDING:
	case EXITEVENT_CERTDENIED:
		return 0;
	case EXITEVENT_CERTRETRIEVEPENDING:
		for (size_t i = 0; i < cert->n; i++)
			if (strcmp(cert->items[i].name, "RequestID"))
				return 1;
		return 0;
	default:
		return cert->n > 0;
	}
}

/* An event with a request: its request and certificate properties, attributes and extensions. */
static HRESULT read_request_event(struct recorder *r, LONG event, LONG context, xb_kit_trace_line *line,
				  char *what, size_t what_size)
{
	ICertServerExit *server = NULL;
	struct rec_values request = {0}, cert = {0};
	HRESULT hr = xb_kit_server_open(context, &server);
	if (FAILED(hr)) {
		char buf[XB_HRESULT_BUFSIZE];
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: cannot reach the CA (context %ld): %s", what, (long)context,
			   xb_hresult_format(hr, buf));
		return hr;
	}
	hr = rec_read_properties(server, REC_REQUEST, &request, note_unreadable, r);
	if (SUCCEEDED(hr) && event != EXITEVENT_CERTPENDING && event != EXITEVENT_CERTDENIED)
		hr = rec_read_properties(server, REC_CERTIFICATE, &cert, note_unreadable, r);
	const struct rec_value *id = rec_values_find(&request, "RequestID");
	if (id && id->type == PROPTYPE_LONG) {
		size_t used = strlen(what);
		snprintf(what + used, what_size - used, " (RequestID %ld)", (long)id->l);
	}
	if (SUCCEEDED(hr))
		hr = rec_write_values(line, "request", &request, NULL);
	if (SUCCEEDED(hr) && has_certificate(event, &cert))
		hr = rec_write_values(line, "certificate", &cert, NULL);
	if (SUCCEEDED(hr))
		hr = write_list(server, line, 0);
	if (SUCCEEDED(hr))
		hr = write_list(server, line, 1);
	ICertServerExit_Release(server);
	rec_values_free(&request);
	rec_values_free(&cert);
	return hr;
}

/* The CA's context-0 properties (reference §3.5). */
static HRESULT read_ca(struct recorder *r, struct rec_values *ca)
{
	ICertServerExit *server = NULL;
	HRESULT hr = xb_kit_server_open(0, &server);
	if (SUCCEEDED(hr)) {
		hr = rec_read_properties(server, REC_CA, ca, note_unreadable, r);
		ICertServerExit_Release(server);
	}
	if (FAILED(hr)) {
		char buf[XB_HRESULT_BUFSIZE];
		xb_kit_log(XB_KIT_LOG_ERROR, "cannot read the CA's properties: %s", xb_hresult_format(hr, buf));
		rec_values_free(ca);
	}
	return hr;
}

/* ---- writing (under the lock) ---------------------------------------------------- */

/* The line that opens a trace, or restates the CA after a restart; new text in *out. */
static HRESULT ca_line(struct recorder *r, int header, char **out, size_t *out_len)
{
	xb_kit_trace_line *line = NULL;
	const char *text;
	size_t len;
	*out = NULL;
	*out_len = 0;
	HRESULT hr = xb_kit_trace_line_new(&line);
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_begin_object(line, NULL);
	if (SUCCEEDED(hr) && header) {
		hr = xb_kit_trace_put_string(line, "format", XB_KIT_TRACE_FORMAT, XB_NUL_TERMINATED);
		if (SUCCEEDED(hr))
			hr = xb_kit_trace_put_long(line, "version", XB_KIT_TRACE_VERSION);
		if (SUCCEEDED(hr))
			hr = xb_kit_trace_put_string(line, "config", r->config, XB_NUL_TERMINATED);
	} else if (SUCCEEDED(hr)) {
		hr = xb_kit_trace_put_string(line, "event", xb_kit_trace_event_name(EXITEVENT_STARTUP),
					     XB_NUL_TERMINATED);
	}
	if (SUCCEEDED(hr))
		hr = rec_write_values(line, "ca", &r->ca, NULL);
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_end(line);
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_finish(line, &text, &len);
	if (SUCCEEDED(hr) && !(*out = malloc(len)))
		hr = E_OUTOFMEMORY;
	if (SUCCEEDED(hr)) {
		memcpy(*out, text, len);
		*out_len = len;
	}
	xb_kit_trace_line_free(line);
	return hr;
}

/*
 * Appends text (whole lines; may be empty) to the trace, after the header
 * when the file is new or empty, or after a startup line when this is the
 * first write since Initialize into an existing trace. One write, then a
 * flush; what is written is complete or not there at all.
 */
static HRESULT write_locked(struct recorder *r, const char *text, size_t len, const char *what)
{
	char why[256], buf[XB_HRESULT_BUFSIZE];
	struct rec_file file;
	char *startup = NULL, *all = NULL;
	const char *lead = NULL;
	size_t lead_len = 0;
	HRESULT hr = rec_file_open(r->path, &file, why, sizeof(why));
	if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: not recorded: cannot open %s: %s (%s)", what, r->path, why,
			   xb_hresult_format(hr, buf));
		r->failing = 1;
		return hr;
	}
	if (file.size == 0) {
		if (!r->header)
			hr = ca_line(r, 1, &r->header, &r->header_len);
		lead = r->header;
		lead_len = SUCCEEDED(hr) ? r->header_len : 0;
	} else if (r->restarted) {
		hr = ca_line(r, 0, &startup, &lead_len);
		lead = startup;
	}
	/* A line left incomplete by someone else (or a failed cut) stays on a line of its own. */
	size_t fix = file.ends_in_line ? 0 : 1;
	size_t total = fix + lead_len + len;
	if (SUCCEEDED(hr) && total && !(all = malloc(total)))
		hr = E_OUTOFMEMORY;
	if (SUCCEEDED(hr) && total) {
		all[0] = '\n';
		if (lead_len)
			memcpy(all + fix, lead, lead_len);
		if (len)
			memcpy(all + fix + lead_len, text, len);
		hr = rec_file_append(&file, all, total, why, sizeof(why));
		if (FAILED(hr))
			xb_kit_log(XB_KIT_LOG_ERROR, "%s: not recorded: cannot write to %s: %s (%s)", what, r->path, why,
				   xb_hresult_format(hr, buf));
	} else if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: not recorded: %s", what, xb_hresult_format(hr, buf));
	}
	rec_file_close(&file);
	free(startup);
	free(all);
	if (FAILED(hr)) {
		r->failing = 1;
		return hr;
	}
	if (fix && !r->torn_noted) {
		r->torn_noted = 1;
		xb_kit_log(XB_KIT_LOG_WARNING, "%s did not end with a complete line; it is left on a line of its own",
			   r->path);
	}
	if (r->failing)
		xb_kit_log(XB_KIT_LOG_INFO, "recording to %s again", r->path);
	r->failing = 0;
	if (lead_len)
		r->restarted = 0;
	return S_OK;
}

/* ---- the module ------------------------------------------------------------------- */

static HRESULT recorder_initialize(xb_kit_module *module, const char *ca_name, LONG *event_mask)
{
	char buf[XB_HRESULT_BUFSIZE];
	if (xb_kit_get_state(module))
		return E_UNEXPECTED; /* a CA initializes each object once */
	struct recorder *r = calloc(1, sizeof(*r));
	if (!r)
		return E_OUTOFMEMORY;
	rec_lock_init(&r->lock);
	r->restarted = 1;
	HRESULT hr = (r->config = copy_text(ca_name)) ? S_OK : E_OUTOFMEMORY;
	if (SUCCEEDED(hr))
		hr = xb_kit_config_string(module, OUTPUT_VALUE, &r->path);
	if (hr == S_FALSE || (hr == S_OK && !r->path[0])) {
		xb_kit_log(XB_KIT_LOG_ERROR,
			   "no trace file: set the REG_SZ value " OUTPUT_VALUE " of this module's registry key "
			   "(exitbench replay --set " OUTPUT_VALUE "=FILE) and restart");
		hr = HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION);
	} else if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "cannot read the value " OUTPUT_VALUE ": %s", xb_hresult_format(hr, buf));
	}
	if (SUCCEEDED(hr))
		hr = read_ca(r, &r->ca);
	if (FAILED(hr)) {
		recorder_free(r);
		return hr;
	}
	xb_kit_set_state(module, r);
	*event_mask = RECORDER_EVENTS;
	/* A failure here is logged; the header is written with the first line that can be. */
	rec_lock_enter(&r->lock);
	hr = write_locked(r, NULL, 0, "the trace header");
	rec_lock_leave(&r->lock);
	xb_kit_log(XB_KIT_LOG_INFO, "recording every event of CA \"%s\" to %s%s", ca_name, r->path,
		   FAILED(hr) ? " (from the first event that can be written)" : "");
	return S_OK;
}

/* crlissued, startup: what changed in the CA's properties since the trace last stated them. */
static HRESULT record_ca_event(struct recorder *r, xb_kit_trace_line *line, const char *what)
{
	struct rec_values now = {0};
	const char *text;
	size_t len;
	HRESULT hr = read_ca(r, &now);
	if (FAILED(hr))
		return hr;
	rec_lock_enter(&r->lock);
	hr = rec_write_values(line, "ca", &now, &r->ca);
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_end(line);
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_finish(line, &text, &len);
	if (SUCCEEDED(hr))
		hr = write_locked(r, text, len, what);
	else
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: not recorded: out of memory", what);
	if (SUCCEEDED(hr)) {
		/* The trace now states these: later lines (and a new file's header) start from them. */
		struct rec_values old = r->ca;
		r->ca = now;
		now = old;
		free(r->header);
		r->header = NULL;
	}
	rec_lock_leave(&r->lock);
	rec_values_free(&now);
	return hr;
}

static HRESULT recorder_notify(xb_kit_module *module, LONG event, LONG context)
{
	struct recorder *r = xb_kit_get_state(module);
	const char *name = xb_kit_trace_event_name(event);
	char what[96];
	if (!r)
		return E_UNEXPECTED;
	if (!name) {
		xb_kit_log(XB_KIT_LOG_WARNING, "event 0x%lx has no name in the trace format: not recorded",
			   (unsigned long)event);
		return S_OK;
	}
	snprintf(what, sizeof(what), "%s", name);
	xb_kit_trace_line *line = NULL;
	HRESULT hr = xb_kit_trace_line_new(&line);
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_begin_object(line, NULL);
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_put_string(line, "event", name, XB_NUL_TERMINATED);
	if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: not recorded: out of memory", what);
	} else if (event == EXITEVENT_CRLISSUED || event == EXITEVENT_STARTUP) {
		hr = record_ca_event(r, line, what);
	} else {
		const char *text;
		size_t len;
		if (event != EXITEVENT_SHUTDOWN)
			hr = read_request_event(r, event, context, line, what, sizeof(what));
		if (SUCCEEDED(hr))
			hr = xb_kit_trace_end(line);
		if (SUCCEEDED(hr))
			hr = xb_kit_trace_finish(line, &text, &len);
		if (SUCCEEDED(hr)) {
			rec_lock_enter(&r->lock);
			hr = write_locked(r, text, len, what);
			rec_lock_leave(&r->lock);
		} else if (hr == E_OUTOFMEMORY) {
			xb_kit_log(XB_KIT_LOG_ERROR, "%s: not recorded: out of memory", what);
		}
	}
	xb_kit_trace_line_free(line);
	return hr;
}

XB_EXIT_MODULE(recorder, "Recorder", "{DD8C8966-BD32-4BBC-9BDC-32D9801CDD8B}",
	       "{0D597822-416C-43A3-B26D-D932B5B82DDF}", .initialize = recorder_initialize,
	       .notify = recorder_notify, .destroy = recorder_destroy,
	       XB_KIT_VERSION_FIELDS /* recorder_version.h, shared with the DLL's version resource */);
