/*
 * The recorder module (modules/recorder) and the kit's trace writer
 * (lib/kit_trace.c). The writer's lines are read back by the engine's own
 * reader; the recorder is loaded as certsrv loads it and replays the
 * bundled traces: its recording must hold every typed value of the trace
 * it heard, replay without error, and record itself identically (the fix
 * point). Concurrent Notify calls, a file that cannot be opened, a write
 * cut short and a restart onto an existing trace are driven through the
 * engine directly.
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "check_suites.h"
#include "engine.h"
#include "loader.h"
#include "replay.h"
#include "trace.h"

#if !defined(XB_RECORDER_MODULE_PATH) || !defined(XB_EXITBENCH_PATH)
#error "the build must name the recorder module and the exitbench program"
#endif

#define LOCATION "SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Corp CA\\ExitModules\\Recorder.Exit"

/* ---- checks that report the caller's line --------------------------------- */

#define check_hr(expr, want) check_hr_at(__LINE__, #expr, (expr), (want))
static void check_hr_at(int line, const char *what, HRESULT got, HRESULT want)
{
	char a[XB_HRESULT_BUFSIZE], b[XB_HRESULT_BUFSIZE];
	ck_assert_msg(got == want, "line %d: %s returned %s, expected %s", line, what, xb_hresult_format(got, a),
		      xb_hresult_format(want, b));
}

/* ---- the log, captured (Notify may log from several threads) ---------------- */

static char log_text[65536];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void capture_log(void *ctx, const char *module, xb_kit_log_level level, const char *message)
{
	(void)ctx;
	pthread_mutex_lock(&log_lock);
	size_t used = strlen(log_text);
	snprintf(log_text + used, sizeof(log_text) - used, "%s|%s|%s\n", module, xb_kit_log_level_name(level),
		 message);
	pthread_mutex_unlock(&log_lock);
}

/* ---- a scratch directory per test ---------------------------------------------- */

static char dir[64];

static void setup(void)
{
	xb_registry_clear();
	log_text[0] = 0;
	xb_kit_set_log_handler(capture_log, NULL);
	snprintf(dir, sizeof(dir), "/tmp/xb-recorder-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Removes dir and what the tests put in it (files, and directories one level down). */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		char child[512];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		if (unlink(child) < 0)
			remove_tree(child);
	}
	closedir(d);
	rmdir(path);
}

static void teardown(void)
{
	remove_tree(dir);
	xb_kit_set_log_handler(NULL, NULL);
	xb_registry_clear();
}

/* dir/name in buf. */
static const char *in_dir(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	long size = ftell(f);
	ck_assert(size >= 0);
	rewind(f);
	char *buf = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, (size_t)size, f);
	ck_assert_uint_eq(*len, (size_t)size);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* ---- the trace writer ------------------------------------------------------------- */

/* The finished text of line, which must have succeeded. */
static const char *finished(xb_kit_trace_line *line)
{
	const char *text = NULL;
	size_t len = 0;
	check_hr(xb_kit_trace_finish(line, &text, &len), S_OK);
	ck_assert_uint_eq(len, strlen(text));
	return text;
}

START_TEST(test_trace_values)
{
	xb_kit_trace_line *line;
	check_hr(xb_kit_trace_line_new(&line), S_OK);
	check_hr(xb_kit_trace_begin_object(line, NULL), S_OK);
	check_hr(xb_kit_trace_put_long(line, "zero", 0), S_OK);
	check_hr(xb_kit_trace_put_long(line, "min", (LONG)INT32_MIN), S_OK);
	check_hr(xb_kit_trace_put_long(line, "max", (LONG)INT32_MAX), S_OK);
	check_hr(xb_kit_trace_put_long(line, "minus", -42), S_OK);
	/* the escapes JSON has short forms for, other controls as \u00XX, DEL and non-ASCII as they are */
	check_hr(xb_kit_trace_put_string(line, "text", "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9 \xf0\x9f\x98\x80",
					 XB_NUL_TERMINATED),
		 S_OK);
	check_hr(xb_kit_trace_put_string(line, "nul", "a\0b", 3), S_OK);
	check_hr(xb_kit_trace_put_string(line, "empty", NULL, 0), S_OK);
	check_hr(xb_kit_trace_put_string(line, "k\xc3\xa9y \"", "v", XB_NUL_TERMINATED), S_OK);
	xb_utc t = {2026, 11, 24, 7, 40, 5, 0};
	DATE whole, ms;
	check_hr(xb_date_from_utc(&t, &whole), S_OK);
	t.millisecond = 7;
	check_hr(xb_date_from_utc(&t, &ms), S_OK);
	check_hr(xb_kit_trace_put_date(line, "whole", whole), S_OK);
	check_hr(xb_kit_trace_put_date(line, "ms", ms), S_OK);
	check_hr(xb_kit_trace_put_date(line, "early", -1.25), S_OK);
	/* RFC 4648's vectors */
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	check_hr(xb_kit_trace_begin_array(line, "base64"), S_OK);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		check_hr(xb_kit_trace_put_binary(line, NULL, plain[i], strlen(plain[i])), S_OK);
	check_hr(xb_kit_trace_put_binary(line, NULL, "\x00\xff\xfe", 3), S_OK);
	check_hr(xb_kit_trace_put_binary(line, NULL, NULL, 0), S_OK);
	check_hr(xb_kit_trace_end(line), S_OK);
	check_hr(xb_kit_trace_end(line), S_OK);
	ck_assert_str_eq(finished(line),
			 "{\"zero\": 0, \"min\": -2147483648, \"max\": 2147483647, \"minus\": -42, "
			 "\"text\": \"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xa9 \xf0\x9f\x98\x80\", "
			 "\"nul\": \"a\\u0000b\", \"empty\": \"\", \"k\xc3\xa9y \\\"\": \"v\", "
			 "\"whole\": {\"date\": \"2026-11-24T07:40:05Z\"}, \"ms\": {\"date\": \"2026-11-24T07:40:05.007Z\"}, "
			 "\"early\": {\"date\": \"1899-12-29T06:00:00Z\"}, "
			 "\"base64\": [{\"base64\": \"\"}, {\"base64\": \"Zg==\"}, {\"base64\": \"Zm8=\"}, "
			 "{\"base64\": \"Zm9v\"}, {\"base64\": \"Zm9vYg==\"}, {\"base64\": \"Zm9vYmE=\"}, "
			 "{\"base64\": \"Zm9vYmFy\"}, {\"base64\": \"AP/+\"}, {\"base64\": \"\"}]}\n");
	/* finish again: the same text */
	ck_assert_str_eq(finished(line) + strlen(finished(line)) - 3, "]}\n");
	xb_kit_trace_line_free(line);
	xb_kit_trace_line_free(NULL);
}
END_TEST

START_TEST(test_trace_refusals)
{
	xb_kit_trace_line *line;
	const char *text;
	size_t len;
	check_hr(xb_kit_trace_line_new(NULL), E_POINTER);
	check_hr(xb_kit_trace_line_new(&line), S_OK);
	check_hr(xb_kit_trace_finish(line, &text, &len), E_UNEXPECTED); /* nothing written */
	check_hr(xb_kit_trace_begin_object(line, NULL), S_OK);
	check_hr(xb_kit_trace_put_long(line, "a", 1), S_OK);
	/* refused values leave the line as it was */
	check_hr(xb_kit_trace_put_string(line, "bad", "\xc3(", XB_NUL_TERMINATED),
		 HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION));
	check_hr(xb_kit_trace_put_string(line, "\xff", "x", XB_NUL_TERMINATED),
		 HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION));
	check_hr(xb_kit_trace_put_string(line, "lone", "\xed\xa0\x80", XB_NUL_TERMINATED),
		 HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION));
	check_hr(xb_kit_trace_put_date(line, "far", 3000000.0), E_INVALIDARG);
	check_hr(xb_kit_trace_put_string(line, "null", NULL, 2), E_INVALIDARG);
	check_hr(xb_kit_trace_put_binary(line, "null", NULL, 2), E_INVALIDARG);
	check_hr(xb_kit_trace_finish(line, &text, &len), E_UNEXPECTED); /* still open */
	check_hr(xb_kit_trace_end(line), S_OK);
	ck_assert_str_eq(finished(line), "{\"a\": 1}\n");
	check_hr(xb_kit_trace_put_long(line, NULL, 2), E_UNEXPECTED); /* finished: sticky */
	check_hr(xb_kit_trace_finish(line, &text, &len), E_UNEXPECTED);

	/* misplaced calls are sticky */
	static const int cases = 5;
	for (int c = 0; c < cases; c++) {
		xb_kit_trace_reset(line);
		HRESULT want = E_INVALIDARG;
		switch (c) {
		case 0: /* a key at the top */
			check_hr(xb_kit_trace_begin_object(line, "key"), want);
			break;
		case 1: /* no key in an object */
			check_hr(xb_kit_trace_begin_object(line, NULL), S_OK);
			check_hr(xb_kit_trace_put_long(line, NULL, 1), want);
			break;
		case 2: /* a key in an array */
			check_hr(xb_kit_trace_begin_array(line, NULL), S_OK);
			check_hr(xb_kit_trace_put_long(line, "key", 1), want);
			break;
		case 3: /* end with nothing open */
			want = E_UNEXPECTED;
			check_hr(xb_kit_trace_end(line), want);
			break;
		default: /* a second value at the top */
			want = E_UNEXPECTED;
			check_hr(xb_kit_trace_put_long(line, NULL, 1), S_OK);
			check_hr(xb_kit_trace_put_long(line, NULL, 2), want);
			break;
		}
		check_hr(xb_kit_trace_put_long(line, NULL, 3), want);
		check_hr(xb_kit_trace_end(line), want);
		check_hr(xb_kit_trace_finish(line, &text, &len), want);
		ck_assert_ptr_null(text);
	}
	/* too deep */
	xb_kit_trace_reset(line);
	for (int i = 0; i < XB_KIT_TRACE_MAX_DEPTH; i++)
		check_hr(xb_kit_trace_begin_array(line, NULL), S_OK);
	check_hr(xb_kit_trace_begin_array(line, NULL), E_UNEXPECTED);
	/* reset forgets it */
	xb_kit_trace_reset(line);
	check_hr(xb_kit_trace_put_long(line, NULL, 7), S_OK);
	ck_assert_str_eq(finished(line), "7\n");
	check_hr(xb_kit_trace_put_long(NULL, NULL, 7), E_POINTER);
	check_hr(xb_kit_trace_end(NULL), E_POINTER);
	check_hr(xb_kit_trace_finish(line, NULL, &len), E_POINTER);
	xb_kit_trace_line_free(line);
}
END_TEST

START_TEST(test_trace_end_or_drop)
{
	xb_kit_trace_line *line;
	check_hr(xb_kit_trace_line_new(&line), S_OK);
	check_hr(xb_kit_trace_begin_object(line, NULL), S_OK);
	check_hr(xb_kit_trace_begin_object(line, "first"), S_OK); /* empty and first: dropped with its key */
	check_hr(xb_kit_trace_end_or_drop(line), S_OK);
	check_hr(xb_kit_trace_put_string(line, "event", "shutdown", XB_NUL_TERMINATED), S_OK);
	check_hr(xb_kit_trace_begin_array(line, "list"), S_OK); /* empty, after a value: dropped with its comma */
	check_hr(xb_kit_trace_begin_object(line, NULL), S_OK);  /* an empty object inside it, dropped too */
	check_hr(xb_kit_trace_end_or_drop(line), S_OK);
	check_hr(xb_kit_trace_end_or_drop(line), S_OK);
	check_hr(xb_kit_trace_begin_object(line, "kept"), S_OK);
	check_hr(xb_kit_trace_put_long(line, "n", 1), S_OK);
	check_hr(xb_kit_trace_end_or_drop(line), S_OK);
	check_hr(xb_kit_trace_begin_object(line, "plain"), S_OK); /* end keeps an empty one */
	check_hr(xb_kit_trace_end(line), S_OK);
	check_hr(xb_kit_trace_end_or_drop(line), S_OK);
	ck_assert_str_eq(finished(line), "{\"event\": \"shutdown\", \"kept\": {\"n\": 1}, \"plain\": {}}\n");
	xb_kit_trace_line_free(line);
}
END_TEST

/* The kit's names and constants are the reader's. */
START_TEST(test_trace_event_names)
{
	ck_assert_str_eq(XB_KIT_TRACE_FORMAT, XB_TRACE_FORMAT);
	ck_assert_int_eq(XB_KIT_TRACE_VERSION, XB_TRACE_VERSION);
	int named = 0;
	for (int bit = 0; bit < 32; bit++) {
		LONG event = (LONG)(1u << bit);
		const char *kit = xb_kit_trace_event_name(event), *reader = xb_event_kind_name(event);
		ck_assert_msg((kit == NULL) == (reader == NULL), "bit %d", bit);
		if (kit) {
			ck_assert_str_eq(kit, reader);
			named++;
		}
	}
	ck_assert_int_eq(named, 9);
	ck_assert_ptr_null(xb_kit_trace_event_name(0));
	ck_assert_ptr_null(xb_kit_trace_event_name(EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING));
}
END_TEST

/* Lines the writer makes, read by the engine's reader: the same typed values. */
START_TEST(test_trace_read_back)
{
	char path[512];
	xb_kit_trace_line *line;
	const char *text;
	size_t len;
	/* U+1F600 and U+00E9 as a BSTR holds them: UTF-16 with a surrogate pair */
	static const OLECHAR wide[] = {'x', 0xD83D, 0xDE00, 0x00E9, '"', '\n', 0};
	BSTR b = SysAllocString(wide);
	char *utf8 = NULL;
	check_hr(xb_utf8_from_bstr(b, &utf8, NULL), S_OK);
	SysFreeString(b);
	ck_assert_str_eq(utf8, "x\xf0\x9f\x98\x80\xc3\xa9\"\n");
	DATE when;
	xb_utc t = {2000, 2, 29, 23, 59, 59, 999};
	check_hr(xb_date_from_utc(&t, &when), S_OK);

	FILE *f = fopen(in_dir(path, sizeof(path), "w.jsonl"), "w");
	ck_assert_ptr_nonnull(f);
	check_hr(xb_kit_trace_line_new(&line), S_OK);
	xb_kit_trace_begin_object(line, NULL);
	xb_kit_trace_put_string(line, "format", XB_KIT_TRACE_FORMAT, XB_NUL_TERMINATED);
	xb_kit_trace_put_long(line, "version", XB_KIT_TRACE_VERSION);
	xb_kit_trace_put_string(line, "config", utf8, XB_NUL_TERMINATED);
	xb_kit_trace_begin_object(line, "ca");
	xb_kit_trace_put_long(line, "CertCount", 1);
	xb_kit_trace_end(line);
	xb_kit_trace_end(line);
	check_hr(xb_kit_trace_finish(line, &text, &len), S_OK);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	xb_kit_trace_reset(line);
	xb_kit_trace_begin_object(line, NULL);
	xb_kit_trace_put_string(line, "event", xb_kit_trace_event_name(EXITEVENT_CERTPENDING), XB_NUL_TERMINATED);
	xb_kit_trace_begin_object(line, "request");
	xb_kit_trace_put_long(line, "RequestFlags", (LONG)0x80000004u);
	xb_kit_trace_put_string(line, "RequesterName", utf8, XB_NUL_TERMINATED);
	xb_kit_trace_put_date(line, "SubmittedWhen", when);
	xb_kit_trace_put_binary(line, "RawArchivedKey", "\0\1\2\377", 4);
	xb_kit_trace_end(line);
	xb_kit_trace_begin_object(line, "attributes");
	xb_kit_trace_put_string(line, utf8, "\x01\x7f", XB_NUL_TERMINATED);
	xb_kit_trace_end(line);
	xb_kit_trace_begin_array(line, "extensions");
	xb_kit_trace_begin_object(line, NULL);
	xb_kit_trace_put_string(line, "oid", "1.2.3.4", XB_NUL_TERMINATED);
	xb_kit_trace_put_long(line, "flags", (LONG)0xFFFFFFFFu);
	xb_kit_trace_put_binary(line, "value", "\x05\x00", 2);
	xb_kit_trace_end(line);
	xb_kit_trace_end(line);
	xb_kit_trace_end(line);
	check_hr(xb_kit_trace_finish(line, &text, &len), S_OK);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	xb_kit_trace_line_free(line);
	ck_assert_int_eq(fclose(f), 0);

	struct xb_trace *tr;
	struct xb_event ev;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_msg(xb_trace_open(path, &tr, &err) == S_OK, "%s", err.text);
	ck_assert_str_eq(xb_trace_config(tr), utf8);
	ck_assert_int_eq(xb_props_find(xb_trace_ca(tr), "CertCount")->value.l, 1);
	ck_assert_msg(xb_trace_next(tr, &ev, &err) == S_OK, "%s", err.text);
	ck_assert_int_eq(ev.kind, EXITEVENT_CERTPENDING);
	ck_assert_int_eq(xb_props_find(&ev.request, "RequestFlags")->value.l, (LONG)0x80000004u);
	ck_assert_str_eq(xb_props_find(&ev.request, "RequesterName")->value.text, utf8);
	ck_assert(xb_props_find(&ev.request, "SubmittedWhen")->value.date == when);
	const struct xb_prop *key = xb_props_find(&ev.request, "RawArchivedKey");
	ck_assert_uint_eq(key->value.len, 4);
	ck_assert(!memcmp(key->value.bytes, "\0\1\2\377", 4));
	ck_assert_str_eq(xb_props_find(&ev.attrs, utf8)->value.text, "\x01\x7f");
	ck_assert_uint_eq(ev.exts.n, 1);
	ck_assert_str_eq(ev.exts.items[0].oid, "1.2.3.4");
	ck_assert_int_eq(ev.exts.items[0].flags, (LONG)0xFFFFFFFFu);
	ck_assert_uint_eq(ev.exts.items[0].len, 2);
	xb_event_free(&ev);
	ck_assert_int_eq(xb_trace_next(tr, &ev, &err), S_FALSE);
	xb_trace_close(tr);
	free(utf8);
}
END_TEST

/* ---- replaying with the recorder ------------------------------------------------------ */

/* What Notify returned for each event of the last replay, in order; and a hook after each. */
static HRESULT notify_results[64];
static size_t nnotify;
static void (*after_notify)(size_t i, HRESULT hr);
static int violations_expected;
static HRESULT initialize_result;

static void on_record(void *ctx, const struct xb_notification *n)
{
	(void)ctx;
	ck_assert_msg(violations_expected || n->nviolations == 0, "%s %s: %s", n->method,
		      n->kind ? xb_event_kind_name(n->kind) : "-", n->violations[0]);
	if (!strcmp(n->method, "Initialize"))
		initialize_result = n->hr;
	if (strcmp(n->method, "Notify"))
		return;
	if (nnotify < sizeof(notify_results) / sizeof(notify_results[0]))
		notify_results[nnotify] = n->hr;
	if (after_notify)
		after_notify(nnotify, n->hr);
	nnotify++;
}

static const struct xb_replay_sink sink = {NULL, NULL, on_record, NULL};

/*
 * Replays trace with the recorder writing to output (its key at location,
 * or the engine's default when NULL). Fails the test unless the replay ran;
 * the summary says what the recorder did.
 */
static void record(const char *trace, const char *output, const char *location, struct xb_replay_summary *s)
{
	struct xb_setting set = {.name = (char *)"Output", .type = REG_SZ, .text = (char *)output};
	struct xb_replay_module module = {.spec = {.path = XB_RECORDER_MODULE_PATH, .registry_location = location},
					  .settings = &set,
					  .nsettings = 1};
	struct xb_replay_options opts = {.trace = trace, .modules = &module, .nmodules = 1};
	xb_error err;
	xb_error_init(&err, NULL);
	nnotify = 0;
	HRESULT hr = xb_replay_run(&opts, &sink, s, &err);
	ck_assert_msg(hr == S_OK, "replaying %s: %s:%d: %s", trace, err.source, err.line, err.text);
	if (!violations_expected)
		ck_assert_uint_eq(s->violations, 0);
}

/* Replays trace into output and expects every call to succeed. */
static void record_cleanly(const char *trace, const char *output, const char *location)
{
	struct xb_replay_summary s;
	record(trace, output, location, &s);
	ck_assert_msg(s.failures == 0, "%s: %zu failures; log:\n%s", trace, s.failures, log_text);
	ck_assert_msg(s.warnings == 0, "%s: %zu warnings", trace, s.warnings);
}

/* Every value of want is in got, with the same type and value. */
static void check_within(const char *what, size_t line, const struct xb_props *want, const struct xb_props *got)
{
	for (size_t i = 0; i < want->n; i++) {
		const struct xb_prop *p = &want->items[i];
		const struct xb_prop *q = xb_props_find(got, p->name);
		ck_assert_msg(q != NULL, "line %zu: %s %s was not recorded", line, what, p->name);
		ck_assert_msg(xb_value_equal(&p->value, &q->value), "line %zu: %s %s was recorded with another type or value",
			      line, what, p->name);
	}
}

static void check_extensions_within(size_t line, const struct xb_exts *want, const struct xb_exts *got)
{
	for (size_t i = 0; i < want->n; i++) {
		const struct xb_ext *e = &want->items[i];
		const struct xb_ext *r = xb_exts_find(got, e->oid);
		ck_assert_msg(r != NULL, "line %zu: extension %s was not recorded", line, e->oid);
		ck_assert_msg(r->flags == e->flags && r->len == e->len && (!e->len || !memcmp(r->value, e->value, e->len)),
			      "line %zu: extension %s was recorded differently", line, e->oid);
	}
}

/*
 * The recording holds the trace: the same config, the same events in the
 * same order (and at most a shutdown more, which the replay sends when the
 * trace has none), every typed value the trace gives with the same type and
 * value, and, after each event, every CA property in effect.
 */
static void check_recording_holds(const char *trace_path, const char *recording_path)
{
	struct xb_trace *trace, *rec;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_msg(xb_trace_open(trace_path, &trace, &err) == S_OK, "%s", err.text);
	ck_assert_msg(xb_trace_open(recording_path, &rec, &err) == S_OK, "%s:%d: %s", recording_path, err.line,
		      err.text);
	ck_assert_str_eq(xb_trace_config(rec), xb_trace_config(trace));
	struct xb_props ca_trace = {0}, ca_rec = {0};
	check_hr(xb_props_copy(&ca_trace, xb_trace_ca(trace)), S_OK);
	check_hr(xb_props_copy(&ca_rec, xb_trace_ca(rec)), S_OK);
	check_within("header ca", 1, &ca_trace, &ca_rec);
	LONG last = 0;
	for (;;) {
		struct xb_event ev, got;
		HRESULT hr = xb_trace_next(trace, &ev, &err);
		ck_assert_msg(SUCCEEDED(hr), "%s", err.text);
		if (hr == S_FALSE)
			break;
		ck_assert_msg(xb_trace_next(rec, &got, &err) == S_OK, "%s: the recording ends before line %zu", trace_path,
			      ev.line);
		ck_assert_msg(got.kind == ev.kind, "line %zu: %s recorded as %s", ev.line, xb_event_kind_name(ev.kind),
			      xb_event_kind_name(got.kind));
		check_within("request", ev.line, &ev.request, &got.request);
		check_within("certificate", ev.line, &ev.cert, &got.cert);
		check_within("attribute", ev.line, &ev.attrs, &got.attrs);
		check_extensions_within(ev.line, &ev.exts, &got.exts);
		check_hr(xb_props_copy(&ca_trace, &ev.ca), S_OK);
		check_hr(xb_props_copy(&ca_rec, &got.ca), S_OK);
		check_within("ca", ev.line, &ca_trace, &ca_rec);
		last = ev.kind;
		xb_event_free(&ev);
		xb_event_free(&got);
	}
	struct xb_event extra;
	HRESULT hr = xb_trace_next(rec, &extra, &err);
	if (hr == S_OK) {
		ck_assert_msg(extra.kind == EXITEVENT_SHUTDOWN && last != EXITEVENT_SHUTDOWN,
			      "the recording has a %s the trace does not have", xb_event_kind_name(extra.kind));
		xb_event_free(&extra);
		hr = xb_trace_next(rec, &extra, &err);
	}
	ck_assert_int_eq(hr, S_FALSE);
	xb_props_free(&ca_trace);
	xb_props_free(&ca_rec);
	xb_trace_close(trace);
	xb_trace_close(rec);
}

static void check_identical(const char *a, const char *b)
{
	size_t na, nb;
	char *ta = read_all(a, &na), *tb = read_all(b, &nb);
	size_t at = 0;
	while (at < na && at < nb && ta[at] == tb[at])
		at++;
	ck_assert_msg(na == nb && at == na, "%s and %s differ from byte %zu", a, b, at);
	free(ta);
	free(tb);
}

/* `exitbench inspect` reads a recording and derives each event as a replay would. */
static void check_inspect(const char *path)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' inspect '%s' >/dev/null 2>&1", XB_EXITBENCH_PATH, path);
	ck_assert_msg(system(cmd) == 0, "exitbench inspect %s failed", path);
}

/* The trace header's ModuleRegistryLocation (new), or NULL: the recorder is given that key. */
static char *trace_location(const char *path)
{
	struct xb_trace *t;
	ck_assert_int_eq(xb_trace_open(path, &t, NULL), S_OK);
	const struct xb_prop *p = xb_props_find(xb_trace_ca(t), "ModuleRegistryLocation");
	char *location = p && p->value.type == PROPTYPE_STRING ? strdup(p->value.text) : NULL;
	xb_trace_close(t);
	return location;
}

/*
 * The round trip: trace -> first recording -> second recording. The first
 * holds the trace, both replay cleanly, and the second is the first, byte
 * for byte. The recorder is given the key the trace's CA names
 * (ModuleRegistryLocation is each module's own, so the engine answers the
 * recorder's key for it).
 */
static void round_trip(const char *trace)
{
	char first[512], second[512];
	char *location = trace_location(trace);
	in_dir(first, sizeof(first), "first.jsonl");
	in_dir(second, sizeof(second), "second.jsonl");
	record_cleanly(trace, first, location);
	check_recording_holds(trace, first);
	/* the key the recording names: the engine's choice when the trace names none */
	free(location);
	location = trace_location(first);
	ck_assert_ptr_nonnull(location);
	record_cleanly(first, second, location);
	check_identical(first, second);
	check_inspect(first);
	ck_assert_msg(!strstr(log_text, "|warning|") && !strstr(log_text, "|error|"), "%s", log_text);
	free(location);
}

START_TEST(test_round_trip_basic)
{
	round_trip(XB_TRACES_DIR "/valid/basic.jsonl");
	/* values derived from the certificate are recorded too */
	char path[512];
	size_t len;
	char *text = read_all(in_dir(path, sizeof(path), "first.jsonl"), &len);
	ck_assert_msg(strstr(text, "\"SerialNumber\": \"4400000004b742b5daba3d4deb000000000004\""), "%s", text);
	ck_assert_msg(strstr(text, "\"RequestFlags\": -2147483644"), "%s", text); /* 2147483652 as the CA's LONG */
	ck_assert_msg(strstr(text, "{\"event\": \"certpending\", \"request\": {\"RequestID\": 43, \"Disposition\": 9}}\n"),
		      "%s", text);
	free(text);
}
END_TEST

START_TEST(test_round_trip_pem)
{
	round_trip(XB_TRACES_DIR "/valid/pem.jsonl");
}
END_TEST

START_TEST(test_round_trip_demo)
{
	round_trip(XB_DEMO_TRACE);
}
END_TEST

/* Text, dates and integers at their edges, every event kind, an unconfirmed type, CA changes. */
START_TEST(test_round_trip_values)
{
	char trace[512], path[512];
	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	char *leaf = xb_base64_encode(der, len);
	free(der);
	der = xb_read_fixture("demo-crl.der", &len);
	char *crl = xb_base64_encode(der, len);
	free(der);
	size_t size = strlen(leaf) * 3 + strlen(crl) + 8192;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	snprintf(text, size,
		 "{\"format\": \"exitbench-trace\", \"version\": 1, \"config\": \"Corp \\\"CA\\\" \\u00e9\", "
		 "\"ca\": {\"CAType\": 1, \"CertCount\": 1, \"MachineDNSName\": \"ca.corp.example\"}}\n"
		 "{\"event\": \"startup\", \"ca\": {\"fUseDS\": 0}}\n"
		 "{\"event\": \"certissued\", \"request\": {\"RequestID\": 1, "
		 "\"RequesterName\": \"CORP\\\\\\u00fcser \\\"q\\\" \\ud83d\\ude00\", "
		 "\"DispositionMessage\": \"one\\ntwo\\tthree\\u0001\\u001f\\u007f/\", \"StatusCode\": -2147483648, "
		 "\"RequestFlags\": 4294967295, \"SubmittedWhen\": {\"date\": \"2026-01-02T03:04:05.678Z\"}, "
		 "\"ResolvedWhen\": {\"date\": \"1899-12-29T06:00:00Z\"}, \"RevokedWhen\": {\"date\": "
		 "\"2026-01-02T04:04:05+01:00\"}, \"RawArchivedKey\": {\"base64\": \"AAEC/w==\"}, \"Title\": \"\"}, "
		 "\"certificate\": {\"RawCertificate\": {\"base64\": \"%s\"}}, "
		 "\"attributes\": {\"ccm\": \"h\\u00f4te\", \"\\u00dcn\\u00ef\": \"\\ud83d\\ude00 \\\"x\\\"\"}, "
		 "\"extensions\": [{\"oid\": \"1.2.3.4\", \"flags\": 4294967295, \"value\": {\"base64\": \"\"}}, "
		 "{\"oid\": \"1.2.3.5\", \"flags\": 0, \"value\": {\"base64\": \"AA==\"}}]}\n"
		 "{\"event\": \"certpending\", \"request\": {\"RequestID\": 2, \"Officer\": \"CORP\\\\officer\"}, "
		 "\"extensions\": [{\"oid\": \"2.5.29.17\", \"flags\": 65536, \"value\": {\"base64\": \"MAA=\"}}]}\n"
		 "{\"event\": \"certdenied\", \"request\": {\"RequestID\": 3, \"StatusCode\": -2146877437}}\n"
		 "{\"event\": \"certretrievepending\", \"request\": {\"RequestID\": 4}}\n"
		 "{\"event\": \"certretrievepending\", \"request\": {\"RequestID\": 5}, "
		 "\"certificate\": {\"SerialNumber\": \"0a\"}}\n"
		 "{\"event\": \"certimported\", \"request\": {\"RequestID\": 6}, "
		 "\"certificate\": {\"RawCertificate\": {\"base64\": \"%s\"}}}\n"
		 "{\"event\": \"certrevoked\", \"request\": {\"RequestID\": 1, \"RevokedReason\": 1, "
		 "\"Disposition\": 21}, \"certificate\": {\"RawCertificate\": {\"base64\": \"%s\"}}}\n"
		 "{\"event\": \"crlissued\", \"ca\": {\"RawCRL.0\": {\"base64\": \"%s\"}, \"CAType\": 1}}\n"
		 "{\"event\": \"crlissued\", \"ca\": {\"fDeltaCRLsDisabled\": 1}}\n",
		 leaf, leaf, leaf, crl);
	write_text(in_dir(trace, sizeof(trace), "values.jsonl"), text);
	free(text);
	free(leaf);
	free(crl);
	round_trip(trace);

	text = read_all(in_dir(path, sizeof(path), "first.jsonl"), &len);
	/* UTF-16 with a surrogate pair in, UTF-8 out; the escapes JSON needs */
	ck_assert_msg(strstr(text, "\"RequesterName\": \"CORP\\\\\xc3\xbcser \\\"q\\\" \xf0\x9f\x98\x80\""), "%s", text);
	ck_assert_msg(strstr(text, "\"DispositionMessage\": \"one\\ntwo\\tthree\\u0001\\u001f\x7f/\""), "%s", text);
	/* dates in UTC, milliseconds when there are some */
	ck_assert_msg(strstr(text, "\"SubmittedWhen\": {\"date\": \"2026-01-02T03:04:05.678Z\"}"), "%s", text);
	ck_assert_msg(strstr(text, "\"RevokedWhen\": {\"date\": \"2026-01-02T03:04:05Z\"}"), "%s", text);
	ck_assert_msg(strstr(text, "\"Officer\": \"CORP\\\\officer\""), "%s", text);
	/* no certificate for a request that has none, one when the CA gives one */
	ck_assert_msg(strstr(text, "{\"event\": \"certretrievepending\", \"request\": {\"RequestID\": 4}}\n"), "%s",
		      text);
	ck_assert_msg(strstr(text, "\"certificate\": {\"RequestID\": 5, \"SerialNumber\": \"0a\"}"), "%s", text);
	/* each CA line holds what changed, only */
	ck_assert_msg(strstr(text, "{\"event\": \"startup\", \"ca\": {\"fUseDS\": 0}}\n"), "%s", text);
	ck_assert_msg(strstr(text, "{\"event\": \"crlissued\", \"ca\": {\"fDeltaCRLsDisabled\": 1}}\n"), "%s", text);
	ck_assert_msg(strstr(text, "\n{\"event\": \"shutdown\"}\n"), "%s", text);
	free(text);
}
END_TEST

/*
 * A value of another type than the reference gives (a hand-written trace)
 * is asked for with the reference's type only: the CA's refusal is
 * reported once, and the value is not recorded.
 */
START_TEST(test_unexpected_type)
{
	char trace[512], output[512];
	struct xb_replay_summary s;
	write_text(in_dir(trace, sizeof(trace), "typed.jsonl"),
		   "{\"format\": \"exitbench-trace\", \"version\": 1}\n"
		   "{\"event\": \"certpending\", \"request\": {\"RequestID\": 1, \"Officer\": 7}}\n"
		   "{\"event\": \"certpending\", \"request\": {\"RequestID\": 2, \"Officer\": 8}}\n");
	violations_expected = 1;
	record(trace, in_dir(output, sizeof(output), "out.jsonl"), NULL, &s);
	violations_expected = 0;
	ck_assert_uint_eq(s.failures, 0);
	ck_assert_uint_eq(s.violations, 2); /* the engine says so: the type is not the stored one */
	const char *warning = "Recorder|warning|GetRequestProperty(Officer) answers E_INVALIDARG (0x80070057): "
			      "not recorded (said once)\n";
	const char *first = strstr(log_text, warning);
	ck_assert_msg(first && !strstr(first + 1, warning), "%s", log_text);
	size_t len;
	char *text = read_all(output, &len);
	ck_assert_msg(strstr(text, "\n{\"event\": \"certpending\", \"request\": {\"RequestID\": 2}}\n"), "%s", text);
	free(text);
}
END_TEST

/* ---- failures of the output -------------------------------------------------------- */

static char missing_dir[512];

static void create_missing_dir(size_t i, HRESULT hr)
{
	(void)hr;
	if (i == 0)
		ck_assert_int_eq(mkdir(missing_dir, 0700), 0);
}

START_TEST(test_output_unwritable)
{
	char output[600];
	struct xb_replay_summary s;
	snprintf(missing_dir, sizeof(missing_dir), "%s/later", dir);
	snprintf(output, sizeof(output), "%s/trace.jsonl", missing_dir);
	record(XB_TRACES_DIR "/valid/basic.jsonl", output, NULL, &s);
	/* Initialize succeeds (the recorder will try again); every Notify fails, and says why */
	check_hr(initialize_result, S_OK);
	ck_assert_uint_eq(s.notifications, 4);
	ck_assert_uint_eq(s.failures, 4);
	for (size_t i = 0; i < 4; i++)
		check_hr(notify_results[i], HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
	ck_assert_msg(strstr(log_text, "Recorder|error|the trace header: not recorded: cannot open "), "%s", log_text);
	ck_assert_msg(strstr(log_text, "Recorder|error|certissued (RequestID 42): not recorded: cannot open "), "%s",
		      log_text);
	ck_assert_msg(strstr(log_text, "later/trace.jsonl: open: No such file or directory "
				       "(HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)"),
		      "%s", log_text);

	/* the directory appears after the first event: the trace starts with its header from then on */
	log_text[0] = 0;
	after_notify = create_missing_dir;
	record(XB_TRACES_DIR "/valid/basic.jsonl", output, NULL, &s);
	after_notify = NULL;
	ck_assert_uint_eq(s.failures, 1);
	ck_assert_msg(strstr(log_text, "Recorder|info|recording to "), "%s", log_text);
	struct xb_trace *t;
	struct xb_event ev;
	ck_assert_int_eq(xb_trace_open(output, &t, NULL), S_OK);
	ck_assert_int_eq(xb_trace_next(t, &ev, NULL), S_OK);
	ck_assert_int_eq(ev.kind, EXITEVENT_CERTPENDING);
	xb_event_free(&ev);
	ck_assert_int_eq(xb_trace_next(t, &ev, NULL), S_OK);
	ck_assert_int_eq(ev.kind, EXITEVENT_CRLISSUED);
	xb_event_free(&ev);
	ck_assert_int_eq(xb_trace_next(t, &ev, NULL), S_OK);
	ck_assert_int_eq(ev.kind, EXITEVENT_SHUTDOWN);
	xb_event_free(&ev);
	ck_assert_int_eq(xb_trace_next(t, &ev, NULL), S_FALSE);
	xb_trace_close(t);
}
END_TEST

START_TEST(test_output_not_configured)
{
	struct xb_replay_module module = {.spec = {.path = XB_RECORDER_MODULE_PATH}};
	struct xb_replay_options opts = {.trace = XB_TRACES_DIR "/valid/basic.jsonl", .modules = &module,
					 .nmodules = 1};
	struct xb_replay_summary s;
	xb_error err;
	xb_error_init(&err, NULL);
	nnotify = 0;
	check_hr(xb_replay_run(&opts, &sink, &s, &err), S_OK);
	ck_assert_uint_eq(s.failures, 1); /* Initialize, and so no events */
	ck_assert_uint_eq(s.notifications, 0);
	check_hr(initialize_result, HRESULT_FROM_WIN32(1610)); /* ERROR_BAD_CONFIGURATION, as filepublish */
	ck_assert_msg(strstr(log_text, "Recorder|error|no trace file: set the REG_SZ value Output"), "%s", log_text);
}
END_TEST

/* A new trace starts with the header; an existing one gets a startup line stating the CA. */
START_TEST(test_output_existing_trace)
{
	char output[512], again[512];
	in_dir(output, sizeof(output), "trace.jsonl");
	record_cleanly(XB_TRACES_DIR "/valid/basic.jsonl", output, NULL);
	record_cleanly(XB_DEMO_TRACE, output, NULL);
	size_t len;
	char *text = read_all(output, &len);
	ck_assert_msg(strstr(text, "{\"event\": \"shutdown\"}\n{\"event\": \"startup\", \"ca\": {\"CAType\": 0, "
				   "\"CertCount\": 1, \"fDeltaCRLsDisabled\": 1,"),
		      "%s", text);
	ck_assert_ptr_null(strstr(strstr(text, "\n"), "\"format\"")); /* one header */
	free(text);
	/* it replays, and records itself as it is */
	record_cleanly(output, in_dir(again, sizeof(again), "again.jsonl"), NULL);
	check_inspect(output);

	/* a line someone left unfinished stays on a line of its own */
	FILE *f = fopen(output, "a");
	ck_assert_ptr_nonnull(f);
	fputs("{\"event\": \"shutd", f);
	fclose(f);
	record_cleanly(XB_TRACES_DIR "/valid/pem.jsonl", output, NULL);
	text = read_all(output, &len);
	ck_assert_msg(strstr(text, "{\"event\": \"shutd\n{\"event\": \"startup\""), "%s", text);
	free(text);
	ck_assert_msg(strstr(log_text, "did not end with a complete line"), "%s", log_text);
}
END_TEST

/* ---- the recorder driven through the engine directly ------------------------------------ */

struct bench {
	struct xb_engine *engine;
	struct xb_module *module;
	char output[512];
};

/* An engine whose CA names the recorder's key, Output set there, the recorder loaded and initialized. */
static void bench_start(struct bench *b)
{
	struct xb_props ca = {0};
	check_hr(xb_props_put_long(&ca, "CAType", 0, XB_PUT_REPLACE), S_OK);
	check_hr(xb_props_put_string(&ca, "ModuleRegistryLocation", LOCATION, XB_PUT_REPLACE), S_OK);
	check_hr(xb_engine_new("Corp CA", &ca, &b->engine, NULL), S_OK);
	xb_props_free(&ca);
	in_dir(b->output, sizeof(b->output), "trace.jsonl");
	struct xb_setting set = {.name = (char *)"Output", .type = REG_SZ, .text = b->output};
	check_hr(xb_settings_write(LOCATION, &set, 1, NULL), S_OK);
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_msg(xb_module_load(&(struct xb_module_spec){.path = XB_RECORDER_MODULE_PATH}, &b->module, &err) ==
			      S_OK,
		      "%s", err.text);
	LONG mask = 0;
	check_hr(xb_module_initialize(b->module, "Corp CA", &mask), S_OK);
	ck_assert_int_eq(mask, 0x2FF);
}

static void bench_stop(struct bench *b)
{
	xb_module_free(b->module);
	xb_engine_free(b->engine);
}

/* An issued certificate for request id, with an attribute of n letters c (a long line). */
static void make_event(struct xb_event *ev, LONG id, char c, size_t n)
{
	size_t leaf_len;
	unsigned char *leaf = xb_read_fixture("leaf.der", &leaf_len);
	memset(ev, 0, sizeof(*ev));
	ev->kind = EXITEVENT_CERTISSUED;
	check_hr(xb_props_put_long(&ev->request, "RequestID", id, XB_PUT_REPLACE), S_OK);
	check_hr(xb_props_put_binary(&ev->cert, "RawCertificate", leaf, leaf_len, XB_PUT_REPLACE), S_OK);
	free(leaf);
	char *payload = malloc(n + 1);
	ck_assert_ptr_nonnull(payload);
	memset(payload, c, n);
	payload[n] = 0;
	check_hr(xb_props_put_string(&ev->attrs, "payload", payload, XB_PUT_REPLACE), S_OK);
	free(payload);
}

#define THREADS 8
#define PER_THREAD 25

struct job {
	struct xb_module *module;
	LONG contexts[PER_THREAD];
	int failures;
};

static void *notify_all(void *arg)
{
	struct job *job = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		HRESULT result = E_FAIL;
		if (FAILED(xb_module_notify(job->module, EXITEVENT_CERTISSUED, job->contexts[i], &result)) ||
		    FAILED(result))
			job->failures++;
	}
	return NULL;
}

START_TEST(test_concurrent_notify)
{
	static struct xb_event events[THREADS][PER_THREAD];
	struct job jobs[THREADS];
	pthread_t threads[THREADS];
	struct bench b;
	bench_start(&b);
	for (int t = 0; t < THREADS; t++) {
		jobs[t].module = b.module;
		jobs[t].failures = 0;
		for (int i = 0; i < PER_THREAD; i++) {
			/* lines of 8 KB and more, so that an unguarded write would tear them */
			make_event(&events[t][i], 1000 * (t + 1) + i, (char)('a' + t), 8000 + 97 * (size_t)i);
			check_hr(xb_engine_begin_event(b.engine, &events[t][i], &jobs[t].contexts[i], NULL), S_OK);
		}
	}
	for (int t = 0; t < THREADS; t++)
		ck_assert_int_eq(pthread_create(&threads[t], NULL, notify_all, &jobs[t]), 0);
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		ck_assert_int_eq(jobs[t].failures, 0);
	}
	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < PER_THREAD; i++) {
			xb_engine_end_event(b.engine, jobs[t].contexts[i]);
			xb_event_free(&events[t][i]);
		}
	bench_stop(&b);

	/* every line whole: the reader reads them all, each with its own request's values */
	int seen[THREADS][PER_THREAD] = {{0}};
	struct xb_trace *tr;
	struct xb_event ev;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_msg(xb_trace_open(b.output, &tr, &err) == S_OK, "%s", err.text);
	size_t n = 0;
	HRESULT hr;
	while ((hr = xb_trace_next(tr, &ev, &err)) == S_OK) {
		LONG id = xb_props_find(&ev.request, "RequestID")->value.l;
		int t = id / 1000 - 1, i = id % 1000;
		ck_assert(t >= 0 && t < THREADS && i >= 0 && i < PER_THREAD);
		ck_assert_int_eq(seen[t][i]++, 0);
		const char *payload = xb_props_find(&ev.attrs, "payload")->value.text;
		ck_assert_uint_eq(strlen(payload), 8000 + 97 * (size_t)i);
		ck_assert_uint_eq(strspn(payload, (char[]){(char)('a' + t), 0}), strlen(payload));
		ck_assert_int_eq(xb_props_find(&ev.cert, "RequestID")->value.l, id);
		xb_event_free(&ev);
		n++;
	}
	ck_assert_msg(hr == S_FALSE, "%s:%d: %s", err.source, err.line, err.text);
	ck_assert_uint_eq(n, THREADS * PER_THREAD);
	ck_assert_uint_eq(xb_trace_lines(tr), 1 + THREADS * PER_THREAD);
	xb_trace_close(tr);
}
END_TEST

/* A write the file system cuts short is taken back: the trace never holds half a line. */
START_TEST(test_output_write_cut_short)
{
	struct xb_event ev[3];
	LONG ctx[3];
	HRESULT result;
	struct bench b;
	bench_start(&b);
	for (int i = 0; i < 3; i++) {
		make_event(&ev[i], 100 + i, 'x', 5000);
		check_hr(xb_engine_begin_event(b.engine, &ev[i], &ctx[i], NULL), S_OK);
	}
	check_hr(xb_module_notify(b.module, EXITEVENT_CERTISSUED, ctx[0], &result), S_OK);
	check_hr(result, S_OK);
	struct stat st;
	ck_assert_int_eq(stat(b.output, &st), 0);
	off_t before = st.st_size;

	struct rlimit old, cut;
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	cut = old;
	cut.rlim_cur = (rlim_t)before + 100; /* room for a part of the next line only */
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &cut), 0);
	HRESULT called = xb_module_notify(b.module, EXITEVENT_CERTISSUED, ctx[1], &result);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);
	check_hr(called, S_OK);
	check_hr(result, HRESULT_FROM_WIN32(ERROR_DISK_FULL));
	ck_assert_int_eq(stat(b.output, &st), 0);
	ck_assert_int_eq(st.st_size, before);
	ck_assert_msg(strstr(log_text, "Recorder|error|certissued (RequestID 101): not recorded: cannot write to "),
		      "%s", log_text);

	check_hr(xb_module_notify(b.module, EXITEVENT_CERTISSUED, ctx[2], &result), S_OK);
	check_hr(result, S_OK);
	for (int i = 0; i < 3; i++) {
		xb_engine_end_event(b.engine, ctx[i]);
		xb_event_free(&ev[i]);
	}
	bench_stop(&b);
	struct xb_trace *tr;
	struct xb_event got;
	ck_assert_int_eq(xb_trace_open(b.output, &tr, NULL), S_OK);
	for (LONG id = 100; id <= 102; id += 2) {
		ck_assert_int_eq(xb_trace_next(tr, &got, NULL), S_OK);
		ck_assert_int_eq(xb_props_find(&got.request, "RequestID")->value.l, id);
		xb_event_free(&got);
	}
	ck_assert_int_eq(xb_trace_next(tr, &got, NULL), S_FALSE);
	xb_trace_close(tr);
}
END_TEST

Suite *suite_recorder(void)
{
	Suite *s = suite_create("recorder");
	const struct xb_test_case cases[] = {
		{"xb_kit_trace_put", test_trace_values},
		{"xb_kit_trace_refusals", test_trace_refusals},
		{"xb_kit_trace_end_or_drop", test_trace_end_or_drop},
		{"xb_kit_trace_event_name", test_trace_event_names},
		{"xb_kit_trace_read_back", test_trace_read_back},
		{"round_trip_basic", test_round_trip_basic},
		{"round_trip_pem", test_round_trip_pem},
		{"round_trip_demo", test_round_trip_demo},
		{"round_trip_values", test_round_trip_values},
		{"unexpected_type", test_unexpected_type},
		{"output_unwritable", test_output_unwritable},
		{"output_not_configured", test_output_not_configured},
		{"output_existing_trace", test_output_existing_trace},
		{"output_write_cut_short", test_output_write_cut_short},
		{"concurrent_notify", test_concurrent_notify},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	return s;
}
