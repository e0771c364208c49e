/*
 * The module loader (emu/loader.c) against the raw-COM modules of
 * tests/modules/raw_exit.c: registration, ProgID and CLSID resolution,
 * activation with the ICertExit2 -> ICertExit fallback, Initialize and what
 * follows it, Notify, and unloading with DllCanUnloadNow.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "exitbench.h"
#include "loader.h"

#if !defined(XB_RAW_EXIT_PATH) || !defined(XB_RAW_EXIT_NOREG_PATH) || !defined(XB_RAW_EXIT_BADREG_PATH)
#error "the build must name the raw exit modules"
#endif

#define RAW XB_RAW_EXIT_PATH
#define NOREG XB_RAW_EXIT_NOREG_PATH
#define BADREG XB_RAW_EXIT_BADREG_PATH
#define RAW_CLSID "{5A0E1B2C-3D4E-4F60-8172-93A4B5C6D701}"
#define RAW_MANAGE_CLSID "{5A0E1B2C-3D4E-4F60-8172-93A4B5C6D702}"
#define NOREG_CLSID "{5A0E1B2C-3D4E-4F60-8172-93A4B5C6D711}"
#define BADREG_CLSID "{5A0E1B2C-3D4E-4F60-8172-93A4B5C6D721}"
#define TEST_SERVER_CLSID "{6B1F2E3A-0C4D-4E5F-8A9B-1C2D3E4F5A6B}"
#define LOCATION "SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Corp CA\\ExitModules\\"

static void setup(void)
{
	xb_registry_clear();
	unsetenv("XB_RAW_EXIT_QI");
	unsetenv("XB_RAW_EXIT_REGISTER");
}

static void teardown(void)
{
	setup();
	CoFreeUnusedLibraries();
}

/* ---- helpers: failures report the caller's line ------------------------- */

static struct xb_module *load_ok(const struct xb_module_spec *spec, int line)
{
	struct xb_module *m = NULL;
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_module_load(spec, &m, &err);
	ck_assert_msg(hr == S_OK && m, "line %d: loading %s gave 0x%08x: %s", line, spec->path, (unsigned)hr,
		      err.text);
	return m;
}
#define LOAD_OK(...) load_ok(&(struct xb_module_spec){__VA_ARGS__}, __LINE__)

static void load_fails(const struct xb_module_spec *spec, HRESULT code, const char *text, int line)
{
	struct xb_module *m = (struct xb_module *)1;
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_module_load(spec, &m, &err);
	ck_assert_msg(hr == code && err.code == code, "line %d: %s gave 0x%08x (error 0x%08x: %s), not 0x%08x",
		      line, spec->path ? spec->path : "(null)", (unsigned)hr, (unsigned)err.code, err.text,
		      (unsigned)code);
	ck_assert_msg(m == NULL, "line %d: a failed load left a module", line);
	ck_assert_msg(strstr(err.text, text), "line %d: \"%s\" does not say \"%s\"", line, err.text, text);
}
#define LOAD_FAILS(code, text, ...) load_fails(&(struct xb_module_spec){__VA_ARGS__}, code, text, __LINE__)

/* Whether the library is mapped (a NOLOAD dlopen finds it). */
static int is_loaded(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (h)
		dlclose(h);
	return h != NULL;
}

/* A symbol of a loaded test module (its steering and log exports). */
static void *module_symbol(const char *path, const char *name)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	ck_assert_msg(h != NULL, "%s is not loaded", path);
	void *sym = dlsym(h, name);
	dlclose(h); /* the loader's references keep it mapped */
	ck_assert_msg(sym != NULL, "%s does not export %s", path, name);
	return sym;
}

static const char *calls(const char *path)
{
	return ((const char *(*)(void))(uintptr_t)module_symbol(path, "raw_exit_calls"))();
}

static void reset_calls(const char *path)
{
	((void (*)(void))(uintptr_t)module_symbol(path, "raw_exit_reset"))();
}

static int has_warning(const struct xb_module *m, const char *text)
{
	for (size_t i = 0; i < xb_module_warning_count(m); i++)
		if (strstr(xb_module_warning(m, i), text))
			return 1;
	return 0;
}

static void check_string(HKEY root, const char *path, const char *name, const char *want, int line)
{
	char *got = NULL;
	LSTATUS status = xb_registry_get_string(root, path, name, &got);
	ck_assert_msg(status == ERROR_SUCCESS && !strcmp(got, want), "line %d: %s [%s] = \"%s\", not \"%s\"",
		      line, path, name ? name : "(default)", got ? got : "(missing)", want);
	free(got);
}
#define CHECK_STRING(path, name, want) check_string(HKEY_CLASSES_ROOT, path, name, want, __LINE__)

/* Unloads, checks DllCanUnloadNow said S_OK and the library is gone, frees. */
static void unload_clean(struct xb_module *m, const char *path)
{
	xb_module_unload(m);
	ck_assert_int_eq(xb_module_final_release(m), 0);
	ck_assert_msg(xb_module_can_unload(m) == S_OK, "DllCanUnloadNow of %s: 0x%08x", path,
		      (unsigned)xb_module_can_unload(m));
	xb_module_free(m);
	ck_assert_msg(!is_loaded(path), "%s is still loaded after unloading", path);
}

/* ---- loading ------------------------------------------------------------ */

START_TEST(load_default_progid)
{
	char real[PATH_MAX];
	ck_assert_ptr_nonnull(realpath(RAW, real));
	struct xb_module *m = LOAD_OK(.path = RAW);
	ck_assert_str_eq(xb_module_progid(m), "XbRawTest.Exit");
	ck_assert_str_eq(xb_module_clsid(m), RAW_CLSID);
	ck_assert_str_eq(xb_module_path(m), real);
	ck_assert_int_eq(xb_module_is_exit2(m), 1);
	ck_assert_int_eq(xb_module_warning_count(m), 0);
	ck_assert_int_eq(xb_module_init_result(m), E_PENDING);
	ck_assert_ptr_null(xb_module_registry_location(m));
	/* regsvr32's step, then activation asking for ICertExit2 first */
	ck_assert_msg(strstr(calls(RAW), "DllRegisterServer;QueryInterface(ICertExit2);"), "%s", calls(RAW));
	/* what the module's DllRegisterServer wrote: reference §6.1 */
	CHECK_STRING("XbRawTest.Exit.1", NULL, "XbRawTest exit module");
	CHECK_STRING("XbRawTest.Exit.1\\CLSID", NULL, RAW_CLSID);
	CHECK_STRING("XbRawTest.Exit", NULL, "XbRawTest exit module");
	CHECK_STRING("XbRawTest.Exit\\CLSID", NULL, RAW_CLSID);
	CHECK_STRING("CLSID\\" RAW_CLSID, NULL, "XbRawTest exit module");
	CHECK_STRING("CLSID\\" RAW_CLSID "\\ProgID", NULL, "XbRawTest.Exit.1");
	CHECK_STRING("CLSID\\" RAW_CLSID "\\VersionIndependentProgID", NULL, "XbRawTest.Exit");
	CHECK_STRING("CLSID\\" RAW_CLSID "\\InprocServer32", NULL, real);
	CHECK_STRING("CLSID\\" RAW_CLSID "\\InprocServer32", "ThreadingModel", "Both");
	CHECK_STRING("XbRawTest.ExitManage\\CLSID", NULL, RAW_MANAGE_CLSID);
	CHECK_STRING("CLSID\\" RAW_MANAGE_CLSID "\\InprocServer32", NULL, real);
	unload_clean(m, RAW);
}
END_TEST

START_TEST(load_explicit_progid)
{
	struct xb_module *m = LOAD_OK(.path = RAW, .progid = "xbrawtest.exit");
	ck_assert_str_eq(xb_module_progid(m), "xbrawtest.exit"); /* as given: ProgIDs ignore case */
	ck_assert_str_eq(xb_module_clsid(m), RAW_CLSID);
	ck_assert_int_eq(xb_module_warning_count(m), 0);
	unload_clean(m, RAW);

	/* the versioned ProgID names the same class, but is not what a CA lists */
	m = LOAD_OK(.path = RAW, .progid = "XbRawTest.Exit.1");
	ck_assert_str_eq(xb_module_clsid(m), RAW_CLSID);
	ck_assert(has_warning(m, "does not end in \".Exit\""));
	unload_clean(m, RAW);

	LOAD_FAILS(CO_E_CLASSSTRING, "ProgID \"Nope.Exit\" is not registered", .path = RAW, .progid = "Nope.Exit");
	ck_assert(!is_loaded(RAW));
	/* the manager class is registered by the same file, but is no exit module */
	LOAD_FAILS(E_NOINTERFACE, "answers neither ICertExit2 nor ICertExit", .path = RAW,
		   .progid = "XbRawTest.ExitManage");
	ck_assert(!is_loaded(RAW));
}
END_TEST

START_TEST(load_clsid)
{
	char real[PATH_MAX];
	ck_assert_ptr_nonnull(realpath(NOREG, real));
	struct xb_module *m = LOAD_OK(.path = NOREG, .clsid = NOREG_CLSID);
	ck_assert_ptr_null(xb_module_progid(m));
	ck_assert_str_eq(xb_module_clsid(m), NOREG_CLSID);
	ck_assert_int_eq(xb_module_is_exit2(m), 1);
	/* the loader wrote the one key activation reads */
	CHECK_STRING("CLSID\\" NOREG_CLSID "\\InprocServer32", NULL, real);
	CHECK_STRING("CLSID\\" NOREG_CLSID "\\InprocServer32", "ThreadingModel", "Both");
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA", NULL), S_OK);
	/* without a ProgID the CLSID names the configuration key */
	ck_assert_str_eq(xb_module_registry_location(m), LOCATION NOREG_CLSID);
	ck_assert_str_eq(xb_module_manage_property(m, XB_MANAGE_NAME), "Raw Test Exit");
	unload_clean(m, NOREG);

	/* a ProgID given with the CLSID is only the module's name */
	m = LOAD_OK(.path = NOREG, .clsid = NOREG_CLSID, .progid = "Raw.Exit");
	ck_assert_str_eq(xb_module_progid(m), "Raw.Exit");
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA", NULL), S_OK);
	ck_assert_str_eq(xb_module_registry_location(m), LOCATION "Raw.Exit");
	unload_clean(m, NOREG);

	/* a self-registering module loaded by CLSID is not asked to register */
	m = LOAD_OK(.path = RAW, .clsid = RAW_CLSID);
	ck_assert_ptr_null(strstr(calls(RAW), "DllRegisterServer"));
	unload_clean(m, RAW);

	LOAD_FAILS(CO_E_CLASSSTRING, "\"XbRawTest.Exit\" is not a CLSID", .path = NOREG, .clsid = "XbRawTest.Exit");
	LOAD_FAILS(CLASS_E_CLASSNOTAVAILABLE, "CoCreateInstance(" RAW_CLSID ") returned CLASS_E_CLASSNOTAVAILABLE",
		   .path = NOREG, .clsid = RAW_CLSID);
	ck_assert(!is_loaded(NOREG));
}
END_TEST

START_TEST(load_fallback_icertexit)
{
	ck_assert_int_eq(setenv("XB_RAW_EXIT_QI", "no-exit2", 1), 0);
	struct xb_module *m = LOAD_OK(.path = RAW);
	ck_assert_int_eq(xb_module_is_exit2(m), 0);
	/* the object refusing ICertExit2 is freed before the second CoCreateInstance */
	ck_assert_msg(strstr(calls(RAW), "QueryInterface(ICertExit2);Release(final);QueryInterface(ICertExit);"),
		      "%s", calls(RAW));
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA", NULL), S_OK);
	/* no ICertExit2, so no GetManageModule */
	ck_assert_ptr_null(strstr(calls(RAW), "GetManageModule"));
	ck_assert_int_eq(xb_module_manage_result(m), E_PENDING);
	ck_assert_ptr_null(xb_module_manage_property(m, XB_MANAGE_NAME));
	ck_assert_str_eq(xb_module_description(m), "Raw test exit module");
	unload_clean(m, RAW);

	/* a COM server whose class is no exit module at all */
	xb_error err;
	xb_error_init(&err, NULL);
	struct xb_module *none = NULL;
	ck_assert_int_eq(xb_module_load(&(struct xb_module_spec){.path = XB_TEST_SERVER_PATH,
								 .clsid = TEST_SERVER_CLSID},
					&none, &err),
			 E_NOINTERFACE);
	ck_assert_ptr_null(none);
	ck_assert_msg(strstr(err.text, "neither ICertExit2 nor ICertExit"), "%s", err.text);
	ck_assert(!is_loaded(XB_TEST_SERVER_PATH));
}
END_TEST

START_TEST(load_register_fails)
{
	ck_assert_int_eq(setenv("XB_RAW_EXIT_REGISTER", "fail", 1), 0);
	xb_error err;
	xb_error_init(&err, NULL);
	struct xb_module *m = NULL;
	ck_assert_int_eq(xb_module_load(&(struct xb_module_spec){.path = BADREG}, &m, &err), SELFREG_E_CLASS);
	ck_assert_str_eq(err.text, "DllRegisterServer returned SELFREG_E_CLASS (0x80040201)");
	/* the error names the file */
	ck_assert_msg(strstr(err.source, "libxbrawexitbadreg.so"), "%s", err.source);
	ck_assert_ptr_null(m);
}
END_TEST

START_TEST(load_missing_exports)
{
	LOAD_FAILS(HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND), "does not export DllRegisterServer", .path = NOREG);
	LOAD_FAILS(HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND), "does not export DllGetClassObject",
		   .path = XB_TEST_PLAIN_LIBRARY_PATH, .clsid = RAW_CLSID);
	/* DllCanUnloadNow is optional to COM: a warning, and the answer says it is absent */
	struct xb_module *m = LOAD_OK(.path = BADREG);
	ck_assert(has_warning(m, "does not export DllCanUnloadNow"));
	xb_module_unload(m);
	ck_assert_int_eq(xb_module_can_unload(m), HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND));
	ck_assert_int_eq(xb_module_final_release(m), 0);
	xb_module_free(m);
}
END_TEST

START_TEST(load_bad_path)
{
	LOAD_FAILS(CO_E_DLLNOTFOUND, "cannot load the module: cannot open shared object file: No such file",
		   .path = "/nonexistent/dir/module.so");
	LOAD_FAILS(CO_E_DLLNOTFOUND, "invalid ELF header", .path = XB_FIXTURES_DIR "/leaf.pem");
	/* a bare name is a file here, not a library to search for */
	LOAD_FAILS(CO_E_DLLNOTFOUND, "./libexitbench.so", .path = "libexitbench.so");
	LOAD_FAILS(E_INVALIDARG, "no module path", .path = NULL);
	LOAD_FAILS(E_INVALIDARG, "no module path", .path = "");
	ck_assert_int_eq(xb_module_load(NULL, NULL, NULL), E_INVALIDARG);
}
END_TEST

START_TEST(load_registration_elsewhere)
{
	ck_assert_int_eq(setenv("XB_RAW_EXIT_REGISTER", "elsewhere", 1), 0);
	LOAD_FAILS(REGDB_E_INVALIDVALUE,
		   "points elsewhere: XbBadReg.Exit -> " BADREG_CLSID
		   " InprocServer32 = \"/nonexistent/elsewhere/libxbrawexitbadreg.so\", not this file",
		   .path = BADREG, .progid = "XbBadReg.Exit");
	/* without a ProgID, none names this file: the error shows where the one found points */
	LOAD_FAILS(CO_E_CLASSSTRING, "found: XbBadReg.Exit -> /nonexistent/elsewhere/libxbrawexitbadreg.so",
		   .path = BADREG);

	xb_registry_clear();
	ck_assert_int_eq(setenv("XB_RAW_EXIT_REGISTER", "two", 1), 0);
	LOAD_FAILS(CO_E_CLASSSTRING, "several ProgIDs ending in \".Exit\" name this file: XbBadReg.Exit, XbBadReg2.Exit",
		   .path = BADREG);
	struct xb_module *m = LOAD_OK(.path = BADREG, .progid = "XbBadReg2.Exit");
	ck_assert_str_eq(xb_module_clsid(m), BADREG_CLSID);
	xb_module_free(m);

	xb_registry_clear();
	ck_assert_int_eq(setenv("XB_RAW_EXIT_REGISTER", "none", 1), 0);
	LOAD_FAILS(CO_E_CLASSSTRING, "no ProgID ending in \".Exit\" names this file as InprocServer32; found: none",
		   .path = BADREG);
}
END_TEST

/* ---- Initialize and what follows ----------------------------------------- */

START_TEST(initialize_mask)
{
	struct xb_module *m = LOAD_OK(.path = RAW);
	LONG mask = -1;
	ck_assert_int_eq(xb_module_notify(m, EXITEVENT_CERTISSUED, 1, NULL), E_UNEXPECTED); /* not yet */
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA", &mask), S_OK);
	ck_assert_int_eq(mask, 0x27F);
	ck_assert_int_eq(xb_module_mask(m), 0x27F);
	ck_assert_int_eq(xb_module_undefined_mask_bits(m), 0);
	ck_assert_int_eq(xb_module_init_result(m), S_OK);
	ck_assert_int_eq(xb_module_warning_count(m), 0);
	ck_assert_msg(strstr(calls(RAW), "Initialize(Corp CA);GetDescription;GetManageModule;"), "%s", calls(RAW));
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA", &mask), E_UNEXPECTED); /* once only */
	ck_assert_int_eq(mask, 0);
	unload_clean(m, RAW);

	static const struct {
		const char *config;
		LONG mask, undefined;
		const char *warning;
	} cases[] = {
		{"mask=0x2FF", 0x2FF, 0, NULL},
		{"mask=0", 0, 0, NULL},
		{"mask=0x1401", 0x1401, 0x1400, "bits no EXITEVENT_* defines: 0x1400"},
		{"mask=0x101", 0x101, 0x100, "third-party EXITEVENT_CERTUNREVOKED"},
		{"mask=0x80000001", (LONG)0x80000001u, (LONG)0x80000000u, "0x80000000"},
		{"nomask", 0, 0, "without setting *pEventMask"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = LOAD_OK(.path = RAW);
		ck_assert_int_eq(xb_module_initialize(m, cases[i].config, &mask), S_OK);
		ck_assert_msg(mask == cases[i].mask && xb_module_undefined_mask_bits(m) == cases[i].undefined,
			      "%s: mask 0x%X undefined 0x%X", cases[i].config, (unsigned)mask,
			      (unsigned)xb_module_undefined_mask_bits(m));
		ck_assert_msg(cases[i].warning ? has_warning(m, cases[i].warning) : !xb_module_warning_count(m),
			      "%s: %zu warnings, first \"%s\"", cases[i].config, xb_module_warning_count(m),
			      xb_module_warning_count(m) ? xb_module_warning(m, 0) : "");
		unload_clean(m, RAW);
	}
}
END_TEST

START_TEST(initialize_failure)
{
	struct xb_module *m = LOAD_OK(.path = RAW);
	LONG mask = -1;
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA;init=0x80004005", &mask), E_FAIL);
	ck_assert_int_eq(mask, 0);
	ck_assert_int_eq(xb_module_mask(m), 0);
	ck_assert_int_eq(xb_module_init_result(m), E_FAIL);
	ck_assert(has_warning(m, "Initialize returned E_FAIL (0x80004005)"));
	/* the description is still asked for (the CA names a failing module by it), the manager is not */
	ck_assert_str_eq(xb_module_description(m), "Raw test exit module");
	ck_assert_ptr_null(strstr(calls(RAW), "GetManageModule"));
	ck_assert_int_eq(xb_module_manage_result(m), E_PENDING);
	ck_assert_int_eq(xb_module_notify(m, EXITEVENT_CERTISSUED, 1, NULL), E_UNEXPECTED);
	ck_assert_ptr_null(strstr(calls(RAW), "Notify"));
	unload_clean(m, RAW);

	/* a config that is not UTF-8 never reaches the module */
	m = LOAD_OK(.path = RAW);
	ck_assert_int_eq(xb_module_initialize(m, "Corp \xff CA", &mask), HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION));
	ck_assert_ptr_null(strstr(calls(RAW), "Initialize"));
	unload_clean(m, RAW);
	ck_assert_int_eq(xb_module_initialize(NULL, "x", NULL), E_UNEXPECTED);
}
END_TEST

START_TEST(get_description)
{
	static const struct {
		const char *config;
		const char *description;
		HRESULT hr;
		const char *warning;
	} cases[] = {
		{"Corp CA", "Raw test exit module", S_OK, NULL},
		{"desc=Modul\xc3\xa9 \xf0\x9f\x94\x91", "Modul\xc3\xa9 \xf0\x9f\x94\x91", S_OK, NULL},
		{"desc=null", NULL, S_OK, "a NULL description"},
		{"desc-hr=0x80004001", NULL, E_NOTIMPL, "GetDescription returned E_NOTIMPL"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xb_module *m = LOAD_OK(.path = RAW);
		ck_assert_int_eq(xb_module_description_result(m), E_PENDING);
		ck_assert_int_eq(xb_module_initialize(m, cases[i].config, NULL), S_OK);
		ck_assert_int_eq(xb_module_description_result(m), cases[i].hr);
		if (cases[i].description)
			ck_assert_str_eq(xb_module_description(m), cases[i].description);
		else
			ck_assert_ptr_null(xb_module_description(m));
		ck_assert_msg(cases[i].warning ? has_warning(m, cases[i].warning) : !xb_module_warning_count(m),
			      "%s: warnings %zu", cases[i].config, xb_module_warning_count(m));
		unload_clean(m, RAW);
	}
}
END_TEST

START_TEST(manage_properties)
{
	struct xb_module *m = LOAD_OK(.path = RAW, .manage_config = "CASRV\\Corp CA");
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA", NULL), S_OK);
	ck_assert_int_eq(xb_module_manage_result(m), S_OK);
	ck_assert_str_eq(xb_module_manage_property(m, XB_MANAGE_NAME), "Raw Test Exit");
	ck_assert_str_eq(xb_module_manage_property(m, XB_MANAGE_DESCRIPTION),
			 "Raw COM exit module \xe2\x80\x94 for the loader suite");
	ck_assert_str_eq(xb_module_manage_property(m, XB_MANAGE_COPYRIGHT), "(c) exitbench tests");
	ck_assert_str_eq(xb_module_manage_property(m, XB_MANAGE_FILE_VERSION), "1.0.0");
	ck_assert_ptr_null(xb_module_manage_property(m, XB_MANAGE_PRODUCT_VERSION)); /* S_FALSE: absent */
	ck_assert_ptr_null(xb_module_manage_property(m, XB_MANAGE_PROP_COUNT));
	ck_assert_int_eq(xb_module_warning_count(m), 0);
	ck_assert_str_eq(xb_module_registry_location(m), LOCATION "XbRawTest.Exit");
	/* each property asked with the CA's config, the module's key and Flags 0, in the table's order */
	ck_assert_msg(strstr(calls(RAW), "GetProperty(Name|CASRV\\Corp CA|" LOCATION "XbRawTest.Exit|0);"
					 "GetProperty(Description|"),
		      "%s", calls(RAW));
	ck_assert_msg(strstr(calls(RAW), "GetProperty(Product Version|CASRV\\Corp CA|"), "%s", calls(RAW));
	unload_clean(m, RAW); /* the manage module was released too */

	/* the defaults: host name and CA name; or what the spec says */
	m = LOAD_OK(.path = RAW, .registry_location = "SOFTWARE\\Vendor\\Exit");
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA", NULL), S_OK);
	ck_assert_str_eq(xb_module_registry_location(m), "SOFTWARE\\Vendor\\Exit");
	ck_assert_msg(strstr(calls(RAW), "\\Corp CA|SOFTWARE\\Vendor\\Exit|0);"), "%s", calls(RAW));
	unload_clean(m, RAW);

	m = LOAD_OK(.path = RAW);
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA;manage=none", NULL), S_OK);
	ck_assert_int_eq(xb_module_manage_result(m), S_FALSE);
	ck_assert_ptr_null(xb_module_manage_property(m, XB_MANAGE_NAME));
	ck_assert_int_eq(xb_module_warning_count(m), 0);
	unload_clean(m, RAW);

	m = LOAD_OK(.path = RAW);
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA;manage-hr=0x80004001", NULL), S_OK);
	ck_assert_int_eq(xb_module_manage_result(m), E_NOTIMPL);
	ck_assert(has_warning(m, "GetManageModule returned E_NOTIMPL"));
	unload_clean(m, RAW);

	ck_assert_str_eq(xb_manage_prop_name(XB_MANAGE_FILE_VERSION), "File Version");
	ck_assert_str_eq(xb_manage_prop_name(XB_MANAGE_PRODUCT_VERSION), "Product Version");
	ck_assert_ptr_null(xb_manage_prop_name(XB_MANAGE_PROP_COUNT));
}
END_TEST

START_TEST(notify)
{
	struct xb_module *m = LOAD_OK(.path = RAW);
	HRESULT result = E_PENDING;
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA;notify-hr=0x80070005", NULL), S_OK);
	ck_assert_int_eq(xb_module_notify(m, EXITEVENT_CERTISSUED, 7, &result), S_OK);
	ck_assert_int_eq(result, E_ACCESSDENIED);
	ck_assert_int_eq(xb_module_notify(m, EXITEVENT_CRLISSUED, 0, NULL), S_OK);
	ck_assert_msg(strstr(calls(RAW), "Notify(0x1,7);Notify(0x20,0);"), "%s", calls(RAW));
	xb_module_unload(m);
	ck_assert_int_eq(xb_module_notify(m, EXITEVENT_CERTISSUED, 7, &result), E_UNEXPECTED);
	xb_module_free(m);
}
END_TEST

/* ---- unloading ------------------------------------------------------------ */

START_TEST(unload_can_unload_now)
{
	struct xb_module *m = LOAD_OK(.path = RAW);
	ck_assert_int_eq(xb_module_can_unload(m), E_PENDING);
	ck_assert_int_eq(xb_module_initialize(m, "Corp CA;lock", NULL), S_OK);
	xb_module_unload(m);
	xb_module_unload(m); /* twice is harmless */
	ck_assert_int_eq(xb_module_final_release(m), 0);
	ck_assert_int_eq(xb_module_can_unload(m), S_FALSE);
	ck_assert(has_warning(m, "DllCanUnloadNow returned S_FALSE (0x00000001) after the final Release"));
	xb_module_free(m);
	/* COM keeps a library whose DllCanUnloadNow says S_FALSE */
	ck_assert(is_loaded(RAW));
	reset_calls(RAW); /* drops the module's server lock */
	CoFreeUnusedLibraries();
	ck_assert(!is_loaded(RAW));

	/* loading and freeing without Initialize releases everything too */
	m = LOAD_OK(.path = RAW);
	ck_assert(is_loaded(RAW));
	unload_clean(m, RAW);
	xb_module_free(NULL);
}
END_TEST

START_TEST(two_modules)
{
	struct xb_module *a = LOAD_OK(.path = RAW);
	struct xb_module *b = LOAD_OK(.path = NOREG, .clsid = NOREG_CLSID, .progid = "Other.Exit");
	ck_assert_int_eq(xb_module_initialize(a, "Corp CA;mask=0x1", NULL), S_OK);
	ck_assert_int_eq(xb_module_initialize(b, "Corp CA;mask=0x8;desc=Second", NULL), S_OK);
	ck_assert_int_eq(xb_module_mask(a), 0x1);
	ck_assert_int_eq(xb_module_mask(b), 0x8);
	ck_assert_str_eq(xb_module_description(a), "Raw test exit module");
	ck_assert_str_eq(xb_module_description(b), "Second");
	ck_assert_int_eq(xb_module_notify(a, EXITEVENT_CERTISSUED, 3, NULL), S_OK);
	ck_assert_int_eq(xb_module_notify(b, EXITEVENT_CERTREVOKED, 4, NULL), S_OK);
	ck_assert_msg(strstr(calls(RAW), "Notify(0x1,3)") && !strstr(calls(RAW), "Notify(0x8"), "%s", calls(RAW));
	ck_assert_msg(strstr(calls(NOREG), "Notify(0x8,4)") && !strstr(calls(NOREG), "Notify(0x1"), "%s",
		      calls(NOREG));
	/* unloading one leaves the other working */
	unload_clean(a, RAW);
	ck_assert(is_loaded(NOREG));
	ck_assert_int_eq(xb_module_notify(b, EXITEVENT_CERTREVOKED, 5, NULL), S_OK);
	ck_assert_msg(strstr(calls(NOREG), "Notify(0x8,5)"), "%s", calls(NOREG));
	unload_clean(b, NOREG);
}
END_TEST

Suite *suite_loader(void)
{
	Suite *s = suite_create("loader");
	const struct xb_test_case cases[] = {
		{"xb_module_load", load_default_progid},
		{"xb_module_load_progid", load_explicit_progid},
		{"xb_module_load_clsid", load_clsid},
		{"xb_module_load_icertexit", load_fallback_icertexit},
		{"xb_module_load_register_fails", load_register_fails},
		{"xb_module_load_missing_exports", load_missing_exports},
		{"xb_module_load_bad_path", load_bad_path},
		{"xb_module_load_elsewhere", load_registration_elsewhere},
		{"xb_module_initialize", initialize_mask},
		{"xb_module_initialize_failure", initialize_failure},
		{"xb_module_description", get_description},
		{"xb_module_manage_property", manage_properties},
		{"xb_module_notify", notify},
		{"xb_module_unload", unload_can_unload_now},
		{"two_modules", two_modules},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	return s;
}
