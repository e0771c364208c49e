/* The benchmark traces (gen_trace.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base64.h"
#include "gen_trace.h"

/*
 * A CRL for the crlissued events: an empty one from "DC=local, DC=corp,
 * CN=Corp Issuing CA", made once with `openssl ca -gencrl` and a throwaway
 * P-256 key. Nothing parses RawCRL.0 on replay; it is here so the line has
 * the length a real one has.
 */
static const char crl_base64[] =
	"MIHfMIGGAgEBMAoGCCqGSM49BAMCMEcxFTATBgoJkiaJk/IsZAEZFgVsb2NhbDEUMBIGCgmSJomT8ixkARkWBGNvcnAxGDAW"
	"BgNVBAMMD0NvcnAgSXNzdWluZyBDQRcNMjYxMTMwMTcwODAzWhcNMjYxMjA3MTcwODAzWqAOMAwwCgYDVR0UBAMCAQEwCgYI"
	"KoZIzj0EAwIDSAAwRQIhANmEdzfHjuZ9GN+7ES/IEPwWi2rklbwHWw/h5Se6cWzYAiAB9qVCWKlU8LggvjJxL0QcYOAM3bB5"
	"S0nv5Xsrt4f1sQ==";

#define CA_NAME "Corp Issuing CA"
/* 2026-11-24T07:00:00Z; each event is a few seconds after the one before. */
#define FIRST_SUBMITTED ((time_t)1795503600)

enum kind { ISSUED, PENDING, DENIED, CRL };

/*
 * The mix, fixed so that two runs replay the same trace: one crlissued in
 * 250 events, one certpending and one certdenied in 20, the rest (~89.6%)
 * certissued.
 */
static enum kind kind_of(size_t i)
{
	if (i % 250 == 249)
		return CRL;
	if (i % 20 == 7)
		return PENDING;
	if (i % 20 == 13)
		return DENIED;
	return ISSUED;
}

void bench_trace_mix(size_t n, struct bench_trace_mix *mix)
{
	memset(mix, 0, sizeof(*mix));
	for (size_t i = 0; i < n; i++) {
		switch (kind_of(i)) {
		case ISSUED:
			mix->issued++;
			break;
		case PENDING:
			mix->pending++;
			break;
		case DENIED:
			mix->denied++;
			break;
		case CRL:
			mix->crl++;
			break;
		}
	}
}

/* A whole file as a new buffer; NULL after saying why. */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "gen_trace: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			size_t bigger = cap ? 2 * cap : 4096;
			unsigned char *grown = realloc(buf, bigger);
			if (!grown)
				break;
			buf = grown;
			cap = bigger;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f) || n == 0 || n == cap;
	fclose(f);
	if (bad) {
		fprintf(stderr, "gen_trace: cannot read %s\n", path);
		free(buf);
		return NULL;
	}
	buf[n] = 0; /* n < cap: text files can be used as strings */
	*len = n;
	return buf;
}

/* A DER file as base64 text (new); NULL after saying why. */
static char *base64_of_file(const char *path)
{
	size_t len;
	unsigned char *der = read_file(path, &len);
	if (!der)
		return NULL;
	char *text = xb_base64_encode(der, len);
	free(der);
	if (!text)
		fprintf(stderr, "gen_trace: out of memory\n");
	return text;
}

/* A JSON string literal: the PEM's newlines need escaping. */
static void put_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
	}
	fputc('"', out);
}

static void put_header(FILE *out, const char *ca_pem)
{
	fputs("{\"format\": \"exitbench-trace\", \"version\": 1, \"config\": \"" CA_NAME "\", \"ca\": {"
	      "\"CAType\": 0, \"CertCount\": 1, \"SanitizedCAName\": \"" CA_NAME "\", "
	      "\"SanitizedShortName\": \"" CA_NAME "\", \"MachineDNSName\": \"ca01.corp.local\", "
	      "\"ModuleRegistryLocation\": \"SYSTEM\\\\CurrentControlSet\\\\Services\\\\CertSvc\\\\Configuration\\\\"
	      CA_NAME "\\\\ExitModules\\\\Recorder.Exit\", \"fUseDS\": 1, \"fDeltaCRLsDisabled\": 1, \"CertState.0\": 3, \"CRLState.0\": 3, "
	      "\"CRLIndex.0\": 0",
	      out);
	if (ca_pem) {
		fputs(", \"RawCACertificate.0\": {\"pem\": ", out);
		put_json_string(out, ca_pem);
		fputc('}', out);
	}
	fputs("}}\n", out);
}

/* RFC 3339 UTC time of the i-th event's submission (plus extra seconds). */
static const char *when(size_t i, int extra, char buf[32])
{
	time_t t = FIRST_SUBMITTED + (time_t)(i * 3) + extra;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void put_event(FILE *out, size_t i, const char *cert, const char *request)
{
	enum kind k = kind_of(i);
	char submitted[32], resolved[32];
	unsigned long id = (unsigned long)i + 1000;
	if (k == CRL) {
		fprintf(out, "{\"event\": \"crlissued\", \"ca\": {\"CRLIndex.0\": 0, \"RawCRL.0\": {\"base64\": \"%s\"}}}\n",
			crl_base64);
		return;
	}
	static const char *const names[] = {"certissued", "certpending", "certdenied"};
	static const int dispositions[] = {20, 9, 31};
	fprintf(out,
		"{\"event\": \"%s\", \"request\": {\"RequestID\": %lu, \"Disposition\": %d, \"RequestType\": 262400, "
		"\"RequesterName\": \"CORP\\\\user%05lu\", \"SubmittedWhen\": {\"date\": \"%s\"}",
		names[k], id, dispositions[k], id % 100000, when(i, 0, submitted));
	if (k == ISSUED)
		fprintf(out, ", \"ResolvedWhen\": {\"date\": \"%s\"}", when(i, 1, resolved));
	if (k == DENIED)
		fputs(", \"StatusCode\": -2146877437, \"DispositionMessage\": \"Denied by Policy Module\"", out);
	if (request)
		fprintf(out, ", \"RawRequest\": {\"base64\": \"%s\"}", request);
	fputc('}', out);
	if (k == ISSUED)
		fprintf(out, ", \"certificate\": {\"RawCertificate\": {\"base64\": \"%s\"}}", cert);
	fputs(", \"attributes\": {\"CertificateTemplate\": \"User\"", out);
	if (k == ISSUED)
		fprintf(out, ", \"ccm\": \"ws%05lu.corp.local\"", id % 100000);
	fputs("}}\n", out);
}

int bench_write_trace(const struct bench_trace_spec *spec, FILE *out)
{
	char *cert = base64_of_file(spec->cert_der), *request = NULL, *pem = NULL;
	int ok = cert != NULL;
	if (ok && spec->request_der)
		ok = (request = base64_of_file(spec->request_der)) != NULL;
	size_t pem_len;
	if (ok && spec->ca_pem)
		ok = (pem = (char *)read_file(spec->ca_pem, &pem_len)) != NULL;
	int rc = -1;
	if (ok) {
		put_header(out, pem);
		for (size_t i = 0; i < spec->events; i++)
			put_event(out, i, cert, request);
		rc = ferror(out) ? -1 : 0;
		if (rc)
			fprintf(stderr, "gen_trace: write error: %s\n", strerror(errno));
	}
	free(cert);
	free(request);
	free(pem);
	return rc;
}

int bench_write_trace_file(const struct bench_trace_spec *spec, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gen_trace: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = bench_write_trace(spec, f);
	if (fclose(f) && !rc) {
		fprintf(stderr, "gen_trace: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	return rc;
}
