/*
 * A synthetic exitbench trace for the benchmarks: a header like a
 * production CA's, then a fixed, repeatable mix of events (mostly
 * certissued with a real certificate, some certpending and certdenied,
 * a crlissued now and then), every value as the recorder writes it.
 */
#ifndef XB_TESTS_BENCH_GEN_TRACE_H
#define XB_TESTS_BENCH_GEN_TRACE_H

#include <stddef.h>
#include <stdio.h>

/* What goes into the trace: DER files read once, reused for every event. */
struct bench_trace_spec {
	const char *cert_der;    /* RawCertificate of every certissued event (tests/fixtures/leaf.der) */
	const char *request_der; /* RawRequest of every request, or NULL for none (tests/fixtures/req.der) */
	const char *ca_pem;      /* the header's RawCACertificate.0, or NULL (tests/fixtures/ca.pem) */
	size_t events;           /* lines after the header */
};

/* How many events of each kind a trace of n events has (the mix is fixed: see gen_trace.c). */
struct bench_trace_mix {
	size_t issued, pending, denied, crl;
};
void bench_trace_mix(size_t n, struct bench_trace_mix *mix);

/*
 * Writes the trace to out. Returns 0, or -1 after printing to stderr why
 * (a fixture that cannot be read, a write error).
 */
int bench_write_trace(const struct bench_trace_spec *spec, FILE *out);
/* The same into a new file at path. */
int bench_write_trace_file(const struct bench_trace_spec *spec, const char *path);

#endif
