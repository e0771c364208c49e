/*
 * Crash and hang isolation (emu/isolate.c): the raw test module crashes,
 * aborts, exits or hangs where its config says (tests/modules/raw_exit.c),
 * beside the hello module, and the records say which call it was, while
 * hello still gets every event. Every test also checks that no child
 * process is left behind.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "isolate.h"
#include "replay.h"
#include "trace.h"

#define BASIC XB_TRACES_DIR "/valid/basic.jsonl"

/* Every record as a line of text: "0 Notify certpending hr=0x8007042B | violation | ... bt=N". */
static char records[64][768];
static size_t nrecords;
static HRESULT init_results[4];
static LONG masks[4];

static void on_module(void *ctx, size_t i, const struct xb_module_info *m)
{
	(void)ctx;
	if (i < 4) {
		init_results[i] = m->init_result;
		masks[i] = m->mask;
	}
}

static void on_record(void *ctx, const struct xb_notification *n)
{
	(void)ctx;
	if (nrecords == 64)
		return;
	char *r = records[nrecords++];
	int used = snprintf(r, sizeof(records[0]), "%zu %s %s hr=0x%08X", n->module, n->method,
			    n->kind ? xb_event_kind_name(n->kind) : "-", (unsigned)n->hr);
	for (size_t i = 0; i < n->nviolations && used < 600; i++)
		used += snprintf(r + used, sizeof(records[0]) - (size_t)used, " | %s", n->violations[i]);
	if (n->nbacktrace && used < 700)
		snprintf(r + used, sizeof(records[0]) - (size_t)used, " bt=%zu", n->nbacktrace);
}

static const struct xb_replay_sink sink = {NULL, on_module, on_record, NULL};

static void setup(void)
{
	nrecords = 0;
	memset(records, 0, sizeof(records));
	memset(init_results, 0, sizeof(init_results));
	memset(masks, 0, sizeof(masks));
}

static void teardown(void)
{
}

/* Whether a record starts with prefix (and contains text, when given). */
static int has_record(const char *prefix, const char *text)
{
	for (size_t i = 0; i < nrecords; i++)
		if (!strncmp(records[i], prefix, strlen(prefix)) && (!text || strstr(records[i], text)))
			return 1;
	return 0;
}

static size_t count_records(const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < nrecords; i++)
		n += !strncmp(records[i], prefix, strlen(prefix));
	return n;
}

static char *all_records(void)
{
	static char text[64 * 800];
	text[0] = 0;
	for (size_t i = 0; i < nrecords; i++) {
		strcat(text, records[i]);
		strcat(text, "\n");
	}
	return text;
}

/* Replays BASIC against the raw module (config) and hello, isolated; the summary. */
static HRESULT replay_two(const char *config, unsigned timeout_ms, unsigned jobs, struct xb_replay_summary *s,
			  xb_error *err)
{
	struct xb_replay_module modules[2] = {{.spec = {.path = XB_RAW_EXIT_PATH}},
					      {.spec = {.path = XB_HELLO_MODULE_PATH}}};
	struct xb_replay_options opts = {.trace = BASIC, .modules = modules, .nmodules = 2, .config = config,
					 .isolate = 1, .timeout_ms = timeout_ms, .jobs = jobs};
	xb_error_init(err, NULL);
	return xb_replay_run(&opts, &sink, s, err);
}

/* No zombie and no orphan: every child process was waited for. */
static void assert_no_children(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

/* hello (module 1) got every event and was unloaded, whatever module 0 did. */
static void assert_hello_got_everything(void)
{
	ck_assert_msg(has_record("1 Initialize - hr=0x00000000", NULL), "%s", all_records());
	ck_assert_msg(has_record("1 Notify certissued hr=0x00000000", NULL), "%s", all_records());
	ck_assert_msg(has_record("1 Notify certpending hr=0x00000000", NULL), "%s", all_records());
	ck_assert_msg(has_record("1 Notify crlissued hr=0x00000000", NULL), "%s", all_records());
	ck_assert_msg(has_record("1 Notify shutdown hr=0x00000000", NULL), "%s", all_records());
	ck_assert_msg(has_record("1 Unload - hr=0x00000000", NULL), "%s", all_records());
}

START_TEST(isolate_reports_as_without_isolation)
{
	struct xb_replay_summary plain, isolated;
	xb_error err;
	struct xb_replay_module modules[2] = {{.spec = {.path = XB_RAW_EXIT_PATH}},
					      {.spec = {.path = XB_HELLO_MODULE_PATH}}};
	struct xb_replay_options opts = {.trace = BASIC, .modules = modules, .nmodules = 2,
					 .config = "mask=0x2FF;read;misuse"};
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_replay_run(&opts, &sink, &plain, &err), S_OK);
	char expected[sizeof(records)];
	size_t nexpected = nrecords;
	memcpy(expected, records, sizeof(records));
	nrecords = 0;
	memset(records, 0, sizeof(records));
	opts.isolate = 1;
	ck_assert_int_eq(xb_replay_run(&opts, &sink, &isolated, &err), S_OK);
	assert_no_children();
	ck_assert_uint_eq(plain.violations, 4); /* misuse: two in each Notify with a request */
	ck_assert_uint_eq(nrecords, nexpected);
	for (size_t i = 0; i < nrecords; i++)
		ck_assert_str_eq(records[i], expected + i * sizeof(records[0]));
	ck_assert_uint_eq(isolated.events, plain.events);
	ck_assert_uint_eq(isolated.notifications, plain.notifications);
	ck_assert_uint_eq(isolated.violations, plain.violations);
	ck_assert_uint_eq(isolated.blank_lines, plain.blank_lines);
	ck_assert_uint_eq(isolated.not_delivered, 0);
	ck_assert_uint_eq(masks[0], 0x2FF);
}
END_TEST

START_TEST(isolate_reports_a_crash_in_notify)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay_two("mask=0x2FF;crash=0x2", 0, 0, &s, &err), S_OK);
	assert_no_children();
	ck_assert_msg(has_record("0 Notify certissued hr=0x00000000", NULL), "%s", all_records());
	ck_assert_msg(has_record("0 Notify certpending hr=0x8007042B | the module crashed: signal 11 (Segmentation fault) bt=",
				 NULL),
		      "%s", all_records());
	ck_assert_int_eq(XB_E_MODULE_CRASHED, (HRESULT)0x8007042B);
	/* The dead module gets nothing more; what it missed is counted, not dropped. */
	ck_assert_uint_eq(count_records("0 "), 3);
	ck_assert_uint_eq(s.not_delivered, 2); /* crlissued, shutdown */
	ck_assert_uint_eq(s.failures, 1);
	ck_assert_uint_eq(s.events, 4);
	assert_hello_got_everything();
	/* The merged order is a replay's: event by event, module by module. */
	ck_assert_msg(strstr(all_records(), "0 Notify certpending") < strstr(all_records(), "1 Notify certpending") &&
			      strstr(all_records(), "1 Notify certissued") < strstr(all_records(), "0 Notify certpending"),
		      "%s", all_records());
}
END_TEST

START_TEST(isolate_reports_an_abort)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay_two("mask=0x2FF;abort=0x1", 0, 0, &s, &err), S_OK);
	assert_no_children();
	ck_assert_msg(has_record("0 Notify certissued hr=0x8007042B | the module crashed: signal 6 (Aborted) bt=", NULL),
		      "%s", all_records());
	ck_assert_uint_eq(s.not_delivered, 3);
	assert_hello_got_everything();
}
END_TEST

START_TEST(isolate_reports_an_exit)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay_two("mask=0x2FF;exit=0x4", 0, 0, &s, &err), S_OK); /* certdenied: none in the trace */
	ck_assert_uint_eq(s.failures, 0);
	ck_assert_int_eq(replay_two("mask=0x2FF;exit=0x20", 0, 0, &s, &err), S_OK);
	assert_no_children();
	ck_assert_msg(has_record("0 Notify crlissued hr=0x8007042B | the module ended the process: exit status 3", NULL),
		      "%s", all_records());
	ck_assert_uint_eq(s.not_delivered, 1);
	assert_hello_got_everything();
}
END_TEST

START_TEST(isolate_reports_a_crash_in_initialize)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay_two("mask=0x2FF;crash-init", 0, 0, &s, &err), S_OK);
	assert_no_children();
	ck_assert_msg(has_record("0 Initialize - hr=0x8007042B | the module crashed: signal 11 (Segmentation fault) bt=",
				 NULL),
		      "%s", all_records());
	/* Reported as loaded, with Initialize's result; like a failed Initialize, it gets no events. */
	ck_assert_int_eq(init_results[0], XB_E_MODULE_CRASHED);
	ck_assert_uint_eq(masks[0], 0);
	ck_assert_uint_eq(count_records("0 "), 1);
	ck_assert_uint_eq(s.not_delivered, 0);
	assert_hello_got_everything();
}
END_TEST

START_TEST(isolate_reports_a_crash_in_the_final_release)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay_two("mask=0x2FF;crash-unload", 0, 0, &s, &err), S_OK);
	assert_no_children();
	ck_assert_msg(has_record("0 Unload - hr=0x8007042B | the module crashed: signal 11 (Segmentation fault)", NULL),
		      "%s", all_records());
	ck_assert_uint_eq(count_records("0 Notify"), 4);
	ck_assert_uint_eq(s.not_delivered, 0);
	assert_hello_got_everything();
}
END_TEST

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(isolate_times_out_a_hung_notify)
{
	struct xb_replay_summary s;
	xb_error err;
	double start = seconds_now();
	ck_assert_int_eq(replay_two("mask=0x2FF;hang=0x2", 300, 0, &s, &err), S_OK);
	double took = seconds_now() - start;
	assert_no_children();
	ck_assert_msg(took < 3.0, "took %.3f s", took);
	ck_assert_msg(has_record("0 Notify certpending hr=0x800705B4 | the module did not return from Notify within 300 ms bt=",
				 NULL),
		      "%s", all_records());
	ck_assert_int_eq(XB_E_MODULE_TIMEOUT, (HRESULT)0x800705B4);
	ck_assert_uint_eq(s.not_delivered, 2);
	assert_hello_got_everything();
}
END_TEST

START_TEST(isolate_times_out_a_hung_initialize)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay_two("mask=0x2FF;hang-init", 300, 0, &s, &err), S_OK);
	assert_no_children();
	ck_assert_msg(has_record("0 Initialize - hr=0x800705B4 | the module did not return from Initialize within 300 ms",
				 NULL),
		      "%s", all_records());
	assert_hello_got_everything();
}
END_TEST

/* A timeout that does not fire keeps the records those of a replay without one. */
START_TEST(isolate_timeout_leaves_prompt_calls_alone)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay_two("mask=0x2FF;read", 5000, 2, &s, &err), S_OK);
	assert_no_children();
	ck_assert_uint_eq(s.failures, 0);
	ck_assert_uint_eq(s.violations, 0);
	ck_assert_uint_eq(s.notifications, 8);
	ck_assert_uint_eq(nrecords, 12);
}
END_TEST

/* With --jobs, the crashing call is named; the others in flight in that process are failed too. */
START_TEST(isolate_with_jobs_names_the_crashing_call)
{
	struct xb_replay_summary s;
	xb_error err;
	ck_assert_int_eq(replay_two("mask=0x2FF;crash=0x20", 0, 4, &s, &err), S_OK);
	assert_no_children();
	ck_assert_msg(has_record("0 Notify crlissued hr=0x8007042B | the module crashed: signal 11", NULL), "%s",
		      all_records());
	ck_assert_uint_eq(count_records("0 Notify crlissued"), 1);
	assert_hello_got_everything();
}
END_TEST

/* What stops a replay without isolation stops it with isolation, with the same error. */
START_TEST(isolate_stops_as_a_replay_does)
{
	struct xb_replay_module modules[2] = {{.spec = {.path = XB_RAW_EXIT_PATH}},
					      {.spec = {.path = "/nonexistent/module.so"}}};
	struct xb_replay_options opts = {.trace = BASIC, .modules = modules, .nmodules = 2, .config = "mask=0x2FF"};
	struct xb_replay_summary s;
	xb_error plain, isolated;
	xb_error_init(&plain, NULL);
	HRESULT hr = xb_replay_run(&opts, &sink, &s, &plain);
	size_t plain_records = nrecords;
	nrecords = 0;
	opts.isolate = 1;
	xb_error_init(&isolated, NULL);
	ck_assert_int_eq(xb_replay_run(&opts, &sink, &s, &isolated), hr);
	assert_no_children();
	ck_assert_int_eq(hr, CO_E_DLLNOTFOUND);
	ck_assert_str_eq(isolated.text, plain.text);
	ck_assert_str_eq(isolated.source, plain.source);
	ck_assert_uint_eq(nrecords, plain_records);

	/* A bad --inject fails before any process starts. */
	const char *bad[] = {"bogus=1"};
	opts.inject = bad;
	opts.ninject = 1;
	modules[1].spec.path = XB_HELLO_MODULE_PATH;
	xb_error_init(&isolated, NULL);
	ck_assert_int_eq(xb_replay_run(&opts, &sink, &s, &isolated), E_INVALIDARG);
	ck_assert_msg(strstr(isolated.text, "bogus") != NULL, "%s", isolated.text);
	assert_no_children();
}
END_TEST

Suite *suite_isolate(void)
{
	Suite *s = suite_create("isolate");
	const struct xb_test_case cases[] = {
		{"xb_isolate_run", isolate_reports_as_without_isolation},
		{"xb_isolate_run_crash", isolate_reports_a_crash_in_notify},
		{"xb_isolate_run_abort", isolate_reports_an_abort},
		{"xb_isolate_run_exit", isolate_reports_an_exit},
		{"xb_isolate_run_crash_initialize", isolate_reports_a_crash_in_initialize},
		{"xb_isolate_run_crash_release", isolate_reports_a_crash_in_the_final_release},
		{"xb_isolate_run_timeout", isolate_times_out_a_hung_notify},
		{"xb_isolate_run_timeout_initialize", isolate_times_out_a_hung_initialize},
		{"xb_isolate_run_timeout_prompt", isolate_timeout_leaves_prompt_calls_alone},
		{"xb_isolate_run_jobs", isolate_with_jobs_names_the_crashing_call},
		{"xb_isolate_run_errors", isolate_stops_as_a_replay_does},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	return s;
}
