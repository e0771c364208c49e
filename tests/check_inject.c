/* Fault injection (emu/inject.c) and its effect on a replay's records. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "inject.h"
#include "replay.h"

static HRESULT parse(const char *spec, struct xb_injector **in, xb_error *err)
{
	xb_error_init(err, NULL);
	return xb_injector_new(&spec, 1, in, err);
}

START_TEST(spec_errors)
{
	static const struct {
		const char *spec, *message;
	} bad[] = {
		{"", "an empty specification"},
		{"error", "is not FIELD=VALUE"},
		{"error=", "needs a value"},
		{"error=S_OK", "is not a failure HRESULT"},
		{"error=E_NOSUCH", "is not a failure HRESULT"},
		{"method=GetStuff", "is not an ICertServerExit method"},
		{"event=issued", "is not an event kind"},
		{"every=0", "is not a count from 1"},
		{"every=x", "is not a count from 1"},
		{"random=1.5", "is not a probability"},
		{"random=-0.1", "is not a probability"},
		{"seed=abc", "is not a number"},
		{"colour=red", "unknown field \"colour\""},
		{"every=2,random=0.5", "every= and random= cannot be in one rule"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xb_injector *in = (struct xb_injector *)1;
		xb_error err;
		ck_assert_int_eq(parse(bad[i].spec, &in, &err), E_INVALIDARG);
		ck_assert_ptr_null(in);
		ck_assert_msg(strstr(err.text, bad[i].message) != NULL, "%s: %s", bad[i].spec, err.text);
	}
}
END_TEST

START_TEST(rules_match_and_count)
{
	struct xb_injector *in;
	xb_error err;
	ck_assert_int_eq(parse("method=getcertificateproperty,name=serialnumber,every=2,error=CERTSRV_E_PROPERTY_EMPTY;"
			       "event=crlissued,error=RPC",
			       &in, &err),
			 S_OK);
	/* Rule 1: every second matching call. */
	ck_assert_int_eq(xb_injector_decide(in, "GetCertificateProperty", "SerialNumber", EXITEVENT_CERTISSUED), S_OK);
	ck_assert_int_eq(xb_injector_decide(in, "GetCertificateProperty", "NotBefore", EXITEVENT_CERTISSUED), S_OK);
	ck_assert_int_eq(xb_injector_decide(in, "GetCertificateProperty", "SERIALNUMBER", EXITEVENT_CERTISSUED),
			 CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_int_eq(xb_injector_decide(in, "GetRequestProperty", "SerialNumber", EXITEVENT_CERTISSUED), S_OK);
	ck_assert_int_eq(xb_injector_decide(in, "GetCertificateProperty", "SerialNumber", EXITEVENT_CERTISSUED), S_OK);
	ck_assert_int_eq(xb_injector_decide(in, "GetCertificateProperty", "SerialNumber", EXITEVENT_CERTISSUED),
			 CERTSRV_E_PROPERTY_EMPTY);
	/* Rule 2: every call of a crlissued delivery, with the RPC error. */
	ck_assert_int_eq(xb_injector_decide(in, "SetContext", NULL, EXITEVENT_CRLISSUED),
			 HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE));
	ck_assert(!xb_injector_random(in));
	xb_injector_free(in);
}
END_TEST

START_TEST(random_repeats_with_its_seed)
{
	struct xb_injector *a, *b, *c;
	xb_error err;
	ck_assert_int_eq(parse("random=0.3,seed=42", &a, &err), S_OK);
	ck_assert_int_eq(parse("random=0.3,seed=42", &b, &err), S_OK);
	ck_assert_int_eq(parse("random=0.3", &c, &err), S_OK);
	ck_assert(xb_injector_random(a));
	ck_assert_uint_eq(xb_injector_seed(a), 42);
	int fired = 0;
	for (int i = 0; i < 1000; i++) {
		HRESULT x = xb_injector_decide(a, "GetRequestProperty", "RequestID", EXITEVENT_CERTISSUED);
		ck_assert_int_eq(x, xb_injector_decide(b, "GetRequestProperty", "RequestID", EXITEVENT_CERTISSUED));
		fired += FAILED(x);
	}
	/* About 300 of 1000: a generator that is not uniform would miss by far more. */
	ck_assert_msg(fired > 240 && fired < 360, "fired %d times", fired);
	xb_injector_free(a);
	xb_injector_free(b);
	xb_injector_free(c);
}
END_TEST

/* What another process needs to decide the same (a DLL's host): the specifications as given, and the seed. */
START_TEST(specs_and_seed_travel)
{
	const char *const specs[] = {"name=RequestID,every=2", "random=0.4,seed=9"};
	struct xb_injector *a, *b;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_int_eq(xb_injector_new(specs, 2, &a, &err), S_OK);
	size_t n = 0;
	const char *const *got = xb_injector_specs(a, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(got[0], specs[0]);
	ck_assert_str_eq(got[1], specs[1]);
	ck_assert_ptr_ne(got[0], specs[0]); /* copies: the caller's strings may go */
	/* Made from the copies with the first one's seed forced in, the second decides every call alike. */
	ck_assert_int_eq(xb_injector_new(got, n, &b, &err), S_OK);
	xb_injector_set_seed(a, 0xFEDCBA9876543210ull);
	xb_injector_set_seed(b, xb_injector_seed(a));
	ck_assert(xb_injector_seed(b) == 0xFEDCBA9876543210ull);
	int fired = 0;
	for (int i = 0; i < 200; i++) {
		const char *name = i % 3 ? "SerialNumber" : "RequestID";
		HRESULT x = xb_injector_decide(a, "GetRequestProperty", name, EXITEVENT_CERTISSUED);
		ck_assert_int_eq(x, xb_injector_decide(b, "GetRequestProperty", name, EXITEVENT_CERTISSUED));
		fired += FAILED(x);
	}
	ck_assert_msg(fired > 0 && fired < 200, "fired %d times of 200", fired);
	/* set_seed restarts the generator: a, after 200 draws, now draws as one seeded so from the start. */
	const char *const reseeded[] = {"random=0.4,seed=18364758544493064720"}; /* 0xFEDCBA9876543210 */
	struct xb_injector *c;
	ck_assert_int_eq(xb_injector_new(reseeded, 1, &c, &err), S_OK);
	xb_injector_set_seed(a, 0xFEDCBA9876543210ull);
	for (int i = 0; i < 200; i++) /* SerialNumber: a's random= rule alone */
		ck_assert_int_eq(xb_injector_decide(a, "GetRequestProperty", "SerialNumber", EXITEVENT_CERTISSUED),
				 xb_injector_decide(c, "GetRequestProperty", "SerialNumber", EXITEVENT_CERTISSUED));
	xb_injector_free(a);
	xb_injector_free(b);
	xb_injector_free(c);
}
END_TEST

/* ---- through a replay -------------------------------------------------- */

static char record[1024];

static void on_record(void *ctx, const struct xb_notification *n)
{
	(void)ctx;
	if (strcmp(n->method, "Notify") || n->kind != EXITEVENT_CERTISSUED)
		return;
	int used = snprintf(record, sizeof(record), "hr=0x%08X", (unsigned)n->hr);
	for (size_t i = 0; i < n->ninjected; i++)
		used += snprintf(record + used, sizeof(record) - (size_t)used, " | injected %s", n->injected[i]);
	for (size_t i = 0; i < n->nviolations; i++)
		used += snprintf(record + used, sizeof(record) - (size_t)used, " | %s", n->violations[i]);
}

static HRESULT replay_injected(const char *config, const char *spec, struct xb_replay_summary *s)
{
	void *raw = dlopen(XB_RAW_EXIT_PATH, RTLD_NOW);
	ck_assert_ptr_nonnull(raw);
	struct xb_replay_module module = {.spec = {.path = XB_RAW_EXIT_PATH}};
	struct xb_replay_sink sink = {.notification = on_record};
	struct xb_replay_options opts = {.trace = XB_TRACES_DIR "/valid/basic.jsonl", .modules = &module,
					 .nmodules = 1, .config = config, .inject = &spec, .ninject = 1};
	xb_error err;
	xb_error_init(&err, NULL);
	record[0] = 0;
	HRESULT hr = xb_replay_run(&opts, &sink, s, &err);
	void (*reset)(void);
	*(void **)&reset = dlsym(raw, "raw_exit_reset");
	reset();
	dlclose(raw);
	return hr;
}

START_TEST(replay_records_injected_faults)
{
	struct xb_replay_summary s;
	/* A module that copes: the fault is listed, nothing is a violation. */
	ck_assert_int_eq(replay_injected("mask=0x1;read", "name=SerialNumber,error=E_OUTOFMEMORY", &s), S_OK);
	ck_assert_uint_eq(s.injected, 1);
	ck_assert_uint_eq(s.violations, 0);
	ck_assert_str_eq(record, "hr=0x00000000 | injected GetCertificateProperty(SerialNumber): E_OUTOFMEMORY (0x8007000E)");
}
END_TEST

START_TEST(replay_names_faults_not_handled)
{
	struct xb_replay_summary s;
	/* SetContext fails; the module reads on regardless, at context 0. */
	ck_assert_int_eq(replay_injected("mask=0x1;read", "method=SetContext,error=RPC", &s), S_OK);
	ck_assert_uint_eq(s.injected, 1);
	ck_assert_msg(strstr(record, "GetRequestProperty(RequestID) broke the protocol: E_UNEXPECTED") &&
			      strstr(record, "the module did not handle the injected fault (SetContext(): "
					     "HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE)"),
		      "%s", record);
}
END_TEST

Suite *suite_inject(void)
{
	Suite *s = suite_create("inject");
	const struct xb_test_case cases[] = {
		{"xb_injector_new", spec_errors},
		{"xb_injector_decide", rules_match_and_count},
		{"xb_injector_decide_random", random_repeats_with_its_seed},
		{"xb_injector_specs", specs_and_seed_travel},
		{"xb_replay_run_inject", replay_records_injected_faults},
		{"xb_replay_run_inject_unhandled", replay_names_faults_not_handled},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
