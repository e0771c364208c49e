/*
 * bench_replay: what replaying costs, measured in one run so that the
 * figures are ratios of the same machine's speed, never absolute times
 * to assert on:
 *
 *   (a0) reading the trace alone (xb_trace_open / xb_trace_next)
 *   (a)  the floor: reading it and decoding every RawCertificate with
 *        OpenSSL's d2i_X509, nothing else (what the derivation cost when
 *        it used OpenSSL's reader, kept so ratios compare across versions)
 *   (a1) reading it and deriving every event (xb_event_derive: what the
 *        engine does once per event a module asks about)
 *   (b)  xb_replay_run with a module that does nothing
 *   (c)  xb_replay_run with a module that reads 20 properties per event
 *
 * as events per second (best of several repetitions, interleaved so that
 * a slow moment of the machine hits every run alike), the ratios b/a and
 * c/a, and the peak memory (VmHWM) of (b) and (c) over a small and a large
 * trace, each in a fresh process (fork + exec of this program with --run)
 * so that one run's memory is never counted in another's. The targets of
 * the engine issue (b/a <= 1.3; peak memory of 100k events within 1.2x of
 * 1k) are printed as met or not: this is a benchmark, and it exits 0
 * either way; 1 only when a run fails, 2 on bad usage.
 */
#define _GNU_SOURCE /* getline, mkdtemp */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "gen_trace.h"
#include "replay.h"
#include "trace.h"

#ifndef XB_FIXTURES_DIR
# define XB_FIXTURES_DIR "tests/fixtures"
#endif
#ifndef XB_BENCH_NULL_PATH
# define XB_BENCH_NULL_PATH "tests/bench/.libs/libxbbenchnull.so"
#endif
#ifndef XB_BENCH_READ20_PATH
# define XB_BENCH_READ20_PATH "tests/bench/.libs/libxbbenchread20.so"
#endif

/* The CLSIDs of tests/bench/bench_modules.c's two builds. */
#define NULL_CLSID "{5A0E1B2C-3D4E-4F60-8172-93A4B5C6DB01}"
#define READ20_CLSID "{5A0E1B2C-3D4E-4F60-8172-93A4B5C6DB20}"

#define TARGET_REPLAY_RATIO 1.3
#define TARGET_MEMORY_RATIO 1.2

enum mode { READ_ONLY, FLOOR, DERIVE, REPLAY_NULL, REPLAY_READ20, MODE_COUNT };

static const struct {
	const char *name;  /* for --run */
	const char *label; /* for the table */
} modes[MODE_COUNT] = {
	{"read-only", "(a0) read the trace only"},
	{"floor", "(a)  floor: read + d2i_X509"},
	{"derive", "(a1) read + derive each event"},
	{"null", "(b)  replay, null module"},
	{"read20", "(c)  replay, 20 properties/event"},
};

struct options {
	size_t events;     /* the timed trace */
	size_t small, large; /* the memory traces */
	int reps;
	const char *fixtures;
	const char *dir;   /* keep the traces here; NULL: a temporary directory, removed */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the runs ------------------------------------------------------------ */

/* (a0), (a) and (a1): the trace read event by event, each certificate decoded or each event derived as mode says. */
static long run_read(const char *trace, enum mode mode)
{
	int decode = mode == FLOOR;
	struct xb_trace *t;
	xb_error err;
	xb_error_init(&err, NULL);
	if (FAILED(xb_trace_open(trace, &t, &err))) {
		fprintf(stderr, "bench_replay: %s: %s\n", trace, err.text);
		return -1;
	}
	long events = 0;
	HRESULT hr;
	struct xb_event ev;
	while ((hr = xb_trace_next(t, &ev, &err)) == S_OK) {
		const struct xb_prop *raw = decode ? xb_props_find(&ev.cert, "RawCertificate") : NULL;
		if (raw) {
			const unsigned char *p = raw->value.bytes;
			X509 *x = d2i_X509(NULL, &p, (long)raw->value.len);
			if (!x) {
				fprintf(stderr, "bench_replay: %s:%zu: OpenSSL cannot read RawCertificate\n", trace,
					ev.line);
				xb_event_free(&ev);
				xb_trace_close(t);
				return -1;
			}
			X509_free(x);
		}
		if (mode == DERIVE && FAILED(hr = xb_event_derive(&ev, &err))) {
			fprintf(stderr, "bench_replay: %s:%zu: %s\n", trace, ev.line, err.text);
			xb_event_free(&ev);
			xb_trace_close(t);
			return -1;
		}
		xb_event_free(&ev);
		events++;
	}
	xb_trace_close(t);
	if (FAILED(hr)) {
		fprintf(stderr, "bench_replay: %s:%d: %s\n", trace, err.line, err.text);
		return -1;
	}
	return events;
}

/* (b) and (c): a replay without a reporter; any failure or contract violation is an error of the benchmark. */
static long run_replay(const char *trace, const char *module, const char *clsid)
{
	struct xb_replay_module m = {.spec = {.path = module, .clsid = clsid}};
	struct xb_replay_options opts = {.trace = trace, .modules = &m, .nmodules = 1};
	struct xb_replay_summary summary;
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_replay_run(&opts, NULL, &summary, &err);
	if (FAILED(hr)) {
		fprintf(stderr, "bench_replay: replay of %s with %s: %s (%s)\n", trace, module, err.text,
			xb_hresult_name(hr) ? xb_hresult_name(hr) : "?");
		return -1;
	}
	if (summary.failures || summary.violations) {
		fprintf(stderr, "bench_replay: replay of %s with %s: %zu failed calls, %zu contract violations\n",
			trace, module, summary.failures, summary.violations);
		return -1;
	}
	return (long)summary.events;
}

static long run_mode(enum mode mode, const char *trace)
{
	switch (mode) {
	case READ_ONLY:
	case FLOOR:
	case DERIVE:
		return run_read(trace, mode);
	case REPLAY_NULL:
		return run_replay(trace, XB_BENCH_NULL_PATH, NULL_CLSID);
	case REPLAY_READ20:
		return run_replay(trace, XB_BENCH_READ20_PATH, READ20_CLSID);
	default:
		return -1;
	}
}

/* This process's peak resident set (VmHWM, kB), or -1. */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char *line = NULL;
	size_t cap = 0;
	long kb = -1;
	while (f && getline(&line, &cap, f) > 0)
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	free(line);
	if (f)
		fclose(f);
	return kb;
}

/* --run MODE TRACE: one run, then "EVENTS SECONDS PEAK_KB" on standard output. */
static int child_run(const char *name, const char *trace)
{
	for (int i = 0; i < MODE_COUNT; i++) {
		if (strcmp(name, modes[i].name))
			continue;
		double start = now();
		long events = run_mode((enum mode)i, trace);
		double seconds = now() - start;
		if (events < 0)
			return 1;
		printf("%ld %.6f %ld\n", events, seconds, peak_rss_kb());
		return fflush(stdout) ? 1 : 0;
	}
	fprintf(stderr, "bench_replay: --run wants read-only, floor, derive, null or read20, not '%s'\n", name);
	return 2;
}

/* One run in a fresh process (this program again, with --run): its peak memory in kB, or -1. */
static long peak_in_child(enum mode mode, const char *trace, long *events)
{
	/* This very program, by path: valgrind, for one, answers for /proc/self/exe only through readlink. */
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		perror("bench_replay: /proc/self/exe");
		return -1;
	}
	self[len] = 0;
	int fds[2];
	if (pipe(fds)) {
		perror("bench_replay: pipe");
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_replay: fork");
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(self, "bench_replay", "--run", modes[mode].name, trace, (char *)NULL);
		perror("bench_replay: exec");
		_exit(127);
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	double seconds;
	long kb = -1;
	int got = in ? fscanf(in, "%ld %lf %ld", events, &seconds, &kb) : 0;
	if (in)
		fclose(in);
	else
		close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != 3 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_replay: the %s run of %s failed\n", modes[mode].name, trace);
		return -1;
	}
	return kb;
}

/* ---- the read module's own account ------------------------------------- */

/* The read20 module, held open so its counters outlive the loader's dlclose. */
struct read_stats {
	void *lib;
	void (*stats)(long *ok, long *empty, long *failed);
	void (*reset)(void);
};

static int open_read_stats(struct read_stats *s)
{
	s->lib = dlopen(XB_BENCH_READ20_PATH, RTLD_NOW);
	if (!s->lib) {
		fprintf(stderr, "bench_replay: %s\n", dlerror());
		return -1;
	}
	*(void **)&s->stats = dlsym(s->lib, "bench_module_stats");
	*(void **)&s->reset = dlsym(s->lib, "bench_module_reset");
	if (!s->stats || !s->reset) {
		fprintf(stderr, "bench_replay: %s lacks bench_module_stats\n", XB_BENCH_READ20_PATH);
		return -1;
	}
	return 0;
}

/* ---- the whole benchmark --------------------------------------------------- */

static int make_trace(const struct options *o, const char *dir, size_t events, char *path, size_t size)
{
	char cert[4096], request[4096], ca[4096];
	snprintf(cert, sizeof(cert), "%s/leaf.der", o->fixtures);
	snprintf(request, sizeof(request), "%s/req.der", o->fixtures);
	snprintf(ca, sizeof(ca), "%s/ca.pem", o->fixtures);
	struct bench_trace_spec spec = {cert, request, ca, events};
	snprintf(path, size, "%s/trace-%zu.jsonl", dir, events);
	return bench_write_trace_file(&spec, path);
}

static const char *verdict(int met)
{
	return met ? "met" : "NOT met";
}

/* Runs every measurement and prints the tables; 0, or 1 when a run failed. */
static int bench(const struct options *o, const char *dir)
{
	char timed[4200], small[4200], large[4200];
	if (make_trace(o, dir, o->events, timed, sizeof(timed)) || make_trace(o, dir, o->small, small, sizeof(small)) ||
	    make_trace(o, dir, o->large, large, sizeof(large)))
		return 1;
	struct read_stats rs;
	if (open_read_stats(&rs))
		return 1;

	/* Timing: a warm-up of each, then the repetitions interleaved; the best of each. */
	double best[MODE_COUNT];
	for (int m = 0; m < MODE_COUNT; m++)
		best[m] = -1;
	for (int rep = -1; rep < o->reps; rep++) {
		for (int m = 0; m < MODE_COUNT; m++) {
			rs.reset();
			double start = now();
			long events = run_mode((enum mode)m, timed);
			double seconds = now() - start;
			if (events < 0)
				return 1;
			if ((size_t)events != o->events) {
				fprintf(stderr, "bench_replay: %s read %ld events of %zu\n", modes[m].name, events, o->events);
				return 1;
			}
			if (rep >= 0 && (best[m] < 0 || seconds < best[m]))
				best[m] = seconds;
		}
	}
	/* The last read20 run's own account: every read reached a value or an honest "empty". */
	long ok, empty, failed;
	rs.stats(&ok, &empty, &failed);
	dlclose(rs.lib);
	if (failed || !ok) {
		fprintf(stderr, "bench_replay: the read20 module's reads: %ld ok, %ld empty, %ld failed\n", ok, empty,
			failed);
		return 1;
	}

	struct bench_trace_mix mix;
	bench_trace_mix(o->events, &mix);
	printf("exitbench replay benchmark: %zu events (%zu certissued, %zu certpending, %zu certdenied, "
	       "%zu crlissued), best of %d\n\n",
	       o->events, mix.issued, mix.pending, mix.denied, mix.crl, o->reps);
	printf("  %-36s %12s %10s %9s\n", "run", "events/s", "us/event", "x floor");
	for (int m = 0; m < MODE_COUNT; m++)
		printf("  %-36s %12.0f %10.2f %9.2f\n", modes[m].label, (double)o->events / best[m],
		       best[m] * 1e6 / (double)o->events, best[m] / best[FLOOR]);
	printf("\n  (c) read %ld properties (%ld empty: no certificate before issuance, no ResolvedWhen yet)\n",
	       ok + empty, empty);

	/* Memory: each run in a fresh process. */
	long peak[MODE_COUNT][2];
	for (int m = REPLAY_NULL; m < MODE_COUNT; m++) {
		const char *traces[2] = {small, large};
		size_t sizes[2] = {o->small, o->large};
		for (int s = 0; s < 2; s++) {
			long events = 0;
			if ((peak[m][s] = peak_in_child((enum mode)m, traces[s], &events)) < 0)
				return 1;
			if ((size_t)events != sizes[s]) {
				fprintf(stderr, "bench_replay: %s read %ld events of %zu\n", modes[m].name, events, sizes[s]);
				return 1;
			}
		}
	}
	char small_head[32], large_head[32];
	snprintf(small_head, sizeof(small_head), "%zu events", o->small);
	snprintf(large_head, sizeof(large_head), "%zu events", o->large);
	printf("\n  peak memory (VmHWM, own process) %15s %15s %8s %10s\n", small_head, large_head, "ratio",
	       "growth");
	for (int m = REPLAY_NULL; m < MODE_COUNT; m++)
		printf("  %-32s %12ld kB %12ld kB %8.3f %+7ld kB\n", modes[m].label, peak[m][0], peak[m][1],
		       (double)peak[m][1] / (double)peak[m][0], peak[m][1] - peak[m][0]);

	double b_a = best[REPLAY_NULL] / best[FLOOR], c_a = best[REPLAY_READ20] / best[FLOOR];
	double mem = (double)peak[REPLAY_READ20][1] / (double)peak[REPLAY_READ20][0];
	/* b never derives (a module that reads nothing triggers no decoding), so b/a0 is the engine's own cost. */
	printf("\n  ratios: b/a = %.2f, c/a = %.2f; b/a0 = %.2f (the engine's own cost over reading the trace); "
	       "c/a1 = %.2f (the module's calls over deriving alone)\n",
	       b_a, c_a, best[REPLAY_NULL] / best[READ_ONLY], best[REPLAY_READ20] / best[DERIVE]);
	printf("  target b/a <= %.1f: %s (%.2f)\n", TARGET_REPLAY_RATIO, verdict(b_a <= TARGET_REPLAY_RATIO), b_a);
	printf("  target peak memory of (c), %zu events within %.1fx of %zu: %s (%.3f)\n", o->large,
	       TARGET_MEMORY_RATIO, o->small, verdict(mem <= TARGET_MEMORY_RATIO), mem);
	return 0;
}

/* Removes the traces and the temporary directory. */
static void remove_dir(const char *dir, const struct options *o)
{
	size_t sizes[3] = {o->events, o->small, o->large};
	for (int i = 0; i < 3; i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/trace-%zu.jsonl", dir, sizes[i]);
		unlink(path);
	}
	if (rmdir(dir))
		fprintf(stderr, "bench_replay: cannot remove %s: %s\n", dir, strerror(errno));
}

static void usage(FILE *out)
{
	fputs("Usage: bench_replay [OPTION]...\n"
	      "       bench_replay --run read-only|floor|derive|null|read20 TRACE\n"
	      "Measures, in one run, events/s for reading a trace, for the floor (reading it\n"
	      "and decoding every certificate with OpenSSL), for reading it and deriving each\n"
	      "event's properties, and for replaying it against a\n"
	      "module that does nothing and one that reads 20 properties per event; the\n"
	      "ratios to the floor; and the peak memory of both replays over a small and a\n"
	      "large trace.\n\n"
	      "  -n, --events N     events in the timed trace (default 5000)\n"
	      "  -r, --reps N       timed repetitions, the best one counts (default 5)\n"
	      "      --small N      events in the small memory trace (default 1000)\n"
	      "      --large N      events in the large memory trace (default 100000)\n"
	      "      --fixtures DIR leaf.der, req.der and ca.pem (default " XB_FIXTURES_DIR ")\n"
	      "      --dir DIR      write the traces into DIR and keep them (default: a\n"
	      "                     temporary directory, removed at the end)\n"
	      "      --run MODE TRACE  one run of MODE over TRACE, then \"EVENTS SECONDS PEAK_KB\":\n"
	      "                     what the memory runs are, and what to put under a profiler\n"
	      "  -h, --help         print this help and exit\n\n"
	      "Exit status: 0 when every run succeeded, whether the targets are met or not;\n"
	      "1 when a run failed; 2 on bad usage.\n",
	      out);
}

static int parse_count(const char *text, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (!*text || *end || errno || v == 0) {
		fprintf(stderr, "bench_replay: '%s' is not a count\n", text);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_SMALL = 256, OPT_LARGE, OPT_FIXTURES, OPT_DIR, OPT_RUN };
	static const struct option long_options[] = {
		{"events", required_argument, NULL, 'n'}, {"reps", required_argument, NULL, 'r'},
		{"small", required_argument, NULL, OPT_SMALL}, {"large", required_argument, NULL, OPT_LARGE},
		{"fixtures", required_argument, NULL, OPT_FIXTURES}, {"dir", required_argument, NULL, OPT_DIR},
		{"run", required_argument, NULL, OPT_RUN}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct options o = {5000, 1000, 100000, 5, XB_FIXTURES_DIR, NULL};
	const char *run = NULL;
	size_t reps;
	int c;
	while ((c = getopt_long(argc, argv, "n:r:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(optarg, &o.events))
				return 2;
			break;
		case 'r':
			if (parse_count(optarg, &reps))
				return 2;
			o.reps = reps > 1000 ? 1000 : (int)reps;
			break;
		case OPT_SMALL:
			if (parse_count(optarg, &o.small))
				return 2;
			break;
		case OPT_LARGE:
			if (parse_count(optarg, &o.large))
				return 2;
			break;
		case OPT_FIXTURES:
			o.fixtures = optarg;
			break;
		case OPT_DIR:
			o.dir = optarg;
			break;
		case OPT_RUN:
			run = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fputs("Try 'bench_replay --help' for more information.\n", stderr);
			return 2;
		}
	}
	if (run) {
		if (optind != argc - 1) {
			fputs("bench_replay: --run MODE wants one TRACE\n", stderr);
			return 2;
		}
		return child_run(run, argv[optind]);
	}
	if (optind < argc) {
		fprintf(stderr, "bench_replay: unexpected argument '%s'\n", argv[optind]);
		fputs("Try 'bench_replay --help' for more information.\n", stderr);
		return 2;
	}
	char tmp[4096];
	const char *dir = o.dir;
	if (!dir) {
		const char *base = getenv("TMPDIR");
		snprintf(tmp, sizeof(tmp), "%s/xbbench.XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmp)) {
			fprintf(stderr, "bench_replay: cannot create %s: %s\n", tmp, strerror(errno));
			return 1;
		}
		dir = tmp;
	}
	int rc = bench(&o, dir);
	if (!o.dir)
		remove_dir(dir, &o);
	return rc;
}
