/* exitbench replay and exitbench demo (cli.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "crash.h"
#include "report.h"

/* Everything the command line said, owned here. */
struct replay_args {
	struct xb_replay_module *modules;
	struct xb_setting **settings; /* per module */
	size_t nmodules;
	struct xb_replay_options opts;
	int strict;
	int verbose;
	const char *json;   /* --json FILE */
	const char *junit;  /* --junit FILE */
	int tap;            /* --tap: TAP on standard output, the text on standard error */
	const char **inject; /* --inject SPEC... */
	size_t ninject;
};

static void replay_usage(FILE *out)
{
	fputs("Usage: exitbench replay [OPTION]... --module PATH [MODULE OPTION]... [TRACE|-]\n"
	      "Replays TRACE (standard input when absent or -) against the exit modules,\n"
	      "as a CA delivers events: each to every module whose mask has it.\n\n"
	      "  -m, --module PATH     load the module library PATH (repeatable): a .so, or a\n"
	      "                        Windows DLL, run by exitbench-host.exe under Wine\n"
	      "      --progid PROGID   the module's exit class ProgID (default: the one\n"
	      "                        ending in .Exit that its DllRegisterServer writes)\n"
	      "      --clsid CLSID     a raw-COM module without registration code\n"
	      "      --set NAME=VALUE  a configuration value (REG_SZ) under the module's\n"
	      "                        registry key; NAME:dword=N and NAME:multi=A;B too\n"
	      "      --config STR      Initialize's strConfig (default: the trace's)\n"
	      "  -k, --keep-going      report and skip malformed events instead of stopping\n"
	      "  -j, --jobs N          deliver events from N threads at once, as a multi-threaded\n"
	      "                        CA can (the report keeps the trace's order)\n"
	      "      --inject SPEC     make chosen server calls fail (repeatable), e.g.\n"
	      "                        error=E_OUTOFMEMORY,method=GetCertificateProperty,name=SerialNumber\n"
	      "                        or error=RPC,random=0.05,seed=7 (see exitbench(1))\n"
	      "      --isolate         run each module in a process of its own: a crash or\n"
	      "                        abort becomes a failed result, the replay goes on\n"
	      "      --timeout MS      fail a call into a module that takes longer than MS\n"
	      "                        milliseconds (implies --isolate)\n"
	      "      --strict          warnings fail the replay too\n"
	      "  -v, --verbose         print every notification, not only the bad ones\n"
	      "      --json FILE       write the JSON report to FILE (- for standard output)\n"
	      "      --junit FILE      write a JUnit XML report to FILE\n"
	      "      --tap             TAP on standard output (the text goes to standard error)\n"
	      "  -h, --help            print this help and exit\n\n"
	      "Module options apply to the --module before them. Exit status: 0 when every\n"
	      "call succeeded without a contract violation, 1 when one failed or broke the\n"
	      "contract, 2 on bad usage or input (also when --keep-going skipped events).\n",
	      out);
}

static void free_args(struct replay_args *a)
{
	for (size_t i = 0; i < a->nmodules; i++) {
		for (size_t j = 0; j < a->modules[i].nsettings; j++)
			xb_setting_free(&a->settings[i][j]);
		free(a->settings[i]);
	}
	free(a->settings);
	free(a->modules);
	free(a->inject);
}

static int add_module(struct replay_args *a, const char *path)
{
	struct xb_replay_module *m = realloc(a->modules, (a->nmodules + 1) * sizeof(*m));
	if (!m)
		return -1;
	a->modules = m;
	struct xb_setting **s = realloc(a->settings, (a->nmodules + 1) * sizeof(*s));
	if (!s)
		return -1;
	a->settings = s;
	memset(&a->modules[a->nmodules], 0, sizeof(*a->modules));
	a->modules[a->nmodules].spec.path = path;
	a->settings[a->nmodules] = NULL;
	a->nmodules++;
	return 0;
}

static int add_setting(struct replay_args *a, const char *text)
{
	size_t i = a->nmodules - 1;
	struct xb_replay_module *m = &a->modules[i];
	struct xb_setting *grown = realloc(a->settings[i], (m->nsettings + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	a->settings[i] = grown;
	xb_error err;
	xb_error_init(&err, NULL);
	if (FAILED(xb_setting_parse(text, &grown[m->nsettings], &err))) {
		xb_cli_error("%s", err.text);
		return -1;
	}
	m->nsettings++;
	m->settings = grown;
	return 0;
}

enum {
	OPT_JOBS = 'j', OPT_PROGID = 256, OPT_CLSID, OPT_SET, OPT_CONFIG, OPT_STRICT, OPT_JSON, OPT_JUNIT, OPT_TAP,
	OPT_INJECT, OPT_ISOLATE, OPT_TIMEOUT
};

static const struct option replay_options[] = {
	{"module", required_argument, NULL, 'm'}, {"progid", required_argument, NULL, OPT_PROGID},
	{"clsid", required_argument, NULL, OPT_CLSID}, {"set", required_argument, NULL, OPT_SET},
	{"config", required_argument, NULL, OPT_CONFIG}, {"keep-going", no_argument, NULL, 'k'},
	{"strict", no_argument, NULL, OPT_STRICT}, {"verbose", no_argument, NULL, 'v'},
	{"json", required_argument, NULL, OPT_JSON}, {"junit", required_argument, NULL, OPT_JUNIT},
	{"tap", no_argument, NULL, OPT_TAP}, {"inject", required_argument, NULL, OPT_INJECT},
	{"jobs", required_argument, NULL, OPT_JOBS}, {"isolate", no_argument, NULL, OPT_ISOLATE},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
};

/* A module option needs a --module before it. */
static int need_module(const struct replay_args *a, const char *option)
{
	if (a->nmodules)
		return 0;
	xb_cli_error("%s applies to a module: put it after --module PATH", option);
	return -1;
}

/* Parses argv into a; returns -1 to exit with *status. */
static int parse_args(int argc, char **argv, struct replay_args *a, int *status)
{
	int c;
	optind = 1;
	*status = XB_EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "m:kvhj:", replay_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (add_module(a, optarg))
				return -1;
			break;
		case OPT_PROGID:
			if (need_module(a, "--progid"))
				return -1;
			a->modules[a->nmodules - 1].spec.progid = optarg;
			break;
		case OPT_CLSID:
			if (need_module(a, "--clsid"))
				return -1;
			a->modules[a->nmodules - 1].spec.clsid = optarg;
			break;
		case OPT_SET:
			if (need_module(a, "--set") || add_setting(a, optarg))
				return -1;
			break;
		case OPT_CONFIG:
			a->opts.config = optarg;
			break;
		case 'k':
			a->opts.keep_going = 1;
			break;
		case OPT_STRICT:
			a->strict = 1;
			break;
		case 'v':
			a->verbose = 1;
			break;
		case OPT_JSON:
			a->json = optarg;
			break;
		case OPT_JUNIT:
			a->junit = optarg;
			break;
		case OPT_TAP:
			a->tap = 1;
			break;
		case OPT_JOBS: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*optarg < '1' || *optarg > '9' || *end || n > 256) {
				xb_cli_error("--jobs %s: a number of threads from 1 to 256", optarg);
				return -1;
			}
			a->opts.jobs = (unsigned)n;
			break;
		}
		case OPT_ISOLATE:
			a->opts.isolate = 1;
			break;
		case OPT_TIMEOUT: {
			char *end;
			unsigned long ms = strtoul(optarg, &end, 10);
			if (*optarg < '1' || *optarg > '9' || *end || ms > 86400000) {
				xb_cli_error("--timeout %s: milliseconds, from 1 to 86400000", optarg);
				return -1;
			}
			a->opts.timeout_ms = (unsigned)ms;
			break;
		}
		case OPT_INJECT: {
			const char **grown = realloc(a->inject, (a->ninject + 1) * sizeof(*grown));
			if (!grown)
				return -1;
			a->inject = grown;
			a->inject[a->ninject++] = optarg;
			break;
		}
		case 'h':
			replay_usage(stdout);
			*status = XB_EXIT_OK;
			return -1;
		default:
			xb_cli_try_help("replay");
			return -1;
		}
	}
	if (optind < argc - 1) {
		xb_cli_error("one trace at a time (got '%s' and '%s')", argv[optind], argv[optind + 1]);
		xb_cli_try_help("replay");
		return -1;
	}
	if (!a->nmodules) {
		xb_cli_error("no module: give one with --module PATH");
		xb_cli_try_help("replay");
		return -1;
	}
	a->opts.trace = optind < argc ? argv[optind] : "-";
	a->opts.modules = a->modules;
	a->opts.nmodules = a->nmodules;
	a->opts.inject = a->inject;
	a->opts.ninject = a->ninject;
	return 0;
}

/* Opens a report file ("-": standard output); NULL after saying why. */
static FILE *open_report(const char *path)
{
	if (!strcmp(path, "-"))
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		xb_cli_error("cannot write %s: %s", path, strerror(errno));
	return f;
}

/* Closes a report file, saying so when the write failed; 0 or -1. */
static int close_report(FILE *f, const char *path, int write_rc)
{
	int rc = write_rc;
	if (f != stdout)
		rc |= fclose(f);
	else
		rc |= fflush(f);
	if (rc)
		xb_cli_error("cannot write %s: %s", path, strerror(errno));
	return rc ? -1 : 0;
}

/* The machine-readable reports asked for, beside the text. */
struct reports {
	struct xb_report_json *json;
	struct xb_report_junit *junit;
	struct xb_report_tap tap;
	FILE *json_file, *junit_file;
	struct xb_replay_sink sinks[3]; /* json, junit, tap */
};

static int open_reports(struct replay_args *a, struct reports *r, struct xb_report_fanout *fan)
{
	struct xb_replay_sink *sinks = r->sinks;
	if (a->json && (!(r->json_file = open_report(a->json)) ||
			!(r->json = xb_report_json_new(a->opts.trace, &sinks[0]))))
		return -1;
	if (r->json)
		fan->sinks[fan->n++] = &sinks[0];
	if (a->junit && (!(r->junit_file = open_report(a->junit)) ||
			 !(r->junit = xb_report_junit_new(a->opts.trace, a->strict, &sinks[1]))))
		return -1;
	if (r->junit)
		fan->sinks[fan->n++] = &sinks[1];
	if (a->tap) {
		r->tap.out = stdout;
		r->tap.strict = a->strict;
		xb_report_tap_sink(&r->tap, &sinks[2]);
		fan->sinks[fan->n++] = &sinks[2];
	}
	return 0;
}

/* Writes and closes the reports (summary NULL: the replay did not run; files are left empty). */
static int finish_reports(struct replay_args *a, struct reports *r, const struct xb_replay_summary *summary)
{
	int rc = 0;
	if (r->json)
		rc |= close_report(r->json_file, a->json,
				   xb_report_json_finish(r->json, summary, a->strict, summary ? r->json_file : NULL));
	else if (r->json_file)
		rc |= close_report(r->json_file, a->json, 0);
	if (r->junit)
		rc |= close_report(r->junit_file, a->junit,
				   xb_report_junit_finish(r->junit, summary, summary ? r->junit_file : NULL));
	else if (r->junit_file)
		rc |= close_report(r->junit_file, a->junit, 0);
	if (a->tap && summary)
		xb_report_tap_finish(&r->tap, summary);
	return rc;
}

/* Runs a parsed replay with the text reporter and the reports asked for; the exit status. */
static int run_replay(struct replay_args *a)
{
	struct xb_report_text text = {.out = a->tap ? stderr : stdout, .verbose = a->verbose};
	/* Without --isolate, a crashing module still says which call it was in. */
	xb_crash_install();
	if (isatty(STDERR_FILENO))
		text.progress = stderr;
	struct xb_replay_sink text_sink = {0}, sink = {0};
	xb_report_text_sink(&text, &text_sink);
	struct xb_report_fanout fan = {{&text_sink}, 1};
	struct reports reports = {0};
	if (open_reports(a, &reports, &fan)) {
		finish_reports(a, &reports, NULL);
		return XB_EXIT_USAGE;
	}
	xb_report_fanout_sink(&fan, &sink);
	struct xb_replay_summary summary;
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_replay_run(&a->opts, &sink, &summary, &err);
	fflush(stdout);
	if (FAILED(hr)) {
		finish_reports(a, &reports, NULL);
		xb_cli_print_error(&err);
		return XB_EXIT_USAGE;
	}
	xb_report_text_summary(&text, &summary, a->strict);
	if (finish_reports(a, &reports, &summary) || summary.skipped)
		return XB_EXIT_USAGE;
	return xb_report_passed(&summary, a->strict) ? XB_EXIT_OK : XB_EXIT_FAILED;
}

int xb_cli_replay(int argc, char **argv)
{
	struct replay_args a = {0};
	int status;
	if (parse_args(argc, argv, &a, &status) == 0)
		status = run_replay(&a);
	free_args(&a);
	return status;
}

/*
 * The demo's files: $EXITBENCH_DEMO_TRACE / $EXITBENCH_DEMO_MODULE, else
 * the installed ones, else those of the build tree this binary came from
 * (so `./emu/exitbench demo` works right after make).
 */
static const char *first_existing(const char *env, const char *installed, const char *built)
{
	const char *v = getenv(env);
	if (v && *v)
		return v;
	if (access(installed, R_OK) == 0)
		return installed;
	return built;
}

int xb_cli_demo(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("Usage: exitbench demo\n"
		     "Replays the bundled demo trace (a CA issuing, denying and revoking\n"
		     "certificates and publishing a CRL) against the bundled hello module.\n"
		     "$EXITBENCH_DEMO_TRACE and $EXITBENCH_DEMO_MODULE replace them.");
		return XB_EXIT_OK;
	}
	if (argc > 1) {
		xb_cli_error("demo takes no arguments");
		return xb_cli_try_help("demo");
	}
	const char *trace = first_existing("EXITBENCH_DEMO_TRACE", XB_PKGDATADIR "/demo.jsonl", XB_SRCDIR "/emu/demo/demo.jsonl");
	const char *module = first_existing("EXITBENCH_DEMO_MODULE", XB_PKGLIBDIR "/modules/hello.so",
					    XB_BUILDDIR "/modules/.libs/hello.so");
	printf("exitbench demo: replaying %s\n  against %s\n", trace, module);
	struct replay_args a = {0};
	if (add_module(&a, module)) {
		free_args(&a);
		return XB_EXIT_USAGE;
	}
	a.opts.trace = trace;
	a.opts.modules = a.modules;
	a.opts.nmodules = a.nmodules;
	a.verbose = 1;
	int status = run_replay(&a);
	free_args(&a);
	return status;
}
