/*
 * The replay loop (emu/replay.c) end to end: the raw-COM test module
 * (tests/modules/raw_exit.c) is loaded as certsrv would, the bundled traces
 * are delivered to it, and the result records say what it did.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "base64.h"
#include "replay.h"
#include "trace.h"

/* The test module's own exports, reached through a handle of ours. */
static void *raw;
static const char *(*raw_calls)(void);
static void (*raw_reset)(void);

/* Every result record, kept as text: "Notify certissued hr=0x00000000 calls=3 v=1". */
static char records[32][512];
static size_t nrecords;
static size_t nskipped;
static char locations[4][256];

static void on_module(void *ctx, size_t i, const struct xb_module_info *m)
{
	(void)ctx;
	if (i < 4)
		snprintf(locations[i], sizeof(locations[i]), "%s", m->registry_location);
}

static void on_record(void *ctx, const struct xb_notification *n)
{
	(void)ctx;
	if (nrecords == 32)
		return;
	char *r = records[nrecords++];
	int used = snprintf(r, 512, "%zu %s %s hr=0x%08X calls=%zu", n->module, n->method,
			    n->kind ? xb_event_kind_name(n->kind) : "-", (unsigned)n->hr, n->calls);
	for (size_t i = 0; i < n->nviolations && used < 480; i++)
		used += snprintf(r + used, 512 - (size_t)used, " | %s", n->violations[i]);
}

static void on_skipped(void *ctx, const xb_error *err)
{
	(void)ctx;
	(void)err;
	nskipped++;
}

static const struct xb_replay_sink sink = {NULL, on_module, on_record, on_skipped};

static void setup(void)
{
	raw = dlopen(XB_RAW_EXIT_PATH, RTLD_NOW);
	ck_assert_msg(raw != NULL, "%s", dlerror());
	*(void **)&raw_calls = dlsym(raw, "raw_exit_calls");
	*(void **)&raw_reset = dlsym(raw, "raw_exit_reset");
	ck_assert(raw_calls && raw_reset);
	raw_reset();
	nrecords = nskipped = 0;
	memset(records, 0, sizeof(records));
}

static void teardown(void)
{
	raw_reset();
	dlclose(raw);
}

/* Replays trace against the raw module with Initialize's config; the summary. */
static HRESULT replay(const char *trace, const char *config, struct xb_replay_summary *summary, xb_error *err)
{
	struct xb_replay_module module = {.spec = {.path = XB_RAW_EXIT_PATH}};
	struct xb_replay_options opts = {.trace = trace, .modules = &module, .nmodules = 1, .config = config};
	xb_error_init(err, NULL);
	return xb_replay_run(&opts, &sink, summary, err);
}

static int has_record(const char *prefix)
{
	for (size_t i = 0; i < nrecords; i++)
		if (!strncmp(records[i], prefix, strlen(prefix)))
			return 1;
	return 0;
}

START_TEST(replay_reads_what_the_trace_holds)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay(XB_TRACES_DIR "/valid/basic.jsonl", "mask=0x2FF;read", &s, &err), S_OK);
	ck_assert_uint_eq(s.events, 4);
	ck_assert_uint_eq(s.notifications, 4);
	ck_assert_uint_eq(s.failures, 0);
	ck_assert_uint_eq(s.violations, 0);
	const char *calls = raw_calls();
	/* The issued certificate's values, derived from its DER, and the pending request's. */
	ck_assert_msg(strstr(calls, "read RequestID=42") && strstr(calls, "read SerialNumber=4400000004b742b5daba3d4deb000000000004"),
		      "%s", calls);
	ck_assert_msg(strstr(calls, "read RequestID=43"), "%s", calls);
	/* No certificate on a pending request. */
	char empty[64];
	snprintf(empty, sizeof(empty), "read SerialNumber 0x%08X", (unsigned)CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_msg(strstr(calls, empty), "%s", calls);
	ck_assert(has_record("0 Initialize - hr=0x00000000"));
	ck_assert(has_record("0 Notify certissued hr=0x00000000 calls=3"));
	ck_assert(has_record("0 Notify shutdown"));
	ck_assert(has_record("0 Unload"));
}
END_TEST

START_TEST(replay_honours_the_mask)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay(XB_TRACES_DIR "/valid/basic.jsonl", "mask=0x1", &s, &err), S_OK);
	ck_assert_uint_eq(s.events, 4);
	ck_assert_uint_eq(s.notifications, 1);
	ck_assert(has_record("0 Notify certissued"));
	ck_assert(!has_record("0 Notify shutdown"));
	ck_assert(!has_record("0 Notify certpending"));
}
END_TEST

START_TEST(replay_reports_failures_and_violations)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay(XB_TRACES_DIR "/valid/basic.jsonl", "mask=0x1;read;leak;keep-server;notify-hr=0x80004005",
				&s, &err),
			 S_OK);
	ck_assert_uint_eq(s.notifications, 1);
	ck_assert_uint_eq(s.failures, 1);
	ck_assert_uint_eq(s.violations, 2);
	/* The server object is a violation at once; the kept BSTR a warning, then a leak at unload. */
	ck_assert_msg(has_record("0 Notify certissued hr=0x80004005 calls=3 | 1 ICertServerExit object was created and "
				 "not released"),
		      "%s", records[1]);
	ck_assert_msg(has_record("0 Unload - hr=0x00000000 calls=0 | the BSTR returned by "
				 "GetCertificateProperty(SerialNumber) in Notify certissued (event 1) was never freed"),
		      "%s", records[2]);
	ck_assert_uint_eq(s.warnings, 1);
}
END_TEST

START_TEST(replay_reports_protocol_misuse)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay(XB_TRACES_DIR "/valid/basic.jsonl", "mask=0x1;read;misuse", &s, &err), S_OK);
	ck_assert_uint_eq(s.failures, 0);
	ck_assert_uint_eq(s.violations, 2);
	ck_assert_msg(has_record("0 Notify certissued hr=0x00000000 calls=5 | GetRequestProperty(RequestID) broke the "
				 "protocol: E_INVALIDARG (0x80070057) | SetContext("),
		      "%s", records[1]);
	ck_assert_msg(strstr(records[1], ") broke the protocol: E_INVALIDARG (0x80070057)"), "%s", records[1]);
}
END_TEST

/* A trace that does not end with shutdown gets one, as at a service stop. */
START_TEST(replay_sends_shutdown_at_the_end)
{
	char path[] = "/tmp/xb-replay-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("{\"format\": \"exitbench-trace\", \"version\": 1, \"config\": \"mask=0x2FF\"}\n"
	      "{\"event\": \"certpending\", \"request\": {\"RequestID\": 5}}\n",
	      f);
	fclose(f);
	struct xb_replay_summary s;
	xb_error err;
	HRESULT hr = replay(path, NULL, &s, &err);
	unlink(path);
	ck_assert_int_eq(hr, S_OK);
	ck_assert_uint_eq(s.events, 1);
	ck_assert_uint_eq(s.notifications, 2);
	ck_assert(has_record("0 Notify shutdown"));
	ck_assert_msg(strstr(raw_calls(), "Notify(0x40,0)"), "%s", raw_calls());
}
END_TEST

static void write_bad_trace(char *path)
{
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("{\"format\": \"exitbench-trace\", \"version\": 1}\n"
	      "{\"event\": \"certpending\", \"request\": {\"RequestID\": 1}}\n"
	      "{\"event\": \"certpending\", \"request\": {\"RequestID\": 2.5}}\n"
	      "{\"event\": \"certpending\", \"request\": {\"RequestID\": 3}}\n",
	      f);
	fclose(f);
}

START_TEST(replay_stops_at_a_malformed_event)
{
	char path[] = "/tmp/xb-replay-XXXXXX";
	write_bad_trace(path);
	struct xb_replay_summary s;
	xb_error err;
	HRESULT hr = replay(path, "mask=0x2FF", &s, &err);
	ck_assert_int_eq(hr, HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
	ck_assert_int_eq(err.line, 3);
	ck_assert_msg(strstr(err.source, "xb-replay-") != NULL, "%s", err.source);
	ck_assert_msg(strstr(err.text, "RequestID") != NULL, "%s", err.text);

	/* --keep-going: counted, reported, skipped; the rest is delivered. */
	struct xb_replay_module module = {.spec = {.path = XB_RAW_EXIT_PATH}};
	struct xb_replay_options opts = {.trace = path, .modules = &module, .nmodules = 1, .config = "mask=0x2FF",
					 .keep_going = 1};
	nrecords = 0;
	xb_error_init(&err, NULL);
	hr = xb_replay_run(&opts, &sink, &s, &err);
	unlink(path);
	ck_assert_int_eq(hr, S_OK);
	ck_assert_uint_eq(s.skipped, 1);
	ck_assert_uint_eq(nskipped, 1);
	ck_assert_uint_eq(s.events, 2);
}
END_TEST

START_TEST(replay_writes_settings_under_the_module_key)
{
	struct xb_setting settings[3];
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_setting_parse("Directory=/srv/out", &settings[0], &err), S_OK);
	ck_assert_int_eq(xb_setting_parse("Retries:dword=3", &settings[1], &err), S_OK);
	ck_assert_int_eq(xb_setting_parse("Names:multi=a;b", &settings[2], &err), S_OK);
	struct xb_replay_module module = {.spec = {.path = XB_RAW_EXIT_PATH}, .settings = settings, .nsettings = 3};
	struct xb_replay_options opts = {.trace = XB_TRACES_DIR "/valid/basic.jsonl", .modules = &module,
					 .nmodules = 1, .config = "mask=0"};
	struct xb_replay_summary s;
	ck_assert_int_eq(xb_replay_run(&opts, &sink, &s, &err), S_OK);
	/* The key is named after the CA's SanitizedCAName and the module's ProgID. */
	ck_assert_str_eq(locations[0], "SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Corp Issuing "
				       "CA\\ExitModules\\XbRawTest.Exit");
	OLECHAR *key;
	size_t n;
	ck_assert_int_eq(xb_utf8_to_utf16(locations[0], strlen(locations[0]), &key, &n, NULL), S_OK);
	OLECHAR text[64];
	DWORD size = sizeof(text), dword = 0;
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, key, OLESTR("Directory"), RRF_RT_REG_SZ, NULL, text, &size),
			 ERROR_SUCCESS);
	ck_assert(xb_utf16_icmp(text, OLESTR("/srv/out")) == 0);
	size = sizeof(dword);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, key, OLESTR("Retries"), RRF_RT_REG_DWORD, NULL, &dword,
				      &size),
			 ERROR_SUCCESS);
	ck_assert_uint_eq(dword, 3);
	size = sizeof(text);
	ck_assert_int_eq(RegGetValueW(HKEY_LOCAL_MACHINE, key, OLESTR("Names"), RRF_RT_REG_MULTI_SZ, NULL, text,
				      &size),
			 ERROR_SUCCESS);
	ck_assert_uint_eq(size, 5 * sizeof(OLECHAR)); /* a\0b\0\0 */
	RegDeleteTreeW(HKEY_LOCAL_MACHINE, key);
	free(key);
	for (int i = 0; i < 3; i++)
		xb_setting_free(&settings[i]);
}
END_TEST

START_TEST(setting_parse_errors)
{
	static const struct {
		const char *text;
		const char *message;
	} bad[] = {
		{"novalue", "expected NAME=VALUE"},
		{"=x", "expected NAME=VALUE"},
		{"N:dword=-1", "is not a number"},
		{"N:dword=4294967296", "is not a number"},
		{"N:dword=12x", "is not a number"},
		{"N:qword=1", "unknown type \"qword\""},
		{":multi=a", "the value has no name"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xb_setting s;
		xb_error err;
		xb_error_init(&err, NULL);
		ck_assert_int_eq(xb_setting_parse(bad[i].text, &s, &err), E_INVALIDARG);
		ck_assert_msg(strstr(err.text, bad[i].message) != NULL, "%s: %s", bad[i].text, err.text);
	}
	struct xb_setting s;
	ck_assert_int_eq(xb_setting_parse("Url=http://x/?a=b", &s, NULL), S_OK);
	ck_assert_str_eq(s.name, "Url");
	ck_assert_str_eq(s.text, "http://x/?a=b"); /* only the first '=' splits */
	xb_setting_free(&s);
	ck_assert_int_eq(xb_setting_parse("N:dword=0x10", &s, NULL), S_OK);
	ck_assert_uint_eq(s.dword, 16);
	xb_setting_free(&s);
}
END_TEST

START_TEST(replay_two_modules_in_order)
{
	struct xb_replay_module modules[2] = {{.spec = {.path = XB_RAW_EXIT_PATH}},
					      {.spec = {.path = XB_RAW_EXIT_NOREG_PATH,
							.clsid = "{5A0E1B2C-3D4E-4F60-8172-93A4B5C6D711}"}}};
	struct xb_replay_options opts = {.trace = XB_TRACES_DIR "/valid/basic.jsonl", .modules = modules,
					 .nmodules = 2, .config = "mask=0x1"};
	struct xb_replay_summary s;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_replay_run(&opts, &sink, &s, &err), S_OK);
	ck_assert_uint_eq(s.notifications, 2);
	/* Each event goes to module 0, then module 1. */
	size_t first = nrecords, second = nrecords;
	for (size_t i = 0; i < nrecords; i++) {
		if (!strncmp(records[i], "0 Notify certissued", 19))
			first = i;
		if (!strncmp(records[i], "1 Notify certissued", 19))
			second = i;
	}
	ck_assert_uint_lt(first, second);
	ck_assert_uint_lt(second, nrecords);
}
END_TEST

START_TEST(replay_reports_a_module_that_does_not_load)
{
	struct xb_replay_module module = {.spec = {.path = "/nonexistent/module.so"}};
	struct xb_replay_options opts = {.trace = XB_TRACES_DIR "/valid/basic.jsonl", .modules = &module,
					 .nmodules = 1};
	struct xb_replay_summary s;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_replay_run(&opts, &sink, &s, &err), CO_E_DLLNOTFOUND);
	ck_assert_msg(strstr(err.source, "module.so") != NULL, "%s", err.source);
}
END_TEST

/* A trace of n events (certissued with the leaf certificate, certpending, one bad line at bad_line if not 0). */
static void write_long_trace(const char *path, int n, int bad_line)
{
	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	char *b64 = xb_base64_encode(der, len);
	free(der);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"format\": \"exitbench-trace\", \"version\": 1, \"config\": \"mask=0x2FF;read\"}\n", f);
	for (int i = 0; i < n; i++) {
		if (i + 2 == bad_line)
			fputs("{\"event\": \"certpending\", \"request\": {\"RequestID\": 1.5}}\n", f);
		else if (i % 3)
			fprintf(f, "{\"event\": \"certpending\", \"request\": {\"RequestID\": %d}}\n", i);
		else
			fprintf(f,
				"{\"event\": \"certissued\", \"request\": {\"RequestID\": %d}, "
				"\"certificate\": {\"RawCertificate\": {\"base64\": \"%s\"}}}\n",
				i, b64);
	}
	fclose(f);
	free(b64);
}

/* The records of a replay as one text, without times. */
static void replay_jobs(const char *path, unsigned jobs, int keep_going, char *out, size_t size,
			struct xb_replay_summary *s)
{
	struct xb_replay_module module = {.spec = {.path = XB_RAW_EXIT_PATH}};
	struct xb_replay_options opts = {.trace = path, .modules = &module, .nmodules = 1, .jobs = jobs,
					 .keep_going = keep_going};
	xb_error err;
	xb_error_init(&err, NULL);
	nrecords = 0;
	ck_assert_int_eq(xb_replay_run(&opts, &sink, s, &err), S_OK);
	size_t used = 0;
	for (size_t i = 0; i < nrecords; i++)
		used += (size_t)snprintf(out + used, size - used, "%s\n", records[i]);
}

START_TEST(replay_concurrently_reports_in_order)
{
	char path[] = "/tmp/xb-replay-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	write_long_trace(path, 30, 0);
	static char one[32 * 512], four[32 * 512];
	struct xb_replay_summary s1, s4;
	replay_jobs(path, 1, 0, one, sizeof(one), &s1);
	raw_reset();
	replay_jobs(path, 4, 0, four, sizeof(four), &s4);
	/* The same records in the same order (contexts are numbered per run: the same too). */
	ck_assert_str_eq(four, one);
	ck_assert_uint_eq(s4.events, 30);
	ck_assert_uint_eq(s4.notifications, s1.notifications);
	ck_assert_uint_eq(s4.violations, 0);
	/* Every event was read by the module: its call log has each request ID once. */
	const char *calls = raw_calls();
	for (int i = 0; i < 30; i++) {
		char want[40];
		snprintf(want, sizeof(want), "read RequestID=%d;", i);
		ck_assert_msg(strstr(calls, want), "request %d not read", i);
	}
	/* With a bad line and --keep-going: skipped in its place, the rest delivered. */
	write_long_trace(path, 30, 10);
	nskipped = 0;
	replay_jobs(path, 4, 1, four, sizeof(four), &s4);
	ck_assert_uint_eq(s4.skipped, 1);
	ck_assert_uint_eq(nskipped, 1);
	ck_assert_uint_eq(s4.events, 29);
	unlink(path);
}
END_TEST

Suite *suite_replay(void)
{
	Suite *s = suite_create("replay");
	const struct xb_test_case cases[] = {
		{"xb_replay_run", replay_reads_what_the_trace_holds},
		{"xb_replay_run_mask", replay_honours_the_mask},
		{"xb_replay_run_violations", replay_reports_failures_and_violations},
		{"xb_replay_run_protocol", replay_reports_protocol_misuse},
		{"xb_replay_run_shutdown", replay_sends_shutdown_at_the_end},
		{"xb_replay_run_malformed", replay_stops_at_a_malformed_event},
		{"xb_replay_run_settings", replay_writes_settings_under_the_module_key},
		{"xb_setting_parse", setting_parse_errors},
		{"xb_replay_run_two_modules", replay_two_modules_in_order},
		{"xb_replay_run_no_module", replay_reports_a_module_that_does_not_load},
		{"xb_replay_run_jobs", replay_concurrently_reports_in_order},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	return s;
}
