/*
 * The filepublish module (modules/filepublish) through the engine: traces
 * are replayed with xb_replay_run against modules/.libs/filepublish.so,
 * configured with --set Directory=<a fresh directory>, and the files it
 * leaves are compared byte for byte with what the traces carry.
 *
 * Traces: emu/demo/demo.jsonl (certificates, a revocation, a CRL, delta
 * CRLs disabled) and tests/traces/valid/filepublish-*.jsonl: -crls, a CA
 * with three certificates and two keys publishing base and delta CRLs
 * twice (EC keys made for it with python3-cryptography, CRL Numbers 0x10..
 * 0x23), and -hold, the basic trace's certificate put on hold and then
 * revoked for key compromise. The hostile cases are written on the fly.
 */
#include <dirent.h>
#include <limits.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "check_suites.h"
#include "exitbench.h"
#include "replay.h"
#include "trace.h"

#if !defined(XB_FILEPUBLISH_MODULE_PATH)
# error "the build must name the filepublish module (modules/.libs/filepublish.so)"
#endif

#define DEMO_TRACE XB_TRACES_DIR "/../../emu/demo/demo.jsonl"
#define CRLS_TRACE XB_TRACES_DIR "/valid/filepublish-crls.jsonl"
#define HOLD_TRACE XB_TRACES_DIR "/valid/filepublish-hold.jsonl"
#define BASIC_TRACE XB_TRACES_DIR "/valid/basic.jsonl"

#define FILE_EXISTS HRESULT_FROM_WIN32(ERROR_FILE_EXISTS)
#define INVALID_NAME HRESULT_FROM_WIN32(ERROR_INVALID_NAME)
#define BAD_CONFIGURATION HRESULT_FROM_WIN32(1610) /* ERROR_BAD_CONFIGURATION */

/* The basic trace's certificate (tests/fixtures/leaf.der). */
#define LEAF_SERIAL "4400000004b742b5daba3d4deb000000000004"

static char dir[512]; /* mkdtemp under $TMPDIR; sub-paths get PATH_MAX */

/* ---- checks that report the caller's line ------------------------------------ */

#define check_hr(expr, want) check_hr_at(__LINE__, #expr, (expr), (want))
static void check_hr_at(int line, const char *what, HRESULT got, HRESULT want)
{
	char a[XB_HRESULT_BUFSIZE], b[XB_HRESULT_BUFSIZE];
	ck_assert_msg(got == want, "line %d: %s gave %s, expected %s", line, what, xb_hresult_format(got, a),
		      xb_hresult_format(want, b));
}

/* ---- the log, captured --------------------------------------------------------- */

static char log_text[65536];

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER; /* with jobs, lines come from several threads */

static void capture_log(void *ctx, const char *module, xb_kit_log_level level, const char *message)
{
	(void)ctx;
	pthread_mutex_lock(&log_lock);
	size_t used = strlen(log_text);
	snprintf(log_text + used, sizeof(log_text) - used, "%s|%s|%s\n", module, xb_kit_log_level_name(level), message);
	pthread_mutex_unlock(&log_lock);
}

#define check_log(text) check_log_at(__LINE__, text)
static void check_log_at(int line, const char *text)
{
	ck_assert_msg(strstr(log_text, text) != NULL, "line %d: no \"%s\" in the log:\n%s", line, text, log_text);
}

/* ---- a replay and what it reported -------------------------------------------- */

struct record {
	char method[16];
	LONG kind;
	HRESULT hr;
	size_t violations;
};

static struct run {
	struct record records[64];
	size_t n;
	char progid[64];
	char location[512];
	LONG mask;
} run;

static void on_module(void *ctx, size_t i, const struct xb_module_info *m)
{
	(void)ctx;
	(void)i;
	snprintf(run.location, sizeof(run.location), "%s", m->registry_location ? m->registry_location : "");
	snprintf(run.progid, sizeof(run.progid), "%s", m->progid ? m->progid : "");
	run.mask = m->mask;
}

static void on_record(void *ctx, const struct xb_notification *n)
{
	(void)ctx;
	if (run.n == sizeof(run.records) / sizeof(run.records[0]))
		return;
	struct record *r = &run.records[run.n++];
	snprintf(r->method, sizeof(r->method), "%s", n->method);
	r->kind = n->kind;
	r->hr = n->hr;
	r->violations = n->nviolations;
}

static const struct xb_replay_sink sink = {NULL, on_module, on_record, NULL};

/* Deletes the module's key, so that no setting outlives its test (CK_FORK=no runs them in one process). */
static void forget_settings(void)
{
	if (!run.location[0])
		return;
	OLECHAR *key;
	ck_assert_int_eq(xb_utf8_to_utf16(run.location, XB_NUL_TERMINATED, &key, NULL, NULL), S_OK);
	RegDeleteTreeW(HKEY_LOCAL_MACHINE, key);
	free(key);
}

/* Delivery threads for the next replays (exitbench replay --jobs); 0: one event at a time. */
static unsigned jobs;

/* Replays trace against filepublish with the given --set values (NULL-terminated); fills run. */
static void replay(const char *trace, const char *const *sets)
{
	struct xb_setting settings[4];
	size_t n = 0;
	xb_error err;
	for (; sets && sets[n]; n++)
		ck_assert_msg(xb_setting_parse(sets[n], &settings[n], &err) == S_OK, "%s: %s", sets[n], err.text);
	struct xb_replay_module module = {
	    .spec = {.path = XB_FILEPUBLISH_MODULE_PATH}, .settings = settings, .nsettings = n};
	struct xb_replay_options opts = {.trace = trace, .modules = &module, .nmodules = 1, .jobs = jobs};
	struct xb_replay_summary summary;
	memset(&run, 0, sizeof(run));
	log_text[0] = 0;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_replay_run(&opts, &sink, &summary, &err);
	for (size_t i = 0; i < n; i++)
		xb_setting_free(&settings[i]);
	forget_settings();
	ck_assert_msg(hr == S_OK, "%s: %s:%d: %s", trace, err.source, err.line, err.text);
	for (size_t i = 0; i < run.n; i++)
		ck_assert_msg(run.records[i].violations == 0, "%s: %s of event kind 0x%x broke the contract", trace,
			      run.records[i].method, (unsigned)run.records[i].kind);
}

/* Replays trace with Directory=path. */
static void replay_into(const char *trace, const char *path)
{
	char set[PATH_MAX + 16];
	snprintf(set, sizeof(set), "Directory=%s", path);
	const char *sets[] = {set, NULL};
	replay(trace, sets);
}

/* The result of the nth Notify (1-based) of the given event kind. */
#define check_notify(kind, nth, want) check_notify_at(__LINE__, kind, nth, want)
static void check_notify_at(int line, LONG kind, int nth, HRESULT want)
{
	for (size_t i = 0; i < run.n; i++) {
		if (strcmp(run.records[i].method, "Notify") || run.records[i].kind != kind || --nth)
			continue;
		char a[XB_HRESULT_BUFSIZE], b[XB_HRESULT_BUFSIZE];
		ck_assert_msg(run.records[i].hr == want, "line %d: Notify(0x%x) returned %s, expected %s\n%s", line,
			      (unsigned)kind, xb_hresult_format(run.records[i].hr, a), xb_hresult_format(want, b),
			      log_text);
		return;
	}
	ck_abort_msg("line %d: no such Notify(0x%x)", line, (unsigned)kind);
}

static size_t notify_count(void)
{
	size_t n = 0;
	for (size_t i = 0; i < run.n; i++)
		n += !strcmp(run.records[i].method, "Notify");
	return n;
}

static HRESULT initialize_result(void)
{
	for (size_t i = 0; i < run.n; i++)
		if (!strcmp(run.records[i].method, "Initialize"))
			return run.records[i].hr;
	ck_abort_msg("no Initialize record");
	return E_FAIL;
}

/* ---- files --------------------------------------------------------------------- */

static char *path_in(const char *directory, const char *name)
{
	size_t n = strlen(directory) + strlen(name) + 2;
	char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/%s", directory, name);
	return p;
}

/* The bytes of directory/name (free them), or NULL when it does not exist. */
static unsigned char *read_file(const char *directory, const char *name, size_t *len)
{
	char *path = path_in(directory, name);
	FILE *f = fopen(path, "rb");
	free(path);
	*len = 0;
	if (!f)
		return NULL;
	unsigned char *buf = NULL;
	size_t size = 0;
	for (;;) {
		unsigned char *grown = realloc(buf, size + 4096);
		ck_assert_ptr_nonnull(grown);
		buf = grown;
		size_t got = fread(buf + size, 1, 4096, f);
		size += got;
		if (got < 4096)
			break;
	}
	fclose(f);
	*len = size;
	return buf;
}

static void write_file(const char *directory, const char *name, const void *data, size_t len)
{
	char *path = path_in(directory, name);
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	free(path);
}

#define check_file(directory, name, data, len) check_file_at(__LINE__, directory, name, data, len)
static void check_file_at(int line, const char *directory, const char *name, const void *data, size_t len)
{
	size_t got;
	unsigned char *bytes = read_file(directory, name, &got);
	ck_assert_msg(bytes != NULL, "line %d: %s was not written\n%s", line, name, log_text);
	ck_assert_msg(got == len && !memcmp(bytes, data, len), "line %d: %s holds %zu other bytes (expected %zu)", line,
		      name, got, len);
	free(bytes);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's entries, sorted, joined by '|' (temporary files and all). */
static void listing(const char *directory, char *out, size_t size)
{
	char *names[64];
	size_t n = 0;
	DIR *d = opendir(directory);
	ck_assert_msg(d != NULL, "cannot list %s", directory);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < 64) {
			names[n] = strdup(e->d_name);
			ck_assert_ptr_nonnull(names[n]);
			n++;
		}
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s%s", i ? "|" : "", names[i]);
		free(names[i]);
	}
}

#define check_listing(directory, want) check_listing_at(__LINE__, directory, want)
static void check_listing_at(int line, const char *directory, const char *want)
{
	char got[4096];
	listing(directory, got, sizeof(got));
	ck_assert_msg(!strcmp(got, want), "line %d: %s holds\n  %s\nexpected\n  %s\n%s", line, directory, got, want,
		      log_text);
}

/* Removes directory and what is in it (two levels: the tests make no deeper ones). */
static void remove_tree(const char *directory)
{
	DIR *d = opendir(directory);
	if (!d)
		return;
	chmod(directory, 0700);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = path_in(directory, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(p);
		else
			unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(directory);
}

/* ---- what the traces hold ----------------------------------------------------------- */

/*
 * A binary property of the nth event (1-based) of a trace: the
 * certificate's (ca 0) or the CA's that the event changes (ca 1). New bytes.
 */
static unsigned char *trace_bytes(const char *trace, int nth, int ca, const char *name, size_t *len)
{
	struct xb_trace *t;
	xb_error err;
	xb_error_init(&err, NULL);
	ck_assert_msg(xb_trace_open(trace, &t, &err) == S_OK, "%s: %s", trace, err.text);
	unsigned char *out = NULL;
	for (int i = 1; !out; i++) {
		struct xb_event ev;
		memset(&ev, 0, sizeof(ev));
		ck_assert_msg(xb_trace_next(t, &ev, &err) == S_OK, "%s: no event %d with %s", trace, nth, name);
		const struct xb_prop *p = i == nth ? xb_props_find(ca ? &ev.ca : &ev.cert, name) : NULL;
		if (p) {
			ck_assert_int_eq(p->value.type, PROPTYPE_BINARY);
			out = malloc(p->value.len);
			ck_assert_ptr_nonnull(out);
			memcpy(out, p->value.bytes, p->value.len);
			*len = p->value.len;
		}
		xb_event_free(&ev);
		ck_assert_msg(i < nth || out, "%s: event %d has no %s", trace, nth, name);
	}
	xb_trace_close(t);
	return out;
}

/* "<request>-<serial>.cer" for a DER certificate, the serial in AD CS's form, read with OpenSSL. */
static void certificate_name(long request, const unsigned char *der, size_t len, const char *extension, char *out,
			     size_t size)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	ck_assert_ptr_nonnull(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = BN_bn2hex(bn);
	for (char *c = hex; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c);
	snprintf(out, size, "%ld-%s%s%s", request, strlen(hex) % 2 ? "0" : "", hex, extension);
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
}

/* A trace written for one test: header line, then the events, one per line. */
static char *write_trace(const char *header_ca, const char *const *events)
{
	char *path = path_in(dir, "trace.jsonl");
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"format\": \"exitbench-trace\", \"version\": 1, \"config\": \"Corp Issuing CA\", \"ca\": {%s}}\n",
		header_ca);
	for (size_t i = 0; events[i]; i++)
		fprintf(f, "%s\n", events[i]);
	fclose(f);
	return path;
}

/* The leaf fixture as base64 (free it). */
static char *leaf_base64(void)
{
	size_t len;
	unsigned char *der = xb_read_fixture("leaf.der", &len);
	char *b64 = xb_base64_encode(der, len);
	free(der);
	ck_assert_ptr_nonnull(b64);
	return b64;
}

/* ---- fixtures ------------------------------------------------------------------------- */

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/xb-filepublish-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	xb_kit_set_log_handler(capture_log, NULL);
	log_text[0] = 0;
}

static void teardown(void)
{
	jobs = 0;
	xb_kit_set_log_handler(NULL, NULL);
	remove_tree(dir);
}

/* ---- the tests ------------------------------------------------------------------------- */

/* demo.jsonl: two certificates, one revocation, one CRL (deltas disabled), each byte as the trace has it. */
START_TEST(filepublish_publishes_the_demo)
{
	replay_into(DEMO_TRACE, dir);
	check_hr(initialize_result(), S_OK);
	ck_assert_str_eq(run.progid, "FilePublish.Exit");
	ck_assert_msg(strstr(run.location, "\\Demo Issuing CA\\ExitModules\\FilePublish.Exit") != NULL, "%s",
		      run.location);
	ck_assert_int_eq(run.mask, EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED | EXITEVENT_CRLISSUED);
	ck_assert_uint_eq(notify_count(), 4); /* pending, denied and shutdown are not asked for */
	check_notify(EXITEVENT_CERTISSUED, 1, S_OK);
	check_notify(EXITEVENT_CERTISSUED, 2, S_OK);
	check_notify(EXITEVENT_CERTREVOKED, 1, S_OK);
	check_notify(EXITEVENT_CRLISSUED, 1, S_OK);

	size_t len102, len103, crl_len;
	unsigned char *cert102 = trace_bytes(DEMO_TRACE, 2, 0, "RawCertificate", &len102);
	unsigned char *cert103 = trace_bytes(DEMO_TRACE, 3, 0, "RawCertificate", &len103);
	unsigned char *crl = xb_read_fixture("demo-crl.der", &crl_len);
	char name102[128], name103[128], revoked103[128], want[1024];
	certificate_name(102, cert102, len102, ".cer", name102, sizeof(name102));
	certificate_name(103, cert103, len103, ".cer", name103, sizeof(name103));
	certificate_name(103, cert103, len103, ".revoked", revoked103, sizeof(revoked103));
	ck_assert_str_eq(name102, "102-6100000002c4d3e5f60718293a000000000002.cer");
	check_file(dir, name102, cert102, len102);
	check_file(dir, name103, cert103, len103);
	check_file(dir, "Demo Issuing CA.crl", crl, crl_len);
	static const char record[] = "RequestID: 103\n"
				     "SerialNumber: 6100000003d5e4f60718293a4b000000000003\n"
				     "RevokedReason: 1 keyCompromise\n"
				     "RevokedWhen: 2026-11-30T17:09:31Z\n"
				     "RevokedEffectiveWhen: 2026-11-30T17:09:31Z\n";
	check_file(dir, revoked103, record, strlen(record));
	/* Exactly these: no delta CRL (disabled), no temporary file. */
	snprintf(want, sizeof(want), "%s|%s|%s|Demo Issuing CA.crl", name102, name103, revoked103);
	check_listing(dir, want);
	check_log("FilePublish|info|certissued: request 102: wrote 102-6100000002c4d3e5f60718293a000000000002.cer");
	check_log("FilePublish|info|crlissued: CA certificate 0: wrote Demo Issuing CA.crl");
	free(cert102);
	free(cert103);
	free(crl);
}
END_TEST

struct snapshot {
	char listing[4096];
	struct stat st[8];
	char names[8][128];
	size_t n;
};

static void take_snapshot(const char *directory, struct snapshot *s)
{
	listing(directory, s->listing, sizeof(s->listing));
	s->n = 0;
	for (char *p = s->listing, *end; *p && s->n < 8; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "|");
		snprintf(s->names[s->n], sizeof(s->names[0]), "%.*s", (int)(end - p), p);
		char *path = path_in(directory, s->names[s->n]);
		ck_assert_int_eq(stat(path, &s->st[s->n]), 0);
		free(path);
		s->n++;
	}
}

/* Files neither rewritten nor replaced: same names, inodes, sizes and times. */
static void check_unchanged(const char *directory, const struct snapshot *before)
{
	struct snapshot after;
	take_snapshot(directory, &after);
	ck_assert_str_eq(after.listing, before->listing);
	for (size_t i = 0; i < before->n; i++) {
		ck_assert_msg(after.st[i].st_ino == before->st[i].st_ino &&
				  after.st[i].st_size == before->st[i].st_size &&
				  after.st[i].st_mtim.tv_sec == before->st[i].st_mtim.tv_sec &&
				  after.st[i].st_mtim.tv_nsec == before->st[i].st_mtim.tv_nsec,
			      "%s was rewritten", before->names[i]);
	}
}

/* A trace replayed again publishes nothing again and fails nothing. */
START_TEST(filepublish_replay_is_idempotent)
{
	static const char *const traces[] = {DEMO_TRACE, CRLS_TRACE, HOLD_TRACE};
	for (size_t t = 0; t < sizeof(traces) / sizeof(traces[0]); t++) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof(sub), "%s/%zu", dir, t);
		ck_assert_int_eq(mkdir(sub, 0700), 0);
		replay_into(traces[t], sub);
		struct snapshot before;
		take_snapshot(sub, &before);
		ck_assert_uint_ge(before.n, 2);
		replay_into(traces[t], sub);
		for (size_t i = 0; i < run.n; i++)
			check_hr(run.records[i].hr, S_OK);
		ck_assert_msg(!strstr(log_text, ": wrote "), "%s: the second replay wrote:\n%s", traces[t], log_text);
		check_unchanged(sub, &before);
	}
}
END_TEST

/* A different file under a certificate's name stays as it is, and Notify says so. */
START_TEST(filepublish_never_overwrites_a_certificate)
{
	static const char other[] = "not this certificate\n";
	write_file(dir, "102-6100000002c4d3e5f60718293a000000000002.cer", other, sizeof(other) - 1);
	replay_into(DEMO_TRACE, dir);
	check_notify(EXITEVENT_CERTISSUED, 1, FILE_EXISTS);
	check_notify(EXITEVENT_CERTISSUED, 2, S_OK);
	check_notify(EXITEVENT_CRLISSUED, 1, S_OK);
	check_file(dir, "102-6100000002c4d3e5f60718293a000000000002.cer", other, sizeof(other) - 1);
	check_log(
	    "FilePublish|error|certissued: request 102: cannot write 102-6100000002c4d3e5f60718293a000000000002.cer");
	check_log("HRESULT_FROM_WIN32(ERROR_FILE_EXISTS)");
	check_listing(dir, "102-6100000002c4d3e5f60718293a000000000002.cer|"
			   "103-6100000003d5e4f60718293a4b000000000003.cer|"
			   "103-6100000003d5e4f60718293a4b000000000003.revoked|Demo Issuing CA.crl");

	/* Nor a directory or a symbolic link in its place: neither is followed. */
	remove_tree(dir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	char *target = path_in(dir, "elsewhere");
	char *link_path = path_in(dir, "103-6100000003d5e4f60718293a4b000000000003.cer");
	ck_assert_int_eq(symlink(target, link_path), 0);
	char *sub = path_in(dir, "102-6100000002c4d3e5f60718293a000000000002.cer");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	replay_into(DEMO_TRACE, dir);
	check_notify(EXITEVENT_CERTISSUED, 1, FILE_EXISTS);
	check_notify(EXITEVENT_CERTISSUED, 2, FILE_EXISTS);
	ck_assert_int_eq(access(target, F_OK), -1); /* nothing written through the link */
	free(target);
	free(link_path);
	free(sub);
}
END_TEST

/* filepublish-crls.jsonl: only valid CRL states, base and delta files named as AD CS names them, newer replaces older.
 */
START_TEST(filepublish_publishes_crls)
{
	replay_into(CRLS_TRACE, dir);
	check_notify(EXITEVENT_CRLISSUED, 1, S_OK);
	check_notify(EXITEVENT_CRLISSUED, 2, S_OK);
	/* CA certificate 2 reuses key 1 (CRLState.2 = CA_DISP_ERROR): no "(2)" files. */
	check_listing(dir, "Corp Issuing CA(1)+.crl|Corp Issuing CA(1).crl|Corp Issuing CA+.crl|Corp Issuing CA.crl");
	static const struct {
		const char *property, *file;
	} crls[] = {
	    {"RawCRL.0", "Corp Issuing CA.crl"},
	    {"RawDeltaCRL.0", "Corp Issuing CA+.crl"},
	    {"RawCRL.1", "Corp Issuing CA(1).crl"},
	    {"RawDeltaCRL.1", "Corp Issuing CA(1)+.crl"},
	};
	for (size_t i = 0; i < sizeof(crls) / sizeof(crls[0]); i++) {
		size_t len;
		unsigned char *want =
		    trace_bytes(CRLS_TRACE, 2, 1, crls[i].property, &len); /* the second publication */
		check_file(dir, crls[i].file, want, len);
		free(want);
	}
	check_log("crlissued: CA certificate 1: CRL Number 0x22 replaces 0x20 in");
	check_log("crlissued: CA certificate 1: CRL Number 0x23 replaces 0x21 in");
}
END_TEST

/*
 * Events delivered from four threads at once, as a CA may: the hold and the
 * later revocation race for one record, and whichever runs first, the
 * revocation is what stays; the demo's files come out as one at a time.
 * (CRL publications are not raced here: with overlapping crlissued events
 * the engine does not yet give each event its own context-0 values.)
 */
START_TEST(filepublish_concurrent_delivery)
{
	static const char record[] = "RequestID: 42\n"
				     "SerialNumber: " LEAF_SERIAL "\n"
				     "RevokedReason: 1 keyCompromise\n"
				     "RevokedWhen: 2026-12-02T10:30:00Z\n"
				     "RevokedEffectiveWhen: 2026-12-02T10:00:00Z\n";
	jobs = 4;
	for (int round = 0; round < 8; round++) {
		char hold[PATH_MAX], demo[PATH_MAX];
		snprintf(hold, sizeof(hold), "%s/hold%d", dir, round);
		snprintf(demo, sizeof(demo), "%s/demo%d", dir, round);
		ck_assert_int_eq(mkdir(hold, 0700), 0);
		ck_assert_int_eq(mkdir(demo, 0700), 0);
		replay_into(HOLD_TRACE, hold);
		for (size_t i = 0; i < run.n; i++)
			check_hr(run.records[i].hr, S_OK);
		check_file(hold, "42-" LEAF_SERIAL ".revoked", record, strlen(record));
		check_listing(hold, "42-" LEAF_SERIAL ".cer|42-" LEAF_SERIAL ".revoked");
		replay_into(DEMO_TRACE, demo);
		for (size_t i = 0; i < run.n; i++)
			check_hr(run.records[i].hr, S_OK);
		check_listing(demo, "102-6100000002c4d3e5f60718293a000000000002.cer|"
				    "103-6100000003d5e4f60718293a4b000000000003.cer|"
				    "103-6100000003d5e4f60718293a4b000000000003.revoked|Demo Issuing CA.crl");
	}
	jobs = 0;
}
END_TEST

/*
 * A CRL file is replaced only by a higher CRL Number: the same number with
 * other bytes, or a stranger, is a conflict.
 */
START_TEST(filepublish_crl_conflicts)
{
	size_t len, other_len;
	unsigned char *newest = trace_bytes(CRLS_TRACE, 2, 1, "RawCRL.1", &len);
	unsigned char *other = malloc(len);
	ck_assert_ptr_nonnull(other);
	memcpy(other, newest, len);
	other[len - 1] ^= 0x5A; /* the signature's last byte: still a CRL, number 0x22, other bytes */
	write_file(dir, "Corp Issuing CA(1).crl", other, len);
	write_file(dir, "Corp Issuing CA.crl", "not a CRL", 9);
	replay_into(CRLS_TRACE, dir);
	/*
	 * Both publications fail on the stranger in "Corp Issuing CA.crl"; key 1's first CRL (0x20) is
	 * older than the 0x22 there (kept, not a failure), its second a different 0x22 (a conflict).
	 */
	check_notify(EXITEVENT_CRLISSUED, 1, FILE_EXISTS);
	check_notify(EXITEVENT_CRLISSUED, 2, FILE_EXISTS);
	check_log("Corp Issuing CA(1).crl holds a newer CRL, number 0x22 (this one: 0x20): kept");
	check_log("Corp Issuing CA(1).crl holds a different CRL with the same number 0x22: kept");
	check_log("Corp Issuing CA.crl is not a CRL with a CRL Number: kept");
	check_file(dir, "Corp Issuing CA(1).crl", other, len);
	check_file(dir, "Corp Issuing CA.crl", "not a CRL", 9);
	/* The deltas, with no file in their way, are published. */
	unsigned char *delta = trace_bytes(CRLS_TRACE, 2, 1, "RawDeltaCRL.1", &other_len);
	check_file(dir, "Corp Issuing CA(1)+.crl", delta, other_len);
	check_listing(dir, "Corp Issuing CA(1)+.crl|Corp Issuing CA(1).crl|Corp Issuing CA+.crl|Corp Issuing CA.crl");
	free(delta);
	free(newest);
	free(other);
}
END_TEST

/* Delta CRLs enabled but none given: the base CRL is published and Notify fails, saying which. */
START_TEST(filepublish_missing_delta_crl)
{
	size_t len;
	unsigned char *crl = xb_read_fixture("demo-crl.der", &len);
	char *b64 = xb_base64_encode(crl, len);
	ck_assert_ptr_nonnull(b64);
	char *event = malloc(strlen(b64) + 128);
	ck_assert_ptr_nonnull(event);
	sprintf(event, "{\"event\": \"crlissued\", \"ca\": {\"RawCRL.0\": {\"base64\": \"%s\"}}}", b64);
	const char *events[] = {event, NULL};
	char *trace = write_trace("\"CertCount\": 1, \"CRLState.0\": 3, \"fDeltaCRLsDisabled\": 0", events);
	char out[PATH_MAX];
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	replay_into(trace, out);
	check_notify(EXITEVENT_CRLISSUED, 1, CERTSRV_E_PROPERTY_EMPTY);
	check_log(
	    "crlissued: CA certificate 0: delta CRLs are enabled (fDeltaCRLsDisabled 0) but RawDeltaCRL.0 is missing");
	/* No SanitizedCAName in this trace: the engine derives it from the CA name, as AD CS has it. */
	check_file(out, "Corp Issuing CA.crl", crl, len);
	check_listing(out, "Corp Issuing CA.crl");

	/* basic.jsonl has no CRLState: nothing can be decided, nothing is written. */
	remove_tree(out);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	replay_into(BASIC_TRACE, out);
	check_notify(EXITEVENT_CERTISSUED, 1, S_OK);
	check_notify(EXITEVENT_CRLISSUED, 1, CERTSRV_E_PROPERTY_EMPTY);
	check_log("crlissued: CA certificate 0: cannot read CRLState.0: CERTSRV_E_PROPERTY_EMPTY");
	check_listing(out, "42-" LEAF_SERIAL ".cer");
	free(trace);
	free(event);
	free(b64);
	free(crl);
}
END_TEST

/* filepublish-hold.jsonl: a certificateHold record is replaced by the later revocation. */
START_TEST(filepublish_records_revocations)
{
	replay_into(HOLD_TRACE, dir);
	check_notify(EXITEVENT_CERTREVOKED, 1, S_OK);
	check_notify(EXITEVENT_CERTREVOKED, 2, S_OK);
	static const char record[] = "RequestID: 42\n"
				     "SerialNumber: " LEAF_SERIAL "\n"
				     "RevokedReason: 1 keyCompromise\n"
				     "RevokedWhen: 2026-12-02T10:30:00Z\n"
				     "RevokedEffectiveWhen: 2026-12-02T10:00:00Z\n";
	check_file(dir, "42-" LEAF_SERIAL ".revoked", record, strlen(record));
	check_log("recorded a certificateHold: replaced by this revocation");
	check_listing(dir, "42-" LEAF_SERIAL ".cer|42-" LEAF_SERIAL ".revoked");

	/* A later revocation over one that is not a hold: kept, and Notify fails. */
	char *leaf = leaf_base64();
	char *events[3];
	static const char *const revocations[] = {
	    "\"RevokedReason\": 4, \"RevokedWhen\": {\"date\": \"2026-12-03T00:00:00Z\"}",
	    "\"RevokedReason\": 5, \"RevokedWhen\": {\"date\": \"2026-12-04T00:00:00Z\"}"};
	for (int i = 0; i < 2; i++) {
		events[i] = malloc(strlen(leaf) + 256);
		ck_assert_ptr_nonnull(events[i]);
		sprintf(events[i],
			"{\"event\": \"certrevoked\", \"request\": {\"RequestID\": 42, %s}, "
			"\"certificate\": {\"RawCertificate\": {\"base64\": \"%s\"}}}",
			revocations[i], leaf);
	}
	events[2] = NULL;
	char *trace = write_trace("", (const char *const *)events);
	char out[PATH_MAX];
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	replay_into(trace, out);
	check_notify(EXITEVENT_CERTREVOKED, 1, S_OK);
	check_notify(EXITEVENT_CERTREVOKED, 2, FILE_EXISTS);
	check_log("already records another revocation: kept");
	static const char first[] = "RequestID: 42\n"
				    "SerialNumber: " LEAF_SERIAL "\n"
				    "RevokedReason: 4 superseded\n"
				    "RevokedWhen: 2026-12-03T00:00:00Z\n"; /* no RevokedEffectiveWhen in the trace */
	check_file(out, "42-" LEAF_SERIAL ".revoked", first, strlen(first));
	check_listing(out, "42-" LEAF_SERIAL ".revoked");
	free(trace);
	free(events[0]);
	free(events[1]);
	free(leaf);
}
END_TEST

/* A directory that is missing, not a directory, or not writable: every event fails with the reason, nothing appears. */
START_TEST(filepublish_unusable_directory)
{
	char absent[PATH_MAX];
	snprintf(absent, sizeof(absent), "%s/absent", dir);
	replay_into(DEMO_TRACE, absent);
	check_hr(initialize_result(), S_OK); /* it may appear later: a warning, not a failure */
	check_log("FilePublish|warning|Directory ");
	check_notify(EXITEVENT_CERTISSUED, 1, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
	check_notify(EXITEVENT_CERTREVOKED, 1, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
	check_notify(EXITEVENT_CRLISSUED, 1, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
	check_log("FilePublish|error|certissued: Directory ");
	check_listing(dir, "");

	write_file(dir, "plain", "x", 1);
	char plain[PATH_MAX];
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	replay_into(DEMO_TRACE, plain);
	check_notify(EXITEVENT_CERTISSUED, 1, HRESULT_FROM_WIN32(ERROR_DIRECTORY));
	check_listing(dir, "plain");

	/* Permissions do not stop root: that half runs only for another user. */
	if (geteuid() != 0) {
		char locked[PATH_MAX];
		snprintf(locked, sizeof(locked), "%s/locked", dir);
		ck_assert_int_eq(mkdir(locked, 0500), 0);
		replay_into(DEMO_TRACE, locked);
		check_notify(EXITEVENT_CERTISSUED, 1, E_ACCESSDENIED);
		check_notify(EXITEVENT_CRLISSUED, 1, E_ACCESSDENIED);
		check_listing(locked, "");
	}
}
END_TEST

/* Without a usable Directory value Initialize fails, naming the value and the key; no event is delivered. */
START_TEST(filepublish_needs_a_directory)
{
	replay(DEMO_TRACE, NULL);
	check_hr(initialize_result(), BAD_CONFIGURATION);
	ck_assert_uint_eq(notify_count(), 0);
	check_log("FilePublish|error|not configured: set the REG_SZ value \"Directory\" under "
		  "HKLM\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Demo Issuing "
		  "CA\\ExitModules\\FilePublish.Exit to the directory to publish to");

	static const char *const relative[] = {"Directory=out/certs", NULL};
	replay(DEMO_TRACE, relative);
	check_hr(initialize_result(), BAD_CONFIGURATION);
	check_log("Directory \"out/certs\" is not an absolute path");

	static const char *const empty[] = {"Directory=", NULL};
	replay(DEMO_TRACE, empty);
	check_hr(initialize_result(), BAD_CONFIGURATION);

	static const char *const dword[] = {"Directory:dword=1", NULL};
	replay(DEMO_TRACE, dword);
	check_hr(initialize_result(), HRESULT_FROM_WIN32(ERROR_UNSUPPORTED_TYPE));
	check_log("cannot read the value \"Directory\" (REG_SZ)");
	ck_assert_uint_eq(notify_count(), 0);
	check_listing(dir, "");
}
END_TEST

/*
 * Values that would make a name leave the directory, or a name Windows
 * reads otherwise, are refused whole. The directory is <dir>/pub, and
 * <dir>/pub/42- exists, so "42-/../../escaped" would really escape.
 */
START_TEST(filepublish_refuses_unsafe_names)
{
	char *leaf = leaf_base64();
	size_t crl_len;
	unsigned char *crl = xb_read_fixture("demo-crl.der", &crl_len);
	char *crl64 = xb_base64_encode(crl, crl_len);
	ck_assert_ptr_nonnull(crl64);
	static const struct {
		const char *header;  /* the header's ca properties */
		const char *kind;    /* event */
		const char *request; /* request properties */
		const char *serial;  /* the certificate's explicit SerialNumber (JSON text) */
	} cases[] = {
	    {"", "certissued", "\"RequestID\": 42", "/../../escaped"},
	    {"", "certissued", "\"RequestID\": 42", "../../etc/x"},
	    {"", "certissued", "\"RequestID\": 42", "..\\\\..\\\\escaped"},
	    {"", "certissued", "\"RequestID\": 42", "4400000004B742B5"},
	    {"", "certissued", "\"RequestID\": 42", "44 00"},
	    {"", "certissued", "\"RequestID\": 42", "4400\\n0004"},
	    {"", "certissued", "\"RequestID\": 42",
	     "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0"}, /* 65 digits */
	    {"", "certissued", "\"RequestID\": 0", LEAF_SERIAL},
	    {"", "certissued", "\"RequestID\": -5", LEAF_SERIAL},
	    {"", "certrevoked",
	     "\"RequestID\": 42, \"RevokedReason\": 1, \"RevokedWhen\": {\"date\": \"2026-12-01T00:00:00Z\"}",
	     "/../../escaped"},
	    {"\"SanitizedCAName\": \"../escaped\"", "crlissued", NULL, NULL},
	    {"\"SanitizedCAName\": \"..\\\\escaped\"", "crlissued", NULL, NULL},
	    {"\"SanitizedCAName\": \"CON\"", "crlissued", NULL, NULL},
	    {"\"SanitizedCAName\": \"Corp \\u00e9\"", "crlissued", NULL, NULL},
	    {"\"SanitizedCAName\": \".hidden\"", "crlissued", NULL, NULL},
	    {"\"SanitizedCAName\": \"Corp\", \"CRLSuffix.0\": \"/../../escaped\"", "crlissued", NULL, NULL},
	    {"\"SanitizedCAName\": \"Corp\", \"CRLSuffix.0\": \"(1\"", "crlissued", NULL, NULL},
	};
	char pub[PATH_MAX], trap[PATH_MAX];
	snprintf(pub, sizeof(pub), "%s/pub", dir);
	snprintf(trap, sizeof(trap), "%s/pub/42-", dir);
	ck_assert_int_eq(mkdir(pub, 0700), 0);
	ck_assert_int_eq(mkdir(trap, 0700), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char header[512], *event;
		if (cases[i].request) {
			snprintf(header, sizeof(header), "%s", cases[i].header);
			event = malloc(strlen(leaf) + 512);
			ck_assert_ptr_nonnull(event);
			sprintf(event,
				"{\"event\": \"%s\", \"request\": {%s}, \"certificate\": {\"SerialNumber\": \"%s\", "
				"\"RawCertificate\": {\"base64\": \"%s\"}}}",
				cases[i].kind, cases[i].request, cases[i].serial, leaf);
		} else {
			snprintf(header, sizeof(header),
				 "\"CertCount\": 1, \"CRLState.0\": 3, \"fDeltaCRLsDisabled\": 1, %s", cases[i].header);
			event = malloc(strlen(crl64) + 128);
			ck_assert_ptr_nonnull(event);
			sprintf(event, "{\"event\": \"crlissued\", \"ca\": {\"RawCRL.0\": {\"base64\": \"%s\"}}}",
				crl64);
		}
		const char *events[] = {event, NULL};
		char *trace = write_trace(header, events);
		replay_into(trace, pub);
		ck_assert_uint_eq(notify_count(), 1);
		char a[XB_HRESULT_BUFSIZE];
		ck_assert_msg(run.records[1].hr == INVALID_NAME, "case %zu: Notify returned %s\n%s", i,
			      xb_hresult_format(run.records[1].hr, a), log_text);
		ck_assert_msg(strstr(log_text, "|error|") && strstr(log_text, "refused"), "case %zu:\n%s", i, log_text);
		check_listing(pub, "42-");
		check_listing(trap, "");
		check_listing(dir, "pub|trace.jsonl");
		unlink(trace);
		free(trace);
		free(event);
	}
	/* A hostile value is logged in printable form only. */
	ck_assert_msg(!strstr(log_text, "\n0004"), "%s", log_text);
	free(crl64);
	free(crl);
	free(leaf);
}
END_TEST

Suite *suite_filepublish(void)
{
	Suite *s = suite_create("filepublish");
	const struct xb_test_case cases[] = {
	    {"filepublish_demo", filepublish_publishes_the_demo},
	    {"filepublish_idempotent", filepublish_replay_is_idempotent},
	    {"filepublish_no_overwrite", filepublish_never_overwrites_a_certificate},
	    {"filepublish_crls", filepublish_publishes_crls},
	    {"filepublish_crl_conflicts", filepublish_crl_conflicts},
	    {"filepublish_concurrent", filepublish_concurrent_delivery},
	    {"filepublish_missing_delta", filepublish_missing_delta_crl},
	    {"filepublish_revocations", filepublish_records_revocations},
	    {"filepublish_unusable_directory", filepublish_unusable_directory},
	    {"filepublish_configuration", filepublish_needs_a_directory},
	    {"filepublish_unsafe_names", filepublish_refuses_unsafe_names},
	};
	XB_ADD_CASES(s, cases, setup, teardown);
	return s;
}
