/*
 * Check helpers for exit-module authors (libexitbench-check; Linux only):
 * unit-test a module with the Check framework against exitbench's
 * emulated CA, with the same contract checks as `exitbench replay`.
 *
 *   xb_check_ca *ca = xb_check_ca_new("Corp CA");
 *   xb_check_module *m = xb_check_module_load(ca, "./mymodule.so", NULL);
 *   ck_assert_initialize_ok(m);
 *
 *   xb_check_event *ev = xb_check_event_new(EXITEVENT_CERTISSUED);
 *   xb_check_event_set_long(ev, XB_KIT_REQUEST, "RequestID", 42);
 *   xb_check_event_certificate_file(ev, "leaf.pem");
 *   ck_assert_notify_ok(m, ev);
 *   ck_assert_property_read(m, "SerialNumber");
 *
 *   xb_check_module_unload(m);
 *   ck_assert_no_violations(m);
 *   xb_check_event_free(ev);
 *   xb_check_module_free(m);
 *   xb_check_ca_free(ca);
 *
 * This header includes <check.h> and is not part of exitbench.h. Build
 * with `pkg-config --cflags --libs exitbench-check` (docs/check-helpers.md).
 *
 * Ownership: every pointer an xb_check_*_new or _load function returns is
 * new (the matching _free releases it); every string or pointer passed in
 * is borrowed for the call; every string returned is borrowed from the
 * object named, as each comment says. One CA at a time per process: it
 * serves CLSID_CCertServerExit, as a CA host does. Not thread-safe: drive
 * it from the test's thread (a module may use threads of its own).
 */
#ifndef XB_INCLUDE_EXITBENCH_CHECK_H
#define XB_INCLUDE_EXITBENCH_CHECK_H

#include <stddef.h>

#include <check.h>

#include "exitbench.h"

XB_BEGIN_DECLS

typedef struct xb_check_ca xb_check_ca;
typedef struct xb_check_event xb_check_event;
typedef struct xb_check_module xb_check_module;
typedef struct xb_check_result xb_check_result;

/* ---- events ---------------------------------------------------------------
 *
 * An event is what a module reads through ICertServerExit during one
 * Notify: request properties (XB_KIT_REQUEST: GetRequestProperty),
 * certificate properties (XB_KIT_CERTIFICATE: GetCertificateProperty),
 * request attributes and certificate extensions. Values left out are
 * derived at delivery as from a trace (docs/trace-format.md): from
 * RawCertificate the serial number, names, dates, extensions...; from
 * RawRequest the requested names, attributes and extensions. Values set
 * explicitly win over derived ones.
 *
 * Setters return S_OK; E_INVALIDARG for NULL arguments; E_OUTOFMEMORY;
 * HRESULT_FROM_WIN32(ERROR_INVALID_DATA) when the value is not one a CA
 * could hold for this kind of event (a certificate on a pending request,
 * bytes that are no certificate...). The first failure is kept:
 * xb_check_event_error says what it was, and such an event is not
 * delivered.
 */

/* A new, empty event of one EXITEVENT_* kind; NULL for another value or out of memory. */
XB_EXPORT xb_check_event *xb_check_event_new(LONG kind);
/* The event's EXITEVENT_* kind. */
XB_EXPORT LONG xb_check_event_kind(const xb_check_event *ev);

/* A property (name as the module will ask for it; ASCII case is ignored, as by the CA). */
XB_EXPORT HRESULT xb_check_event_set_long(xb_check_event *ev, xb_kit_side side, const char *name, LONG value);
/* value: UTF-8. */
XB_EXPORT HRESULT xb_check_event_set_string(xb_check_event *ev, xb_kit_side side, const char *name,
					    const char *value);
/* value: an OLE DATE in UTC (xb_date_from_time_t makes one from a time_t). */
XB_EXPORT HRESULT xb_check_event_set_date(xb_check_event *ev, xb_kit_side side, const char *name, DATE value);
XB_EXPORT HRESULT xb_check_event_set_binary(xb_check_event *ev, xb_kit_side side, const char *name,
					    const void *bytes, size_t len);

/* RawCertificate from a file holding DER or PEM ("-----BEGIN CERTIFICATE-----"). */
XB_EXPORT HRESULT xb_check_event_certificate_file(xb_check_event *ev, const char *path);
/* RawCertificate from PEM text (the first BEGIN block). */
XB_EXPORT HRESULT xb_check_event_certificate_pem(xb_check_event *ev, const char *text);
/* RawRequest (PKCS#10, PKCS#7, CMC or KEYGEN) from a file holding DER or PEM. */
XB_EXPORT HRESULT xb_check_event_request_file(xb_check_event *ev, const char *path);
/* RawRequest from PEM text ("-----BEGIN CERTIFICATE REQUEST-----"...). */
XB_EXPORT HRESULT xb_check_event_request_pem(xb_check_event *ev, const char *text);
/* A request attribute (GetRequestAttribute), UTF-8. */
XB_EXPORT HRESULT xb_check_event_attribute(xb_check_event *ev, const char *name, const char *value);
/*
 * A certificate extension (GetCertificateExtension): dotted OID, the
 * EXTENSION_* flags GetCertificateExtensionFlags answers, and the
 * extnValue contents.
 */
XB_EXPORT HRESULT xb_check_event_extension(xb_check_event *ev, const char *oid, LONG flags, const void *value,
					   size_t len);

/* The first failure of a setter, as one line; NULL when none. Borrowed from ev. */
XB_EXPORT const char *xb_check_event_error(const xb_check_event *ev);
/* NULL is ignored. An event may be delivered any number of times, to any modules, before it is freed. */
XB_EXPORT void xb_check_event_free(xb_check_event *ev);

/* ---- the CA ---------------------------------------------------------------- */

/*
 * A new CA named name: Initialize's strConfig (the CA's name), the base
 * of every module's registry key and of SanitizedCAName. NULL when name is
 * NULL, out of memory, or another CA is alive in the process.
 */
XB_EXPORT xb_check_ca *xb_check_ca_new(const char *name);

/*
 * A context-0 property (GetCertificateProperty with context 0: CAType,
 * RawCACertificate.0...). Set before a module is loaded, it is there from
 * the start; set later, it applies from the next delivery on, as a CA's
 * update. S_OK, E_INVALIDARG, E_OUTOFMEMORY; a certificate or CRL value
 * that is no such thing fails at that delivery or load.
 */
XB_EXPORT HRESULT xb_check_ca_set_long(xb_check_ca *ca, const char *name, LONG value);
XB_EXPORT HRESULT xb_check_ca_set_string(xb_check_ca *ca, const char *name, const char *value);
XB_EXPORT HRESULT xb_check_ca_set_date(xb_check_ca *ca, const char *name, DATE value);
XB_EXPORT HRESULT xb_check_ca_set_binary(xb_check_ca *ca, const char *name, const void *bytes, size_t len);

/*
 * A configuration value for a module, written under its registry key
 * (HKLM\...\Configuration\<CA>\ExitModules\<ProgID>) when the module is
 * loaded, where xb_kit_config_string and RegGetValueW find it; as
 * `exitbench replay --set`. module is the module's ProgID (or, for a
 * module from a class factory, its braced CLSID); NULL for every module.
 * A REG_SZ value, unless name ends in ":dword" (value a number) or
 * ":multi" (strings separated by ';'). Values for a module already loaded
 * are written at once. S_OK, E_INVALIDARG (a bad name or number),
 * E_OUTOFMEMORY.
 */
XB_EXPORT HRESULT xb_check_ca_set_config(xb_check_ca *ca, const char *module, const char *name, const char *value);

/*
 * Fault injection as `exitbench replay --inject SPEC` (docs/harness.md):
 * from now on, the server calls the rule matches fail. Several specs add
 * up. S_OK, or E_INVALIDARG for a spec that does not parse (the CA's
 * xb_check_ca_error says why).
 */
XB_EXPORT HRESULT xb_check_ca_inject(xb_check_ca *ca, const char *spec);
/* The last failure of a CA function, as one line; NULL when none. Borrowed from ca. */
XB_EXPORT const char *xb_check_ca_error(const xb_check_ca *ca);

/* Unloads and frees the modules still loaded on it, then the CA. NULL is ignored. */
XB_EXPORT void xb_check_ca_free(xb_check_ca *ca);

/* ---- modules --------------------------------------------------------------- */

/*
 * Loads a module as certsrv does (its DllRegisterServer, then ProgID ->
 * CLSID -> InprocServer32 -> CoCreateInstance) and initializes it:
 * Initialize with the CA's name, GetDescription, GetManageModule, under
 * the contract checks (the first result). progid NULL: the one ".Exit"
 * ProgID the module registers for this file. Returns a new module even
 * when loading or Initialize failed (ck_assert_initialize_ok says why; the
 * module then receives no events); NULL only for a NULL ca or path, or
 * out of memory.
 */
XB_EXPORT xb_check_module *xb_check_module_load(xb_check_ca *ca, const char *path, const char *progid);

/*
 * The same for a module linked into the test program: factory (borrowed;
 * registered with CoRegisterClassObject until the module is freed) makes
 * the class clsid, which is activated with CoCreateInstance. A kit module
 * gets its factory from its own DllGetClassObject(clsid,
 * &IID_IClassFactory, ...). No DllCanUnloadNow is asked at unload.
 */
XB_EXPORT xb_check_module *xb_check_module_from_factory(xb_check_ca *ca, IClassFactory *factory,
							const CLSID *clsid);

/*
 * S_OK when the module is loaded and Initialize succeeded; otherwise the
 * load's failure (CO_E_DLLNOTFOUND...), what Initialize returned, or
 * E_UNEXPECTED after unload.
 */
XB_EXPORT HRESULT xb_check_module_status(const xb_check_module *m);
/* Why loading failed, as one line ("cannot load the module: ..."); NULL when it did not. Borrowed. */
XB_EXPORT const char *xb_check_module_error(const xb_check_module *m);
/* The ProgID, else the braced CLSID, else the path given. Borrowed. */
XB_EXPORT const char *xb_check_module_name(const xb_check_module *m);
/* GetDescription's text, or NULL. Borrowed. */
XB_EXPORT const char *xb_check_module_description(const xb_check_module *m);
/* The event mask Initialize set (0 when it failed or the module did not load). */
XB_EXPORT LONG xb_check_module_mask(const xb_check_module *m);

/*
 * Delivers ev as the CA would: puts it in flight (with a context of its
 * own when it has a request, else context 0), calls Notify under the
 * contract checks and records the result. Returns what Notify returned;
 * S_FALSE without calling when the module's mask does not select the
 * event's kind (a CA would not call either; no result is recorded);
 * E_UNEXPECTED when the module is not loaded, Initialize failed, or it was
 * unloaded; the event's own failure (xb_check_event_error, or a value the
 * engine cannot derive) without calling.
 */
XB_EXPORT HRESULT xb_check_notify(xb_check_module *m, xb_check_event *ev);

/*
 * The final Release of the module's object (EXITEVENT_SHUTDOWN is not sent:
 * deliver it first if the test wants the CA's stop), under the contract
 * checks: references left and DllCanUnloadNow saying S_FALSE become
 * violations of the last result. Nothing more is delivered afterwards.
 */
XB_EXPORT void xb_check_module_unload(xb_check_module *m);
/* Unloads if still loaded and frees the module and its results. NULL is ignored. */
XB_EXPORT void xb_check_module_free(xb_check_module *m);

/* ---- results ----------------------------------------------------------------
 *
 * One result per call into the module, in order: Initialize, each Notify
 * delivered, Unload. Borrowed from the module until xb_check_module_free.
 */

XB_EXPORT size_t xb_check_result_count(const xb_check_module *m);
/* The i-th result, or NULL out of range. */
XB_EXPORT const xb_check_result *xb_check_result_at(const xb_check_module *m, size_t i);
/* The latest result, or NULL before any. */
XB_EXPORT const xb_check_result *xb_check_result_last(const xb_check_module *m);

/* "Initialize", "Notify" or "Unload". */
XB_EXPORT const char *xb_check_result_method(const xb_check_result *r);
/* The EXITEVENT_* delivered (0 for Initialize and Unload) and the context Notify got. */
XB_EXPORT LONG xb_check_result_event(const xb_check_result *r);
XB_EXPORT LONG xb_check_result_context(const xb_check_result *r);
/* What the module returned. */
XB_EXPORT HRESULT xb_check_result_hr(const xb_check_result *r);
/* Seconds spent inside the module. */
XB_EXPORT double xb_check_result_seconds(const xb_check_result *r);

/* The ICertServerExit calls the module made, each as "GetCertificateProperty(SerialNumber): S_OK (0x00000000)". */
XB_EXPORT size_t xb_check_result_call_count(const xb_check_result *r);
XB_EXPORT const char *xb_check_result_call(const xb_check_result *r, size_t i);
/*
 * 1 when the module asked for property, attribute or extension name
 * (GetRequestProperty, GetCertificateProperty, GetRequestAttribute,
 * GetCertificateExtension; ASCII case ignored; whatever the answer), else 0.
 */
XB_EXPORT int xb_check_result_read(const xb_check_result *r, const char *name);

/* Contract violations (docs/reports.md), one line each. */
XB_EXPORT size_t xb_check_result_violation_count(const xb_check_result *r);
XB_EXPORT const char *xb_check_result_violation(const xb_check_result *r, size_t i);
/* Warnings: suspicious, not wrong (undefined mask bits, a failing GetDescription...). */
XB_EXPORT size_t xb_check_result_warning_count(const xb_check_result *r);
XB_EXPORT const char *xb_check_result_warning(const xb_check_result *r, size_t i);
/* Faults injected into the module's calls (xb_check_ca_inject), "GetRequestProperty(RequestID): E_OUTOFMEMORY (...)". */
XB_EXPORT size_t xb_check_result_injected_count(const xb_check_result *r);
XB_EXPORT const char *xb_check_result_injected(const xb_check_result *r, size_t i);

/* ---- expectations -----------------------------------------------------------
 *
 * What the ck_assert_* macros below test: each returns NULL when the
 * expectation holds, else a message for a person naming the module, the
 * call and what went wrong. The message is borrowed from m until the next
 * expectation on m or xb_check_module_free (a static string when m is NULL).
 */

/* Delivers ev (xb_check_notify); NULL when Notify was called and succeeded. */
XB_EXPORT const char *xb_check_expect_notify_ok(xb_check_module *m, xb_check_event *ev);
/* NULL when no result so far (Initialize, Notify, Unload) has a violation. */
XB_EXPORT const char *xb_check_expect_no_violations(xb_check_module *m);
/* NULL when the latest result read name (xb_check_result_read). */
XB_EXPORT const char *xb_check_expect_property_read(xb_check_module *m, const char *name);
/* NULL when the module loaded and Initialize succeeded. */
XB_EXPORT const char *xb_check_expect_initialize_ok(xb_check_module *m);

/*
 * Check assertions over the expectations: a failure stops the test with
 * the expectation's message, at the caller's line. (Named after Check's own
 * ck_assert_* family, which they extend.)
 */
#define XB_CHECK_ASSERT_(why)                                                    \
	do {                                                                     \
		const char *xb_check_why_ = (why);                               \
		ck_assert_msg(xb_check_why_ == NULL, "%s", xb_check_why_);       \
	} while (0)

/* Delivers event to module; fails unless Notify was called and returned a success. */
#define ck_assert_notify_ok(module, event) XB_CHECK_ASSERT_(xb_check_expect_notify_ok((module), (event)))
/* Fails when any call into module so far broke the contract, listing the violations. */
#define ck_assert_no_violations(module) XB_CHECK_ASSERT_(xb_check_expect_no_violations(module))
/* Fails unless module's latest call asked for name, listing what it asked for. */
#define ck_assert_property_read(module, name) XB_CHECK_ASSERT_(xb_check_expect_property_read((module), (name)))
/* Fails unless module loaded and its Initialize succeeded. */
#define ck_assert_initialize_ok(module) XB_CHECK_ASSERT_(xb_check_expect_initialize_ok(module))

XB_END_DECLS

#endif
