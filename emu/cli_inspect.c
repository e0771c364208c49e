/*
 * exitbench inspect: every property the engine would serve for a
 * certificate, a request, a CRL or each event of a trace, in the formats
 * AD CS uses (what certutil -dump shows of the CA's view).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "cert_props.h"
#include "cli.h"
#include "event.h"
#include "pem.h"
#include "request_props.h"
#include "trace.h"
#include "value_json.h"

/* What one input holds, derived. */
struct inspected {
	const char *kind; /* "certificate", "request", "CRL", or an event name */
	struct xb_props cert, request, attrs, ca;
	struct xb_exts exts;
};

static void inspected_free(struct inspected *x)
{
	xb_props_free(&x->cert);
	xb_props_free(&x->request);
	xb_props_free(&x->attrs);
	xb_props_free(&x->ca);
	xb_exts_free(&x->exts);
}

/* ---- text output ------------------------------------------------------- */

static const char *type_name(LONG type)
{
	switch (type) {
	case PROPTYPE_LONG:
		return "LONG";
	case PROPTYPE_DATE:
		return "DATE";
	case PROPTYPE_STRING:
		return "STRING";
	default:
		return "BINARY";
	}
}

static void print_bytes(const unsigned char *p, size_t n)
{
	printf("%zu byte%s:", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n && i < 16; i++)
		printf(" %02x", p[i]);
	if (n > 16)
		fputs(" ...", stdout);
}

static void print_value(const struct xb_value *v)
{
	char date[XB_RFC3339_BUFSIZE];
	switch (v->type) {
	case PROPTYPE_LONG:
		printf("%ld (0x%lX)", (long)v->l, (unsigned long)(ULONG)v->l);
		break;
	case PROPTYPE_DATE:
		fputs(SUCCEEDED(xb_date_to_rfc3339(v->date, date)) ? date : "(out of range)", stdout);
		break;
	case PROPTYPE_STRING:
		putchar('"');
		for (const char *c = v->text; *c; c++)
			fputs(*c == '\n' ? "\\n" : *c == '"' ? "\\\"" : (char[2]){*c, 0}, stdout);
		putchar('"');
		break;
	default:
		print_bytes(v->bytes, v->len);
	}
}

static void print_props(const char *title, const struct xb_props *p)
{
	if (!p->n)
		return;
	printf("  %s:\n", title);
	for (size_t i = 0; i < p->n; i++) {
		printf("    %-32s %-6s ", p->items[i].name, type_name(p->items[i].value.type));
		print_value(&p->items[i].value);
		putchar('\n');
	}
}

static void print_exts(const struct xb_exts *e)
{
	if (!e->n)
		return;
	puts("  extensions:");
	for (size_t i = 0; i < e->n; i++) {
		const struct xb_ext *x = &e->items[i];
		printf("    %-32s flags 0x%08lX%s%s ", x->oid, (unsigned long)(ULONG)x->flags,
		       x->flags & EXTENSION_CRITICAL_FLAG ? " critical" : "",
		       x->flags & EXTENSION_DISABLE_FLAG ? " disabled" : "");
		print_bytes(x->value, x->len);
		putchar('\n');
	}
}

static void print_text(const char *file, const struct inspected *x)
{
	printf("%s: %s\n", file, x->kind);
	print_props("certificate properties (GetCertificateProperty)", &x->cert);
	print_props("request properties (GetRequestProperty)", &x->request);
	print_props("request attributes (GetRequestAttribute)", &x->attrs);
	print_props("CA properties (context 0)", &x->ca);
	print_exts(&x->exts);
}

/* ---- JSON output (the trace's typed encoding) --------------------------- */

static json_t *json_of(const char *file, const struct inspected *x)
{
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "kind", json_string(x->kind));
	json_object_set_new(o, "certificate", xb_props_to_json(&x->cert));
	json_object_set_new(o, "request", xb_props_to_json(&x->request));
	json_object_set_new(o, "attributes", xb_props_to_json(&x->attrs));
	if (x->ca.n)
		json_object_set_new(o, "ca", xb_props_to_json(&x->ca));
	json_object_set_new(o, "extensions", xb_exts_to_json(&x->exts));
	return o;
}

/* ---- inputs --------------------------------------------------------------- */

static HRESULT read_file(const char *path, char **data, size_t *len, xb_error *err)
{
	*data = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0, "cannot open: %m");
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap) {
			char *grown = realloc(buf, cap *= 2);
			if (!grown) {
				free(buf);
				buf = NULL;
			}
			buf = grown;
		}
	}
	int failed = ferror(f) ? errno : 0;
	fclose(f);
	if (!buf)
		return E_OUTOFMEMORY;
	if (failed) {
		free(buf);
		return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_READ_FAULT), 0, "cannot read: %s", strerror(failed));
	}
	*data = buf;
	*len = n;
	return S_OK;
}

/* Whether DER bytes parse as an X.509 CRL. */
static int der_looks_like_crl(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
	int is_crl = crl && p == der + len;
	X509_CRL_free(crl);
	return is_crl;
}

/*
 * DER of a certificate, request or CRL: a PEM label says which; without one
 * each is tried, and if none fits, what each reading said is reported.
 * "X509 CERTIFICATE" is OpenSSL's old label for a certificate.
 */
static HRESULT derive_der(const unsigned char *der, size_t len, const char *label, struct inspected *x,
			  xb_error *err)
{
	int is_cert = label && (!strcmp(label, "CERTIFICATE") || !strcmp(label, "X509 CERTIFICATE"));
	int is_crl = label && !strcmp(label, "X509 CRL");
	int is_req = label && (strstr(label, "REQUEST") || !strcmp(label, "PKCS7") || !strcmp(label, "CMS"));
	if (label && !is_cert && !is_crl && !is_req)
		return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_INVALID_DATA), 0,
				    "a PEM \"%s\" is not a certificate, request or CRL", label);
	xb_error as_cert, as_req;
	xb_error_init(&as_cert, NULL);
	xb_error_init(&as_req, NULL);
	if (is_cert || !label) {
		HRESULT hr = xb_cert_props_derive(der, len, &x->cert, &x->exts, XB_PUT_REPLACE, is_cert ? err : &as_cert);
		if (SUCCEEDED(hr) || is_cert) {
			x->kind = "certificate";
			return hr;
		}
		xb_props_free(&x->cert);
		xb_exts_free(&x->exts);
	}
	if (is_crl || (!label && der_looks_like_crl(der, len))) {
		x->kind = "CRL";
		if (!der_looks_like_crl(der, len))
			return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_INVALID_DATA), 0,
					    "RawCRL: the PEM block is not a DER CRL");
		return xb_props_put_binary(&x->ca, "RawCRL", der, len, XB_PUT_REPLACE);
	}
	x->kind = "request";
	HRESULT hr = xb_request_props_derive(der, len, &x->request, &x->attrs, &x->exts, 0, XB_PUT_REPLACE,
					     label ? err : &as_req);
	if (FAILED(hr) && !label)
		xb_error_set(err, hr, 0,
			     "neither a certificate, a request nor a CRL (as a certificate: %s; as a request: %s; not a CRL)",
			     as_cert.text, as_req.text);
	return hr;
}

static int emit(const char *file, const struct inspected *x, json_t *all)
{
	if (all)
		return json_array_append_new(all, json_of(file, x));
	print_text(file, x);
	return 0;
}

/* Each event of a trace, derived as the engine would when a module asks. */
static HRESULT inspect_trace(const char *path, json_t *all, xb_error *err)
{
	struct xb_trace *t;
	HRESULT hr = xb_trace_open(path, &t, err);
	if (FAILED(hr))
		return hr;
	struct inspected header = {.kind = "trace header"};
	hr = xb_props_copy(&header.ca, xb_trace_ca(t));
	if (SUCCEEDED(hr))
		emit(path, &header, all);
	inspected_free(&header);
	struct xb_event ev;
	while (SUCCEEDED(hr) && (hr = xb_trace_next(t, &ev, err)) == S_OK) {
		hr = xb_event_validate(&ev, path, err);
		if (SUCCEEDED(hr))
			hr = xb_event_derive(&ev, err);
		if (SUCCEEDED(hr)) {
			char where[64];
			snprintf(where, sizeof(where), "%s (line %zu)", xb_event_kind_name(ev.kind), ev.line);
			struct inspected x = {.kind = where, .cert = ev.cert, .request = ev.request, .attrs = ev.attrs,
					      .ca = ev.ca, .exts = ev.exts};
			emit(path, &x, all);
		}
		xb_event_free(&ev);
	}
	xb_trace_close(t);
	return FAILED(hr) ? hr : S_OK;
}

static HRESULT inspect_file(const char *path, json_t *all, xb_error *err)
{
	char *data;
	size_t len;
	HRESULT hr = read_file(path, &data, &len, err);
	if (FAILED(hr))
		return hr;
	size_t lead = 0;
	while (lead < len && (data[lead] == ' ' || data[lead] == '\n' || data[lead] == '\r' || data[lead] == '\t'))
		lead++;
	if (lead < len && data[lead] == '{') {
		free(data);
		return inspect_trace(path, all, err);
	}
	struct inspected x = {0};
	if (xb_pem_detect(data, len)) {
		char label[XB_PEM_LABEL_SIZE];
		unsigned char *der;
		size_t der_len;
		hr = xb_pem_decode(data, len, label, &der, &der_len, err);
		if (SUCCEEDED(hr)) {
			hr = derive_der(der, der_len, label, &x, err);
			free(der);
		}
	} else {
		hr = derive_der((const unsigned char *)data, len, NULL, &x, err);
	}
	if (SUCCEEDED(hr))
		emit(path, &x, all);
	inspected_free(&x);
	free(data);
	return hr;
}

static void inspect_usage(FILE *out)
{
	fputs("Usage: exitbench inspect [--json] FILE...\n"
	      "Prints every property the engine would serve for each FILE: a certificate,\n"
	      "a request (PKCS#10, PKCS#7, CMC) or a CRL, PEM or DER, or each event of a\n"
	      "trace, by name and type, in the formats AD CS stores.\n\n"
	      "      --json  one JSON array with an object per input (and per trace event)\n"
	      "  -h, --help  print this help and exit\n",
	      out);
}

int xb_cli_inspect(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c, as_json = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'j') {
			as_json = 1;
		} else if (c == 'h') {
			inspect_usage(stdout);
			return XB_EXIT_OK;
		} else {
			return xb_cli_try_help("inspect");
		}
	}
	if (optind == argc) {
		xb_cli_error("inspect: no file given");
		return xb_cli_try_help("inspect");
	}
	json_t *all = as_json ? json_array() : NULL;
	int status = XB_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		xb_error err;
		xb_error_init(&err, argv[i]);
		if (FAILED(inspect_file(argv[i], all, &err))) {
			if (!err.source[0])
				xb_error_set_source(&err, argv[i]);
			xb_cli_print_error(&err);
			status = XB_EXIT_USAGE;
		}
	}
	if (all) {
		json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(all);
	}
	return status;
}
