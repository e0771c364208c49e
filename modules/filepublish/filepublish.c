/*
 * filepublish: publishes what the CA issues as files in one directory, as
 * the Windows SDK's sample exit module and the built-in module do, with
 * the care a production CA needs:
 *
 *   certissued   the DER certificate as <RequestID>-<serial>.cer
 *   certrevoked  a revocation record <RequestID>-<serial>.revoked
 *   crlissued    each current CRL as <CA name><CRLSuffix>.crl and its delta
 *                CRL as <CA name><CRLSuffix>+.crl, as AD CS names them
 *
 * Names are built only from the request ID, the serial number and the CA's
 * sanitized name and CRL suffix, each checked (names.c); every file is
 * written whole or not at all and never replaces a different file, except
 * a CRL by a newer CRL and a certificateHold record by a later revocation
 * (publish.c over atomic_file_*.c). A failure is logged and returned.
 *
 * Configuration: the REG_SZ value Directory under the module's registry
 * key (exitbench replay --set Directory=...). docs/modules/filepublish.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench.h"

#include "atomic_file.h"
#include "crl_number.h"
#include "filepublish_version.h"
#include "names.h"
#include "publish.h"

#ifndef ERROR_BAD_CONFIGURATION
# define ERROR_BAD_CONFIGURATION 1610
#endif

#define FILEPUBLISH_EVENTS (EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED | EXITEVENT_CRLISSUED)
#define BAD_CONFIGURATION HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)
#define FILE_EXISTS HRESULT_FROM_WIN32(ERROR_FILE_EXISTS)
#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

/* What Initialize settles; read-only afterwards, so Notify may run on several threads. */
struct filepublish {
	char *directory;
	char *ca_name; /* Initialize's strConfig, for a CA that has no SanitizedCAName */
};

static void filepublish_destroy(xb_kit_module *module)
{
	struct filepublish *fp = xb_kit_get_state(module);
	if (fp) {
		free(fp->directory);
		free(fp->ca_name);
		free(fp);
	}
}

/* A value from the CA made fit for a log line: printable ASCII, at most 64 characters. */
static const char *printable(const char *text, char buf[80])
{
	size_t n = 0;
	for (; text[n] && n < 64; n++)
		buf[n] = text[n] >= 0x20 && text[n] < 0x7F ? text[n] : '?';
	strcpy(buf + n, text[n] ? "..." : "");
	return buf;
}

/* ---- Initialize ----------------------------------------------------------- */

/* The module's key for a message: new, or NULL when the CA does not say. */
static char *registry_location(void)
{
	ICertServerExit *server;
	char *location = NULL;
	if (SUCCEEDED(xb_kit_server_open(0, &server))) {
		xb_kit_get_string(server, XB_KIT_CERTIFICATE, "ModuleRegistryLocation", &location);
		ICertServerExit_Release(server);
	}
	return location;
}

static HRESULT filepublish_initialize(xb_kit_module *module, const char *ca_name, LONG *event_mask)
{
	char buf[XB_HRESULT_BUFSIZE], *directory = NULL;
	HRESULT hr = xb_kit_config_string(module, "Directory", &directory);
	if (hr == S_FALSE || (hr == S_OK && !*directory)) {
		char *location = registry_location();
		xb_kit_log(XB_KIT_LOG_ERROR,
			   "not configured: set the REG_SZ value \"Directory\" under HKLM\\%s to the directory to "
			   "publish to",
			   location ? location : "<ModuleRegistryLocation>");
		free(location);
		free(directory);
		return BAD_CONFIGURATION;
	}
	if (FAILED(hr)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "cannot read the value \"Directory\" (REG_SZ): %s",
			   xb_hresult_format(hr, buf));
		return hr;
	}
	/* A relative path would depend on certsrv's working directory. */
	if (!fp_path_is_absolute(directory)) {
		xb_kit_log(XB_KIT_LOG_ERROR, "Directory \"%s\" is not an absolute path", directory);
		free(directory);
		return BAD_CONFIGURATION;
	}
	/* Not fatal: a share may come up after the CA; until then each event fails and says so. */
	hr = fp_directory_check(directory);
	if (FAILED(hr))
		xb_kit_log(XB_KIT_LOG_WARNING, "Directory %s cannot be used now: %s", directory,
			   xb_hresult_format(hr, buf));
	struct filepublish *fp = calloc(1, sizeof(*fp));
	if (!fp || !(fp->ca_name = strdup(ca_name ? ca_name : ""))) {
		free(fp);
		free(directory);
		return E_OUTOFMEMORY;
	}
	fp->directory = directory;
	filepublish_destroy(module); /* an Initialize called again replaces the old state */
	xb_kit_set_state(module, fp);
	*event_mask = FILEPUBLISH_EVENTS;
	xb_kit_log(XB_KIT_LOG_INFO, "publishing to %s for CA \"%s\"", directory, ca_name);
	return S_OK;
}

/* ---- common to the events -------------------------------------------------- */

/* Logs what fp_publish did with dir/name; S_OK unless it failed. */
static HRESULT report(const char *what, const char *dir, const char *name, HRESULT hr)
{
	char buf[XB_HRESULT_BUFSIZE];
	if (hr == S_OK)
		xb_kit_log(XB_KIT_LOG_INFO, "%s: wrote %s", what, name);
	else if (hr == S_FALSE)
		xb_kit_log(XB_KIT_LOG_INFO, "%s: %s is up to date", what, name);
	else
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: cannot write %s in %s: %s", what, name, dir,
			   xb_hresult_format(hr, buf));
	return FAILED(hr) ? hr : S_OK;
}

/* Logs a property that cannot be read and returns the failure. */
static HRESULT unreadable(const char *what, const char *property, HRESULT hr)
{
	char buf[XB_HRESULT_BUFSIZE];
	xb_kit_log(XB_KIT_LOG_ERROR, "%s: cannot read %s: %s", what, property, xb_hresult_format(hr, buf));
	return hr;
}

/*
 * The request's file name "<RequestID>-<serial><extension>" (new in *name),
 * from RequestID and the certificate's SerialNumber; what (a buffer of 64)
 * receives "<event>: request <id>" for the log.
 */
static HRESULT request_file(ICertServerExit *server, const char *event, const char *extension, char what[64],
			    LONG *id_out, char **serial, char **name)
{
	LONG id = 0;
	*serial = *name = NULL;
	snprintf(what, 64, "%s", event);
	HRESULT hr = xb_kit_get_long(server, XB_KIT_REQUEST, "RequestID", &id);
	*id_out = id;
	if (FAILED(hr))
		return unreadable(what, "RequestID", hr);
	snprintf(what, 64, "%s: request %ld", event, (long)id);
	hr = xb_kit_get_string(server, XB_KIT_CERTIFICATE, "SerialNumber", serial);
	if (FAILED(hr))
		return unreadable(what, "SerialNumber", hr);
	hr = fp_request_file_name(id, *serial, extension, name);
	if (FAILED(hr)) {
		char shown[80];
		xb_kit_log(XB_KIT_LOG_ERROR,
			   "%s: refused: RequestID %ld and SerialNumber \"%s\" do not make a safe file name "
			   "(a positive ID and 1 to 64 lowercase hex digits)",
			   what, (long)id, printable(*serial, shown));
		free(*serial);
		*serial = NULL;
	}
	return hr;
}

/* ---- certissued ---------------------------------------------------------------- */

static HRESULT publish_certificate(struct filepublish *fp, ICertServerExit *server)
{
	char what[64], *serial, *name;
	LONG id;
	HRESULT hr = request_file(server, "certissued", ".cer", what, &id, &serial, &name);
	if (FAILED(hr))
		return hr;
	unsigned char *der = NULL;
	size_t len = 0;
	hr = xb_kit_get_bytes(server, XB_KIT_CERTIFICATE, "RawCertificate", &der, &len);
	if (FAILED(hr)) {
		unreadable(what, "RawCertificate", hr);
	} else if (len == 0) {
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: RawCertificate is empty", what);
		hr = INVALID_DATA;
	} else {
		hr = report(what, fp->directory, name, fp_publish(fp->directory, name, der, len, NULL, NULL));
	}
	free(der);
	free(name);
	free(serial);
	return hr;
}

/* ---- certrevoked ------------------------------------------------------------------ */

/* RFC 5280's names of the CRL_REASON_* values (reference §2.8). */
static const char *const reasons[] = {
    [CRL_REASON_UNSPECIFIED] = "unspecified",
    [CRL_REASON_KEY_COMPROMISE] = "keyCompromise",
    [CRL_REASON_CA_COMPROMISE] = "cACompromise",
    [CRL_REASON_AFFILIATION_CHANGED] = "affiliationChanged",
    [CRL_REASON_SUPERSEDED] = "superseded",
    [CRL_REASON_CESSATION_OF_OPERATION] = "cessationOfOperation",
    [CRL_REASON_CERTIFICATE_HOLD] = "certificateHold",
    [CRL_REASON_REMOVE_FROM_CRL] = "removeFromCRL",
    [CRL_REASON_PRIVILEGE_WITHDRAWN] = "privilegeWithdrawn",
    [CRL_REASON_AA_COMPROMISE] = "aACompromise",
};

static const char *reason_name(LONG reason)
{
	if (reason >= 0 && (size_t)reason < sizeof(reasons) / sizeof(reasons[0]) && reasons[reason])
		return reasons[reason];
	return "unknown";
}

/* Seconds since 1970 as RFC 3339 UTC ("2026-11-30T17:09:31Z"), without the C library's time zone. */
static void rfc3339(int64_t t, char buf[32])
{
	int64_t days = t / 86400, secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* Howard Hinnant's civil_from_days. */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
}

/*
 * The value of "<key>: " in a revocation record (text, not NUL-terminated),
 * copied into buf; "" when the record has no such line.
 */
static const char *record_field(const unsigned char *record, size_t len, const char *key, char *buf, size_t size)
{
	size_t k = strlen(key), at = 0;
	buf[0] = 0;
	while (at < len) {
		const unsigned char *eol = memchr(record + at, '\n', len - at);
		size_t line = eol ? (size_t)(eol - record) - at : len - at;
		if (line > k + 2 && !memcmp(record + at, key, k) && !memcmp(record + at + k, ": ", 2)) {
			size_t n = line - k - 2 < size - 1 ? line - k - 2 : size - 1;
			memcpy(buf, record + at + k + 2, n);
			buf[n] = 0;
			break;
		}
		at += line + 1;
	}
	return buf;
}

/*
 * Another record for the same certificate: an older one (an earlier
 * RevokedWhen; RFC 3339 UTC text orders as time does) leaves the newer one
 * in place; a later one replaces only a certificateHold record, since a
 * held certificate is the one the CA may revoke again; any other
 * difference is a conflict.
 */
static HRESULT revocation_rule(void *ctx, const char *path, const unsigned char *old, size_t old_len,
			       const unsigned char *data, size_t len)
{
	const char *what = ctx;
	char was[40], now[40], reason[40];
	record_field(old, old_len, "RevokedWhen", was, sizeof(was));
	record_field(data, len, "RevokedWhen", now, sizeof(now));
	if (*was && strcmp(now, was) < 0) {
		xb_kit_log(XB_KIT_LOG_WARNING, "%s: %s records a later revocation (%s): kept", what, path, was);
		return S_FALSE;
	}
	if (!strcmp(record_field(old, old_len, "RevokedReason", reason, sizeof(reason)), "6 certificateHold")) {
		xb_kit_log(XB_KIT_LOG_INFO, "%s: %s recorded a certificateHold: replaced by this revocation", what,
			   path);
		return S_OK;
	}
	xb_kit_log(XB_KIT_LOG_ERROR, "%s: %s already records another revocation: kept", what, path);
	return FILE_EXISTS;
}

static HRESULT record_revocation(struct filepublish *fp, ICertServerExit *server)
{
	char what[64], *serial, *name;
	LONG id;
	HRESULT hr = request_file(server, "certrevoked", ".revoked", what, &id, &serial, &name);
	if (FAILED(hr))
		return hr;
	LONG reason = 0;
	int64_t when = 0, effective = 0;
	hr = xb_kit_get_long(server, XB_KIT_REQUEST, "RevokedReason", &reason);
	if (FAILED(hr))
		unreadable(what, "RevokedReason", hr);
	if (SUCCEEDED(hr) && FAILED(hr = xb_kit_get_time(server, XB_KIT_REQUEST, "RevokedWhen", &when)))
		unreadable(what, "RevokedWhen", hr);
	/* RevokedEffectiveWhen is recorded when the CA has it. */
	HRESULT has_effective =
	    SUCCEEDED(hr) ? xb_kit_get_time(server, XB_KIT_REQUEST, "RevokedEffectiveWhen", &effective) : S_OK;
	if (FAILED(has_effective) && has_effective != CERTSRV_E_PROPERTY_EMPTY)
		hr = unreadable(what, "RevokedEffectiveWhen", has_effective);
	if (SUCCEEDED(hr)) {
		char text[512], when_text[32], effective_text[32] = "";
		rfc3339(when, when_text);
		if (SUCCEEDED(has_effective))
			rfc3339(effective, effective_text);
		int n = snprintf(text, sizeof(text),
				 "RequestID: %ld\nSerialNumber: %s\nRevokedReason: %ld %s\nRevokedWhen: %s\n%s%s%s",
				 (long)id, serial, (long)reason, reason_name(reason), when_text,
				 *effective_text ? "RevokedEffectiveWhen: " : "", effective_text,
				 *effective_text ? "\n" : "");
		hr = fp_publish(fp->directory, name, (const unsigned char *)text, (size_t)n, revocation_rule, what);
		hr = report(what, fp->directory, name, hr);
	}
	free(name);
	free(serial);
	return hr;
}

/* ---- crlissued -------------------------------------------------------------------- */

/*
 * A CRL file is replaced only by a CRL with a higher CRL Number; one with a
 * lower number leaves the newer file in place; the same number with other
 * bytes, or a file that is not a numbered CRL, is a conflict.
 */
static HRESULT crl_rule(void *ctx, const char *path, const unsigned char *old, size_t old_len,
			const unsigned char *data, size_t len)
{
	const char *what = ctx;
	const unsigned char *was, *now;
	size_t was_len, now_len;
	char was_text[48], now_text[48];
	if (fp_crl_number(data, len, &now, &now_len) != S_OK) {
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: the new CRL has no CRL Number to order it by: %s is kept", what,
			   path);
		return FILE_EXISTS;
	}
	if (fp_crl_number(old, old_len, &was, &was_len) != S_OK) {
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: %s is not a CRL with a CRL Number: kept", what, path);
		return FILE_EXISTS;
	}
	fp_crl_number_text(was, was_len, was_text, sizeof(was_text));
	fp_crl_number_text(now, now_len, now_text, sizeof(now_text));
	int order = fp_crl_number_cmp(now, now_len, was, was_len);
	if (order > 0) {
		xb_kit_log(XB_KIT_LOG_INFO, "%s: CRL Number %s replaces %s in %s", what, now_text, was_text, path);
		return S_OK;
	}
	if (order < 0) {
		xb_kit_log(XB_KIT_LOG_WARNING, "%s: %s holds a newer CRL, number %s (this one: %s): kept", what, path,
			   was_text, now_text);
		return S_FALSE;
	}
	xb_kit_log(XB_KIT_LOG_ERROR, "%s: %s holds a different CRL with the same number %s: kept", what, path,
		   was_text);
	return FILE_EXISTS;
}

/* Publishes one CRL (delta 0) or delta CRL (1) as <ca><suffix>[+].crl. */
static HRESULT publish_crl(struct filepublish *fp, const char *what, const char *ca, const char *suffix, int delta,
			   const unsigned char *der, size_t len)
{
	char *name;
	HRESULT hr = fp_crl_file_name(ca, suffix, delta, &name);
	if (FAILED(hr)) {
		char shown_ca[80], shown_suffix[80];
		xb_kit_log(XB_KIT_LOG_ERROR,
			   "%s: refused: CA name \"%s\" and CRLSuffix \"%s\" do not make a safe file name", what,
			   printable(ca, shown_ca), printable(suffix, shown_suffix));
		return hr;
	}
	hr = report(what, fp->directory, name, fp_publish(fp->directory, name, der, len, crl_rule, (void *)what));
	free(name);
	return hr;
}

/* Reads CA property <name>.<index> of the given type into the matching out-parameter. */
static HRESULT ca_long(ICertServerExit *server, const char *name, LONG index, LONG *out)
{
	char prop[64];
	snprintf(prop, sizeof(prop), "%s.%ld", name, (long)index);
	return xb_kit_get_long(server, XB_KIT_CERTIFICATE, prop, out);
}

static HRESULT ca_string(ICertServerExit *server, const char *name, LONG index, char **out)
{
	char prop[64];
	snprintf(prop, sizeof(prop), "%s.%ld", name, (long)index);
	return xb_kit_get_string(server, XB_KIT_CERTIFICATE, prop, out);
}

static HRESULT ca_bytes(ICertServerExit *server, const char *name, LONG index, unsigned char **out, size_t *len)
{
	char prop[64];
	snprintf(prop, sizeof(prop), "%s.%ld", name, (long)index);
	return xb_kit_get_bytes(server, XB_KIT_CERTIFICATE, prop, out, len);
}

static int missing(HRESULT hr)
{
	return hr == CERTSRV_E_PROPERTY_EMPTY || hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
}

/* The CRL(s) of CA certificate i, when its CRLState says this certificate publishes them. */
static HRESULT publish_crls_of(struct filepublish *fp, ICertServerExit *server, const char *ca, LONG i,
			       LONG deltas_disabled)
{
	char what[64], prop[64], *suffix = NULL;
	LONG state = 0, index = i;
	unsigned char *der = NULL;
	size_t len = 0;
	snprintf(what, sizeof(what), "crlissued: CA certificate %ld", (long)i);
	snprintf(prop, sizeof(prop), "CRLState.%ld", (long)i);
	HRESULT hr = ca_long(server, "CRLState", i, &state);
	if (FAILED(hr))
		return unreadable(what, prop, hr);
	if (state != CA_DISP_VALID) {
		xb_kit_log(XB_KIT_LOG_DEBUG, "%s: CRLState %ld: another certificate publishes this key's CRL", what,
			   (long)state);
		return S_OK;
	}
	/* CRLSuffix is numbered by CRL (key) index; without CRLIndex the certificate's own, as for a valid CRLState. */
	hr = ca_long(server, "CRLIndex", i, &index);
	if (missing(hr)) {
		index = i;
		hr = S_OK;
	}
	if (FAILED(hr))
		return unreadable(what, "CRLIndex", hr);
	hr = ca_string(server, "CRLSuffix", index, &suffix);
	if (missing(hr)) {
		char made[16] = "";
		if (index)
			snprintf(made, sizeof(made), "(%ld)", (long)index);
		suffix = strdup(made);
		hr = suffix ? S_OK : E_OUTOFMEMORY;
	}
	if (FAILED(hr))
		return unreadable(what, "CRLSuffix", hr);

	snprintf(prop, sizeof(prop), "RawCRL.%ld", (long)i);
	hr = ca_bytes(server, "RawCRL", i, &der, &len);
	if (FAILED(hr))
		unreadable(what, prop, hr);
	else
		hr = publish_crl(fp, what, ca, suffix, 0, der, len);
	free(der);
	der = NULL;

	/* The delta CRL: absent when the CA publishes none, which the SDK sample accepts only then. */
	snprintf(prop, sizeof(prop), "RawDeltaCRL.%ld", (long)i);
	HRESULT delta = ca_bytes(server, "RawDeltaCRL", i, &der, &len);
	if (SUCCEEDED(delta))
		delta = publish_crl(fp, what, ca, suffix, 1, der, len);
	else if (missing(delta) && deltas_disabled)
		delta = S_OK;
	else if (missing(delta))
		xb_kit_log(XB_KIT_LOG_ERROR, "%s: delta CRLs are enabled (fDeltaCRLsDisabled 0) but %s is missing",
			   what, prop);
	else
		unreadable(what, prop, delta);
	free(der);
	free(suffix);
	return FAILED(hr) ? hr : delta;
}

static HRESULT publish_crls(struct filepublish *fp, ICertServerExit *server)
{
	const char *what = "crlissued";
	LONG count = 0, deltas_disabled = 0;
	HRESULT hr = xb_kit_get_long(server, XB_KIT_CERTIFICATE, "CertCount", &count);
	if (FAILED(hr))
		return unreadable(what, "CertCount", hr);
	hr = xb_kit_get_long(server, XB_KIT_CERTIFICATE, "fDeltaCRLsDisabled", &deltas_disabled);
	if (FAILED(hr) && !missing(hr))
		return unreadable(what, "fDeltaCRLsDisabled", hr);
	/* The file name's CA part: the CA's own sanitized name, else Initialize's name sanitized the same way. */
	char *ca = NULL;
	hr = xb_kit_get_string(server, XB_KIT_CERTIFICATE, "SanitizedCAName", &ca);
	if (missing(hr))
		hr = (ca = fp_sanitize_ca_name(fp->ca_name)) ? S_OK : INVALID_DATA;
	if (FAILED(hr))
		return unreadable(what, "SanitizedCAName", hr);
	/* Every CA certificate is tried; the first failure is the answer. */
	HRESULT first = S_OK;
	for (LONG i = 0; i < count; i++) {
		hr = publish_crls_of(fp, server, ca, i, deltas_disabled);
		if (FAILED(hr) && SUCCEEDED(first))
			first = hr;
	}
	free(ca);
	return first;
}

/* ---- Notify ------------------------------------------------------------------------ */

static const struct {
	LONG event;
	const char *name;
	HRESULT (*handle)(struct filepublish *fp, ICertServerExit *server);
} handlers[] = {
    {EXITEVENT_CERTISSUED, "certissued", publish_certificate},
    {EXITEVENT_CERTREVOKED, "certrevoked", record_revocation},
    {EXITEVENT_CRLISSUED, "crlissued", publish_crls},
};

static HRESULT filepublish_notify(xb_kit_module *module, LONG event, LONG context)
{
	struct filepublish *fp = xb_kit_get_state(module);
	if (!fp)
		return E_UNEXPECTED; /* no successful Initialize */
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (handlers[i].event != event)
			continue;
		char buf[XB_HRESULT_BUFSIZE];
		/* Said once per event here rather than once per file below. */
		HRESULT hr = fp_directory_check(fp->directory);
		if (FAILED(hr)) {
			xb_kit_log(XB_KIT_LOG_ERROR, "%s: Directory %s cannot be used: %s", handlers[i].name,
				   fp->directory, xb_hresult_format(hr, buf));
			return hr;
		}
		ICertServerExit *server = NULL;
		hr = xb_kit_server_open(context, &server);
		if (FAILED(hr)) {
			xb_kit_log(XB_KIT_LOG_ERROR, "%s: cannot reach the CA: %s", handlers[i].name,
				   xb_hresult_format(hr, buf));
			return hr;
		}
		hr = handlers[i].handle(fp, server);
		ICertServerExit_Release(server);
		return hr;
	}
	return S_OK; /* an event outside the mask: nothing to publish */
}

XB_EXIT_MODULE(filepublish, "FilePublish", "{1FA90DA8-2779-496F-9095-8196AF53E306}",
	       "{B46E825A-A9D0-4FDB-A6F4-CFC811DE5EDF}", .initialize = filepublish_initialize,
	       .notify = filepublish_notify, .destroy = filepublish_destroy,
	       XB_KIT_VERSION_FIELDS /* filepublish_version.h, shared with the DLL's version resource */);
