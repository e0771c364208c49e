/*
 * derive_all: every derivation the engine has, run in one process on every
 * file given (so that one Valgrind run covers them all; see vectors.sh).
 *
 * Each file (PEM or DER) goes through all three derivations, whatever it
 * holds: the certificate side (xb_cert_props_derive), the request side
 * (xb_request_props_derive) and the CA's CRL check (xb_ca_props_derive with
 * RawCRL.0), then the same on two truncations of it (half, and all but the
 * last byte), so that the error paths run as often as the success paths.
 * Each must succeed with the properties it promises or fail with one of the
 * codes its header documents and a message naming the property at fault;
 * a failed request derivation must put nothing. A crash or a leak is for
 * the caller (Valgrind) to see.
 *
 * Usage: derive_all [-v] FILE...  Exit 0 when every contract holds, 1 when
 * one did not (each printed as "FILE: ..."), 2 for a file it cannot read.
 * -v prints what each derivation said of each input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca_props.h"
#include "cert_props.h"
#include "pem.h"
#include "read_all.h"
#include "request_props.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)
#define NOT_SUPPORTED HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)

static int verbose;
static unsigned long violations;

/* How many inputs each derivation accepted, whole files and truncations apart. */
static struct {
	unsigned long files, pem, bad_pem, certificates, requests, crls, none;
	unsigned long truncations, truncations_accepted;
} totals;

static void violation(const char *file, const char *what, const char *detail)
{
	printf("%s: %s%s%s\n", file, what, detail ? ": " : "", detail ? detail : "");
	violations++;
}

/*
 * A failure's message must exist and name the property at fault: begin
 * with it (prefix), or at least hold it (anywhere, when prefix is NULL).
 */
static void check_failure(const char *file, const char *side, HRESULT hr, const xb_error *err, const char *prefix,
			  const char *anywhere)
{
	char what[128];
	if (err->code != hr) {
		snprintf(what, sizeof(what), "%s failed with 0x%08lX but recorded no error (recorded 0x%08lX)", side,
			 (unsigned long)(ULONG)hr, (unsigned long)(ULONG)err->code);
		violation(file, what, NULL);
	} else if (prefix && strncmp(err->text, prefix, strlen(prefix))) {
		snprintf(what, sizeof(what), "%s failure message does not begin \"%s\"", side, prefix);
		violation(file, what, err->text[0] ? err->text : "(empty)");
	} else if (anywhere && !strstr(err->text, anywhere)) {
		snprintf(what, sizeof(what), "%s failure message does not name %s", side, anywhere);
		violation(file, what, err->text[0] ? err->text : "(empty)");
	}
}

static void check_present(const char *file, const char *side, const struct xb_props *p, const char *const *names)
{
	for (; *names; names++)
		if (!xb_props_find(p, *names)) {
			char what[128];
			snprintf(what, sizeof(what), "%s succeeded without %s", side, *names);
			violation(file, what, NULL);
		}
}

static int derive_certificate(const char *file, const unsigned char *der, size_t len)
{
	static const char *const promised[] = {"RawCertificate", "SerialNumber", "CertificateHash", "NotBefore",
					       "NotAfter", "RawPublicKey", "PublicKeyAlgorithm", NULL};
	struct xb_props props = {0};
	struct xb_exts exts = {0};
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_cert_props_derive(der, len, &props, &exts, XB_PUT_REPLACE, &err);
	if (SUCCEEDED(hr))
		check_present(file, "certificate derivation", &props, promised);
	else if (hr != INVALID_DATA)
		violation(file, "certificate derivation: an undocumented failure", err.text);
	else
		check_failure(file, "certificate derivation", hr, &err, "RawCertificate", NULL);
	if (verbose && FAILED(hr))
		printf("%s: not a certificate: %s\n", file, err.text);
	xb_props_free(&props);
	xb_exts_free(&exts);
	return SUCCEEDED(hr);
}

static int derive_request(const char *file, const unsigned char *der, size_t len)
{
	static const char *const promised[] = {"RawRequest", "RequestType", NULL};
	struct xb_props request = {0}, attrs = {0};
	struct xb_exts exts = {0};
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_request_props_derive(der, len, &request, &attrs, &exts, 0, XB_PUT_REPLACE, &err);
	if (SUCCEEDED(hr)) {
		check_present(file, "request derivation", &request, promised);
	} else if (hr != INVALID_DATA && hr != NOT_SUPPORTED) {
		violation(file, "request derivation: an undocumented failure", err.text);
	} else {
		check_failure(file, "request derivation", hr, &err, "RawRequest: ", NULL);
		if (request.n || attrs.n || exts.n)
			violation(file, "request derivation failed but put values (\"a failure puts nothing\")", err.text);
	}
	if (verbose && FAILED(hr))
		printf("%s: not a request: %s\n", file, err.text);
	xb_props_free(&request);
	xb_props_free(&attrs);
	xb_exts_free(&exts);
	return SUCCEEDED(hr);
}

static int derive_crl(const char *file, const unsigned char *der, size_t len)
{
	struct xb_props ca = {0};
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_props_put_binary(&ca, "RawCRL.0", der, len, XB_PUT_REPLACE);
	if (SUCCEEDED(hr))
		hr = xb_ca_props_derive(&ca, "Robustness CA", &err);
	if (FAILED(hr) && hr != INVALID_DATA)
		violation(file, "CRL check: an undocumented failure", err.text);
	else if (FAILED(hr))
		check_failure(file, "CRL check", hr, &err, NULL, "RawCRL.0");
	if (verbose && FAILED(hr))
		printf("%s: not a CRL: %s\n", file, err.text);
	xb_props_free(&ca);
	return SUCCEEDED(hr);
}

/* All three derivations; what accepted it, as "certificate", "request", "CRL" or "none". */
static const char *derive_all(const char *file, const unsigned char *der, size_t len)
{
	int cert = derive_certificate(file, der, len);
	int req = derive_request(file, der, len);
	int crl = derive_crl(file, der, len);
	if (cert + req + crl > 1)
		violation(file, "accepted as more than one of certificate, request and CRL", NULL);
	return cert ? "certificate" : req ? "request" : crl ? "CRL" : "none";
}

/* One file: 0, or 2 when it cannot be read. */
static int derive_file(const char *file)
{
	size_t n;
	unsigned char *data = read_all(file, &n);
	if (!data) {
		fprintf(stderr, "%s: cannot read\n", file);
		return 2;
	}
	unsigned char *der = data;
	size_t len = n;
	if (xb_pem_detect((const char *)data, n)) {
		char label[XB_PEM_LABEL_SIZE];
		xb_error err;
		xb_error_init(&err, NULL);
		/* A broken PEM is a refusal like any other (vectors.sh checks inspect's message for it). */
		if (FAILED(xb_pem_decode((const char *)data, n, label, &der, &len, &err))) {
			if (verbose)
				printf("%s: %s\n", file, err.text);
			totals.bad_pem++;
			free(data);
			return 0;
		}
		totals.pem++;
	}
	totals.files++;
	const char *kind = derive_all(file, der, len);
	if (!strcmp(kind, "certificate"))
		totals.certificates++;
	else if (!strcmp(kind, "request"))
		totals.requests++;
	else if (!strcmp(kind, "CRL"))
		totals.crls++;
	else
		totals.none++;
	if (verbose)
		printf("%s: %s\n", file, kind);
	/* The error paths: the same input cut short. */
	size_t cuts[] = {len / 2, len ? len - 1 : 0};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		if (i && cuts[i] == cuts[i - 1])
			continue;
		char where[FILENAME_MAX + 32];
		snprintf(where, sizeof(where), "%s (first %zu of %zu bytes)", file, cuts[i], len);
		totals.truncations++;
		if (strcmp(derive_all(where, der, cuts[i]), "none"))
			totals.truncations_accepted++;
	}
	if (der != data)
		free(der);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int first = 1, status = 0;
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		first = 2;
	}
	if (first >= argc) {
		fputs("Usage: derive_all [-v] FILE...\n", stderr);
		return 2;
	}
	for (int i = first; i < argc; i++)
		if (derive_file(argv[i]))
			status = 2;
	printf("derive_all: %lu files (%lu PEM, %lu more with a PEM block that does not decode): %lu certificates, %lu requests, %lu CRLs, %lu none; "
	       "%lu truncations, %lu of them still accepted; %lu contract violations\n",
	       totals.files, totals.pem, totals.bad_pem, totals.certificates, totals.requests, totals.crls, totals.none,
	       totals.truncations, totals.truncations_accepted, violations);
	return violations ? 1 : status;
}
