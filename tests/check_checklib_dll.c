/*
 * Windows DLLs through the Check helpers (exitbench/check.h, emu/deliver.c):
 * the bridge's test module (tests/bridge/bridge_module.c), built as a .so
 * and as a DLL, is loaded twice on one CA with xb_check_module_load and
 * given the same events. The DLL, run by exitbench-host.exe under Wine,
 * must read the CA's own events (its calls are answered from the CA's
 * engine), fail where the CA's --inject rules say, whenever they were set,
 * and have a crash reported as a result, as `exitbench replay` does.
 *
 * A runner of its own, apart from check_exitbench, so that it can exit 77
 * (saying why) where mingw-w64's DLLs and host or Wine are missing, as
 * tests/bridge/bridge.sh does.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitbench/check.h"

#define LEAF XB_FIXTURES_DIR "/leaf.pem"

/* text contains part (a failure message shows both). */
#define check_has(text, part) check_has_at(__LINE__, (text), (part))
static void check_has_at(int line, const char *text, const char *part)
{
	ck_assert_msg(text && strstr(text, part), "line %d: \"%s\" does not contain \"%s\"", line,
		      text ? text : "(null)", part);
}

/* The CA with the module as .so and as DLL, in the given Mode (tests/bridge/bridge_module.c). */
struct pair {
	xb_check_ca *ca;
	xb_check_module *so, *dll;
};

static struct pair load_pair(const char *mode, int with_so)
{
	struct pair p = {xb_check_ca_new("Corp CA"), NULL, NULL};
	ck_assert_ptr_nonnull(p.ca);
	ck_assert_int_eq(xb_check_ca_set_config(p.ca, NULL, "Mode", mode), S_OK);
	if (with_so) {
		p.so = xb_check_module_load(p.ca, XB_BRIDGE_MODULE_SO, NULL);
		ck_assert_initialize_ok(p.so);
	}
	p.dll = xb_check_module_load(p.ca, XB_BRIDGE_MODULE_DLL, NULL);
	ck_assert_initialize_ok(p.dll);
	return p;
}

static void free_pair(struct pair *p)
{
	xb_check_module_free(p->so);
	xb_check_module_free(p->dll);
	xb_check_ca_free(p->ca);
}

static xb_check_event *issued(void)
{
	xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTISSUED);
	ck_assert_int_eq(xb_check_event_set_long(ev, XB_KIT_REQUEST, "RequestID", 42), S_OK);
	ck_assert_int_eq(xb_check_event_certificate_file(ev, LEAF), S_OK);
	ck_assert_int_eq(xb_check_event_attribute(ev, "CertificateTemplate", "User"), S_OK);
	return ev;
}

/* Delivers ev to both modules (each delivery a context of its own); Notify must succeed. */
static void notify_both(const struct pair *p, xb_check_event *ev)
{
	ck_assert_notify_ok(p->so, ev);
	ck_assert_notify_ok(p->dll, ev);
}

/*
 * text with the numbers that differ between two modules given one event
 * replaced by N: SetContext's context (each delivery has its own) and the
 * CA's count of deliveries ("Notify certissued (event 2)").
 */
static const char *numbers_out(const char *text, char *out, size_t n)
{
	static const char *const before[] = {"SetContext(", "(event "};
	size_t used = 0;
	while (text && *text && used + 2 < n) {
		out[used++] = *text++;
		for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
			size_t len = strlen(before[i]);
			if (used >= len && !strncmp(out + used - len, before[i], len) && *text >= '0' && *text <= '9') {
				while (*text >= '0' && *text <= '9')
					text++;
				out[used++] = 'N';
			}
		}
	}
	out[used] = 0;
	return out;
}

/* The same line of a result, but for those numbers. */
static void same_line(const char *a, const char *b)
{
	char x[512], y[512];
	ck_assert_str_eq(numbers_out(a, x, sizeof(x)), numbers_out(b, y, sizeof(y)));
}

/* The latest results of the two modules list the same calls, violations and injected faults. */
static void same_results(const struct pair *p)
{
	const xb_check_result *a = xb_check_result_last(p->so), *b = xb_check_result_last(p->dll);
	ck_assert_int_eq(xb_check_result_hr(a), xb_check_result_hr(b));
	ck_assert_uint_eq(xb_check_result_call_count(a), xb_check_result_call_count(b));
	for (size_t i = 0; i < xb_check_result_call_count(a); i++)
		same_line(xb_check_result_call(a, i), xb_check_result_call(b, i));
	ck_assert_uint_eq(xb_check_result_violation_count(a), xb_check_result_violation_count(b));
	for (size_t i = 0; i < xb_check_result_violation_count(a); i++)
		same_line(xb_check_result_violation(a, i), xb_check_result_violation(b, i));
	ck_assert_uint_eq(xb_check_result_injected_count(a), xb_check_result_injected_count(b));
	for (size_t i = 0; i < xb_check_result_injected_count(a); i++)
		same_line(xb_check_result_injected(a, i), xb_check_result_injected(b, i));
}

/* The DLL reads this CA's event (an engine-less bridge would serve an empty snapshot and log no call). */
START_TEST(dll_reads_the_ca_event)
{
	struct pair p = load_pair("enum", 1);
	xb_check_event *ev = issued();
	notify_both(&p, ev);
	ck_assert_property_read(p.dll, "SerialNumber");
	ck_assert_property_read(p.dll, "CertificateTemplate");
	ck_assert_uint_gt(xb_check_result_call_count(xb_check_result_last(p.dll)), 10);
	same_results(&p);
	xb_check_module_unload(p.so);
	xb_check_module_unload(p.dll);
	ck_assert_no_violations(p.so);
	ck_assert_no_violations(p.dll);
	xb_check_event_free(ev);
	free_pair(&p);
}
END_TEST

/* Leaks and unreleased objects in the DLL are the CA's violations, as the .so's. */
START_TEST(dll_violations)
{
	struct pair p = load_pair("leak", 1);
	xb_check_event *ev = issued();
	notify_both(&p, ev);
	same_results(&p);
	xb_check_module_unload(p.so);
	xb_check_module_unload(p.dll);
	same_results(&p);
	check_has(xb_check_expect_no_violations(p.dll), "the BSTR returned by GetCertificateProperty(SerialNumber)");
	xb_check_event_free(ev);
	free_pair(&p);
}
END_TEST

/*
 * xb_check_ca_inject after the modules loaded: the DLL's host gets the new
 * rules before its next call, and fails the same call as the .so's engine;
 * with the server object Mode=objects leaves behind, the fault was not handled.
 */
START_TEST(dll_injected_faults)
{
	struct pair p = load_pair("objects", 1);
	xb_check_event *ev = issued();
	notify_both(&p, ev);
	ck_assert_uint_eq(xb_check_result_injected_count(xb_check_result_last(p.dll)), 0);
	ck_assert_int_eq(xb_check_ca_inject(p.ca, "name=SerialNumber,error=CERTSRV_E_PROPERTY_EMPTY"), S_OK);
	notify_both(&p, ev);
	const xb_check_result *r = xb_check_result_last(p.dll);
	ck_assert_uint_eq(xb_check_result_injected_count(r), 1);
	check_has(xb_check_result_injected(r, 0), "GetCertificateProperty(SerialNumber): CERTSRV_E_PROPERTY_EMPTY");
	check_has(xb_check_expect_no_violations(p.dll),
		  "the module did not handle the injected fault (GetCertificateProperty(SerialNumber)");
	same_results(&p);
	/* A second spec adds up, and reaches the host too. */
	ck_assert_int_eq(xb_check_ca_inject(p.ca, "name=RequestID,error=E_OUTOFMEMORY"), S_OK);
	notify_both(&p, ev);
	ck_assert_uint_eq(xb_check_result_injected_count(xb_check_result_last(p.dll)), 2);
	same_results(&p);
	xb_check_event_free(ev);
	free_pair(&p);
}
END_TEST

/* A crash in the DLL is its result (the host survives it), and the module gets the next event. */
START_TEST(dll_crash_is_a_result)
{
	struct pair p = load_pair("crash", 0);
	xb_check_event *ev = issued();
	ck_assert_int_eq(xb_check_notify(p.dll, ev), HRESULT_FROM_WIN32(ERROR_PROCESS_ABORTED));
	const xb_check_result *r = xb_check_result_last(p.dll);
	ck_assert_uint_eq(xb_check_result_violation_count(r), 1);
	check_has(xb_check_result_violation(r, 0), "the module crashed in Notify: EXCEPTION_ACCESS_VIOLATION");
	xb_check_event *revoked = xb_check_event_new(EXITEVENT_CERTREVOKED);
	ck_assert_int_eq(xb_check_event_certificate_file(revoked, LEAF), S_OK);
	ck_assert_notify_ok(p.dll, revoked);
	xb_check_event_free(revoked);
	xb_check_event_free(ev);
	free_pair(&p);
}
END_TEST

/* Why this runner cannot run here, or NULL. */
static const char *missing(void)
{
	static char why[600];
	struct stat st;
	const char *built[] = {XB_HOST_EXE, XB_BRIDGE_MODULE_DLL};
	for (size_t i = 0; i < sizeof(built) / sizeof(built[0]); i++) {
		if (stat(built[i], &st)) {
			snprintf(why, sizeof(why), "%s is not built (configure found no x86_64-w64-mingw32-gcc)", built[i]);
			return why;
		}
	}
	if (!getenv("EXITBENCH_WINE") &&
	    system("command -v wine >/dev/null 2>&1 || command -v wine64 >/dev/null 2>&1") != 0)
		return "Wine is not installed (Debian package wine)";
	return NULL;
}

int main(void)
{
	const char *why = missing();
	if (why) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	/*
	 * This build's host, and a Wine prefix of this runner's own: bridge.sh
	 * stops the wineserver of its prefix when it ends, which would kill
	 * our hosts if both ran at once on one prefix. Made once (seconds).
	 */
	setenv("EXITBENCH_HOST", XB_HOST_EXE, 1);
	setenv("WINEPREFIX", XB_WINEPREFIX, 1);
	setenv("WINEDEBUG", "-all", 0);
	struct stat st;
	if (stat(XB_WINEPREFIX, &st)) {
		mkdir(XB_WINEPREFIX, 0777);
		if (system("timeout 300 wineboot --init >/dev/null 2>&1"))
			printf("NOTE: wineboot --init failed; the first host start makes the prefix\n");
	}
	Suite *s = suite_create("checklib_dll");
	TCase *tc = tcase_create("xb_check_module_load_dll");
	tcase_add_test(tc, dll_reads_the_ca_event);
	tcase_add_test(tc, dll_violations);
	tcase_add_test(tc, dll_injected_faults);
	tcase_add_test(tc, dll_crash_is_a_result);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (system("wineserver -k >/dev/null 2>&1")) {
		/* none was running: nothing to stop */
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
