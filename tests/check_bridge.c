/*
 * The Windows bridge without Wine: the protocol's encoders and decoders
 * (emu/bridge_proto.c) on every message, cut short at every byte and
 * corrupted at random; and the snapshot server exitbench-host.exe serves
 * modules with (emu/snapshot_server.c) against the engine's own server
 * (emu/server.c), call by call over the events of the test traces, with
 * the snapshot built, encoded and decoded exactly as the bridge does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_proto.h"
#include "bridge_snapshot.h"
#include "check_suites.h"
#include "engine.h"
#include "event.h"
#include "snapshot_server.h"
#include "trace.h"

/* ---- sample messages ------------------------------------------------------ */

static const unsigned char der_bytes[] = {0x30, 0x03, 0x02, 0x01, 0x00};
static const unsigned char ia5[] = {0x16, 0x08, 'h', 't', 't', 'p', ':', '/', '/', 'x'};
static const uint16_t wide[] = {'H', 0xE9, 'l', 'l', 0xD83D, 0xDE00};

static const struct xb_snap_prop ca_props[] = {
	{"CertCount", {PROPTYPE_LONG, .l = 2}, 0},
	{"SanitizedCAName", {PROPTYPE_STRING, .text = "Corp CA \xC3\xA9"}, 0},
	{"RawCACertificate.1", {PROPTYPE_BINARY, .bytes = der_bytes, .len = sizeof(der_bytes)}, 0},
};
static const struct xb_snap_prop request_props[] = {
	{"RequestID", {PROPTYPE_LONG, .l = -7}, 0},
	{"SubmittedWhen", {PROPTYPE_DATE, .date = 46350.3125}, 0},
	{"CommonName", {PROPTYPE_STRING, .text = ""}, 1},
};
static const struct xb_snap_prop cert_props[] = {
	{"RawCertificate", {PROPTYPE_BINARY, .bytes = der_bytes, .len = 0}, 0},
};
static const struct xb_snap_attr attrs[] = {{"ccm", "ws01", 0}, {"CertificateTemplate", "User", 1}};
static const struct xb_snap_ext exts[] = {{"1.2.3.4", EXTENSION_ORIGIN_ADMIN, ia5, sizeof(ia5), 0},
					  {"2.5.29.17", EXTENSION_CRITICAL_FLAG, ia5, 0, 1}};
static const struct xb_wire_setting settings[] = {{"Directory", REG_SZ, (const unsigned char *)"C\0:\0\0", 6},
						  {"Flags", REG_DWORD, (const unsigned char *)"\1\0\0\0", 4}};

static struct xb_snapshot event_snapshot(void)
{
	struct xb_snapshot s = {.kind = EXITEVENT_CERTISSUED, .context = 3, .has_certificate = 1, .derive_pending = 1,
				.module_location = "SYSTEM\\CurrentControlSet\\Services\\CertSvc\\X"};
	s.ca = (struct xb_snap_set){ca_props, 3};
	s.request = (struct xb_snap_set){request_props, 3};
	s.cert = (struct xb_snap_set){cert_props, 1};
	s.attrs = attrs, s.nattrs = 2;
	s.exts = exts, s.nexts = 2;
	return s;
}

static struct xb_snapshot ca_snapshot(void)
{
	struct xb_snapshot s = {0};
	s.ca = (struct xb_snap_set){ca_props, 3};
	return s;
}

static const char *const inject_specs[] = {"name=SerialNumber;method=SetContext,every=3", "random=0.5,seed=7"};

/* One request of every type. */
static size_t sample_requests(struct xb_bridge_request *q)
{
	size_t n = 0;
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_HELLO, .version = XB_BRIDGE_VERSION};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_LOAD, .path = "/tmp/m\xC3\xBC.dll", .progid = "M.Exit"};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_LOAD, .path = "C:\\m.dll", .clsid = "{1-2}"};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_INITIALIZE, .snap = ca_snapshot(), .config = "Corp CA",
					    .location = "SYSTEM\\X", .mask_sentinel = (LONG)0x8BADF00Du,
					    .settings = settings, .nsettings = 2};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_GET_DESCRIPTION, .snap = ca_snapshot()};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_GET_MANAGE_MODULE, .snap = ca_snapshot()};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_MANAGE_GET_PROPERTY, .snap = ca_snapshot(),
					    .manage_config = {wide, 6}, .manage_name = {wide, 0}, .manage_flags = 1};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_MANAGE_RELEASE, .snap = ca_snapshot()};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_NOTIFY, .snap = event_snapshot(),
					    .event = EXITEVENT_CERTISSUED, .context = 3};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_NOTIFY, .snap = ca_snapshot(), .event = EXITEVENT_CRLISSUED};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_RELEASE, .snap = ca_snapshot()};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_BYE};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_SHM, .path = "/dev/shm/exitbench-1-1"};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_INJECT, .specs = inject_specs, .nspecs = 2,
					    .seed = 0xFEDCBA9876543210ull};
	q[n++] = (struct xb_bridge_request){.type = XB_MSG_INJECT}; /* injection off */
	return n;
}

static const struct xb_call_record calls[] = {
	{0, 3, NULL, 0, S_OK, 0, 0, 0, 0},
	{1, 3, "SerialNumber", PROPTYPE_STRING, S_OK, 1, 5, 1, 0},
	{3, 3, "NotBefore", PROPTYPE_DATE, CERTSRV_E_PROPERTY_EMPTY, 0, 0, 0, 1},
	{7, 3, NULL, 0, S_OK, 1, 6, 0, 0},
};
static const uint32_t freed_earlier[] = {2, 3};
static const char *const warnings[] = {"the module does not export DllCanUnloadNow", ""};

/* One response of every type (and of every RESULT). */
static size_t sample_responses(struct xb_bridge_response *p)
{
	size_t n = 0;
	p[n++] = (struct xb_bridge_response){.type = XB_MSG_HELLO_OK, .version = 1, .pid = 32, .host = "h",
					     .bstr_tracking = 1};
	p[n++] = (struct xb_bridge_response){.type = XB_MSG_LOADED, .hr = CO_E_DLLNOTFOUND, .error = "no such file"};
	p[n++] = (struct xb_bridge_response){.type = XB_MSG_LOADED, .path = "Z:\\m.dll", .progid = "M.Exit",
					     .clsid = "{X}", .is_exit2 = 1, .qi_exit = 1, .warnings = warnings,
					     .nwarnings = 2};
	struct xb_bridge_response result = {.type = XB_MSG_RESULT, .hr = E_FAIL, .calls = calls, .ncalls = 4,
					    .freed_earlier = freed_earlier, .nfreed_earlier = 2, .servers_created = 2,
					    .servers_released = 1, .derive_triggered = 1};
	static const unsigned answers[] = {XB_MSG_INITIALIZE, XB_MSG_GET_DESCRIPTION, XB_MSG_GET_MANAGE_MODULE,
					   XB_MSG_MANAGE_GET_PROPERTY, XB_MSG_MANAGE_RELEASE, XB_MSG_NOTIFY,
					   XB_MSG_RELEASE};
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		p[n] = result;
		p[n].answers = answers[i];
		p[n].mask = 0x2FF;
		p[n].text = (struct xb_wire_wstr){wide, 6};
		p[n].vt = VT_BSTR;
		p[n].has_object = 1;
		p[n].refs = 1;
		p[n].can_unload = S_FALSE;
		n++;
	}
	p[n] = result;
	p[n].answers = XB_MSG_NOTIFY;
	p[n].hr = RPC_E_SERVERFAULT;
	p[n++].fault = (struct xb_fault){XB_FAULT_EXCEPTION, 0xC0000005u, 0x140001530ull, "access violation"};
	p[n] = result;
	p[n].answers = XB_MSG_MANAGE_GET_PROPERTY;
	p[n++].vt = VT_I4;
	p[n++] = (struct xb_bridge_response){.type = XB_MSG_BROKEN, .error = "bad"};
	p[n++] = (struct xb_bridge_response){.type = XB_MSG_SHM_READY};
	p[n++] = (struct xb_bridge_response){.type = XB_MSG_SHM_READY, .hr = E_ACCESSDENIED, .error = "no mapping"};
	p[n++] = (struct xb_bridge_response){.type = XB_MSG_INJECT_READY};
	p[n++] = (struct xb_bridge_response){.type = XB_MSG_INJECT_READY, .hr = E_INVALIDARG, .error = "bad --inject"};
	return n;
}

/* The encoded frame of each sample: body at +XB_WIRE_HEADER. */
struct frame {
	unsigned char *p;
	size_t n;
};

static size_t sample_frames(struct frame *out, int responses)
{
	struct xb_bridge_request q[24];
	struct xb_bridge_response r[24];
	size_t n = responses ? sample_responses(r) : sample_requests(q);
	for (size_t i = 0; i < n; i++) {
		struct xb_wbuf w = {0};
		int rc = responses ? xb_bridge_encode_response(&w, &r[i]) : xb_bridge_encode_request(&w, &q[i]);
		ck_assert_msg(rc == 0, "sample %zu does not encode", i);
		ck_assert_uint_eq(w.n - XB_WIRE_HEADER,
				  (size_t)w.p[0] | (size_t)w.p[1] << 8 | (size_t)w.p[2] << 16 | (size_t)w.p[3] << 24);
		out[i].p = w.p;
		out[i].n = w.n;
	}
	return n;
}

static void free_frames(struct frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].p);
}

/* Decodes a body; on success re-encodes it and returns the frame (to compare), else NULL with error. */
static struct xb_wbuf decode_encode(const unsigned char *body, size_t n, int responses, int *ok, char *error,
				    size_t errsize)
{
	struct xb_arena arena = {0};
	struct xb_wbuf w = {0};
	error[0] = 0;
	if (responses) {
		struct xb_bridge_response r;
		*ok = !xb_bridge_decode_response(body, n, &r, &arena, error, errsize);
		if (*ok)
			ck_assert_int_eq(xb_bridge_encode_response(&w, &r), 0);
	} else {
		struct xb_bridge_request q;
		*ok = !xb_bridge_decode_request(body, n, &q, &arena, error, errsize);
		if (*ok)
			ck_assert_int_eq(xb_bridge_encode_request(&w, &q), 0);
	}
	xb_arena_free(&arena);
	return w;
}

/* ---- encoding and decoding ------------------------------------------------- */

static void round_trip(int responses)
{
	struct frame f[24];
	size_t n = sample_frames(f, responses);
	for (size_t i = 0; i < n; i++) {
		int ok;
		char error[256];
		struct xb_wbuf w = decode_encode(f[i].p + XB_WIRE_HEADER, f[i].n - XB_WIRE_HEADER, responses, &ok, error,
						 sizeof(error));
		ck_assert_msg(ok, "sample %zu: %s", i, error);
		ck_assert_msg(w.n == f[i].n && !memcmp(w.p, f[i].p, w.n), "sample %zu changes in a round trip", i);
		xb_wbuf_free(&w);
	}
	free_frames(f, n);
}

START_TEST(request_round_trip)
{
	round_trip(0);
}
END_TEST

START_TEST(response_round_trip)
{
	round_trip(1);
}
END_TEST

START_TEST(decoded_values)
{
	struct xb_bridge_request q[24];
	sample_requests(q);
	struct xb_wbuf w = {0};
	ck_assert_int_eq(xb_bridge_encode_request(&w, &q[8]), 0); /* the NOTIFY with an event */
	struct xb_arena arena = {0};
	struct xb_bridge_request d;
	char error[256];
	ck_assert_int_eq(xb_bridge_decode_request(w.p + 4, w.n - 4, &d, &arena, error, sizeof(error)), 0);
	ck_assert_uint_eq(d.type, XB_MSG_NOTIFY);
	ck_assert_int_eq(d.event, EXITEVENT_CERTISSUED);
	ck_assert_int_eq(d.snap.context, 3);
	ck_assert_int_eq(d.snap.has_certificate, 1);
	ck_assert_int_eq(d.snap.derive_pending, 1);
	ck_assert_str_eq(d.snap.module_location, q[8].snap.module_location);
	ck_assert_uint_eq(d.snap.ca.n, 3);
	ck_assert_str_eq(d.snap.ca.items[1].value.text, "Corp CA \xC3\xA9");
	ck_assert_uint_eq(d.snap.ca.items[2].value.len, sizeof(der_bytes));
	ck_assert_int_eq(d.snap.request.items[0].value.l, -7);
	ck_assert(d.snap.request.items[1].value.date == 46350.3125);
	ck_assert_int_eq(d.snap.request.items[2].derived, 1);
	ck_assert_str_eq(d.snap.request.items[2].value.text, "");
	ck_assert_ptr_nonnull(d.snap.cert.items[0].value.bytes); /* never NULL, even empty */
	ck_assert_str_eq(d.snap.attrs[1].name, "CertificateTemplate");
	ck_assert_int_eq(d.snap.exts[1].flags, EXTENSION_CRITICAL_FLAG);
	ck_assert_uint_eq(d.snap.exts[0].len, sizeof(ia5));
	xb_arena_free(&arena);
	/* A NULL UTF-16 string stays NULL; an empty one is empty, not NULL. */
	ck_assert_int_eq(xb_bridge_encode_request(&w, &q[6]), 0);
	ck_assert_int_eq(xb_bridge_decode_request(w.p + 4, w.n - 4, &d, &arena, error, sizeof(error)), 0);
	ck_assert_uint_eq(d.manage_config.n, 6);
	ck_assert_uint_eq(d.manage_config.units[4], 0xD83D);
	ck_assert_uint_eq(d.manage_config.units[6], 0);
	ck_assert_ptr_null(d.manage_location.units);
	ck_assert_ptr_nonnull(d.manage_name.units);
	ck_assert_uint_eq(d.manage_name.n, 0);
	xb_arena_free(&arena);
	/* INJECT: the specifications as given, in order, and all 64 bits of the seed. */
	ck_assert_int_eq(xb_bridge_encode_request(&w, &q[13]), 0);
	ck_assert_int_eq(xb_bridge_decode_request(w.p + 4, w.n - 4, &d, &arena, error, sizeof(error)), 0);
	ck_assert_uint_eq(d.type, XB_MSG_INJECT);
	ck_assert_uint_eq(d.nspecs, 2);
	ck_assert_str_eq(d.specs[0], inject_specs[0]);
	ck_assert_str_eq(d.specs[1], inject_specs[1]);
	ck_assert(d.seed == 0xFEDCBA9876543210ull);
	xb_arena_free(&arena);
	xb_wbuf_free(&w);
}
END_TEST

/* Every proper prefix of every message is refused, with a sentence saying where. */
static void truncations(int responses)
{
	struct frame f[24];
	size_t n = sample_frames(f, responses);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *body = f[i].p + XB_WIRE_HEADER;
		size_t len = f[i].n - XB_WIRE_HEADER;
		for (size_t cut = 0; cut < len; cut++) {
			int ok;
			char error[256];
			struct xb_wbuf w = decode_encode(body, cut, responses, &ok, error, sizeof(error));
			ck_assert_msg(!ok, "sample %zu cut to %zu of %zu bytes decodes", i, cut, len);
			ck_assert_msg(strstr(error, "truncated") || strstr(error, "malformed"),
				      "sample %zu cut at %zu: \"%s\"", i, cut, error);
			xb_wbuf_free(&w);
		}
	}
	free_frames(f, n);
}

START_TEST(request_truncated)
{
	truncations(0);
}
END_TEST

START_TEST(response_truncated)
{
	truncations(1);
}
END_TEST

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * Random corruption: a decoder either refuses the bytes with a reason or
 * accepts them, and what it accepts encodes back to exactly those bytes
 * (the encoding is canonical: nothing a decoder accepts is ambiguous).
 * The sanitizer and Valgrind builds catch any read out of bounds.
 */
static void corruptions(int responses)
{
	struct frame f[24];
	size_t n = sample_frames(f, responses);
	size_t refused = 0, accepted = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = f[i].n - XB_WIRE_HEADER;
		unsigned char *body = malloc(len);
		for (int round = 0; round < 3000; round++) {
			memcpy(body, f[i].p + XB_WIRE_HEADER, len);
			int flips = 1 + (int)(next_random() % 3);
			for (int k = 0; k < flips; k++) {
				size_t at = next_random() % len;
				uint64_t how = next_random();
				/* small values hit flags, lengths and counts where the damage is subtle */
				body[at] = how & 1 ? (unsigned char)(how >> 8) : (unsigned char)((how >> 8) % 4);
			}
			int ok;
			char error[256];
			struct xb_wbuf w = decode_encode(body, len, responses, &ok, error, sizeof(error));
			if (ok) {
				accepted++;
				ck_assert_msg(w.n == len + XB_WIRE_HEADER && !memcmp(w.p + XB_WIRE_HEADER, body, len),
					      "sample %zu, round %d: an accepted message does not encode back", i, round);
			} else {
				refused++;
				ck_assert_msg(error[0], "sample %zu, round %d: refused without a reason", i, round);
			}
			xb_wbuf_free(&w);
		}
		free(body);
	}
	ck_assert_uint_gt(refused, 0);
	ck_assert_uint_gt(accepted, 0);
	free_frames(f, n);
}

START_TEST(request_corrupted)
{
	corruptions(0);
}
END_TEST

START_TEST(response_corrupted)
{
	corruptions(1);
}
END_TEST

START_TEST(frame_lengths)
{
	char error[200];
	ck_assert_int_eq(xb_bridge_check_length(1, error, sizeof(error)), 0);
	ck_assert_int_eq(xb_bridge_check_length(XB_WIRE_MAX_MESSAGE, error, sizeof(error)), 0);
	ck_assert_int_eq(xb_bridge_check_length(0, error, sizeof(error)), -1);
	ck_assert_ptr_nonnull(strstr(error, "empty"));
	ck_assert_int_eq(xb_bridge_check_length(XB_WIRE_MAX_MESSAGE + 1, error, sizeof(error)), -1);
	ck_assert_ptr_nonnull(strstr(error, "oversized"));
	ck_assert_int_eq(xb_bridge_check_length(0xFFFFFFFFu, error, sizeof(error)), -1);
	/* an encoder refuses to build what a decoder would refuse */
	struct xb_wbuf w = {0};
	unsigned char *big = calloc(1, XB_WIRE_MAX_MESSAGE);
	struct xb_wire_setting huge = {"x", REG_BINARY, big, XB_WIRE_MAX_MESSAGE};
	struct xb_bridge_request q = {.type = XB_MSG_INITIALIZE, .config = "", .location = "", .settings = &huge,
				      .nsettings = 1};
	ck_assert_int_eq(xb_bridge_encode_request(&w, &q), -1);
	ck_assert_int_eq(w.failed, 1);
	free(big);
	xb_wbuf_free(&w);
}
END_TEST

/* Decodes hand-made bytes; the error must contain want. */
static void refuse(const unsigned char *body, size_t n, int responses, const char *want)
{
	int ok;
	char error[256];
	struct xb_wbuf w = decode_encode(body, n, responses, &ok, error, sizeof(error));
	ck_assert_msg(!ok, "accepted; wanted \"%s\"", want);
	ck_assert_msg(strstr(error, want) != NULL, "\"%s\" does not say \"%s\"", error, want);
	xb_wbuf_free(&w);
}

START_TEST(malformed)
{
	/* types: unknown, or from the other direction */
	refuse((const unsigned char *)"\x55", 1, 0, "0x55 is not in the protocol");
	refuse((const unsigned char *)"\x83", 1, 0, "RESULT is a response, not a request");
	refuse((const unsigned char *)"\x08", 1, 1, "NOTIFY is a request, not a response");
	/* HELLO with another magic number */
	refuse((const unsigned char *)"\x01xbhq\x01\0\0\0", 9, 0, "magic number");
	/* LOAD: a path with a NUL, a path that is not UTF-8, an optional flag of 2 */
	refuse((const unsigned char *)"\x02\x03\0\0\0a\0b\0\0", 10, 0, "holds a NUL");
	refuse((const unsigned char *)"\x02\x02\0\0\0\xC0\xAF\0\0", 9, 0, "not UTF-8");
	refuse((const unsigned char *)"\x02\x01\0\0\0a\x02", 7, 0, "not 0 or 1");
	/* a count no message could hold: refused before anything is allocated */
	refuse((const unsigned char *)"\x04\0\0\0\0\0\0\0\0\0\0\xFF\xFF\xFF\xFF", 15, 0, "more than");
	/* snapshot flags: undefined bits; an event claimed without its context */
	refuse((const unsigned char *)"\x04\x80", 2, 0, "undefined bits");
	refuse((const unsigned char *)"\x04\x02\0\0\0\0\0\0\0\0", 10, 0, "not there");
	refuse((const unsigned char *)"\x04\x01\0\0\0\0\0\0\0\0\0\0\0\0\0", 15, 0, "is 0 for an event in flight");
	/* a property type that is no PROPTYPE_* */
	static const unsigned char bad_type[25] = {0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9};
	refuse(bad_type, sizeof(bad_type), 0, "no PROPTYPE_*");
	/* a byte left over */
	refuse((const unsigned char *)"\x0A\x00", 2, 0, "1 byte after the end of BYE");
	/* RESULT: answering a request that calls no module; a method past the table; a BSTR freed but never handed */
	refuse((const unsigned char *)"\x83\x01", 2, 1, "calls no module");
	static const unsigned char bad_method[39] = {0x83, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 12};
	refuse(bad_method, sizeof(bad_method), 1, "no ICertServerExit method");
	static const unsigned char freed[39] = {0x83, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
						0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};
	refuse(freed, sizeof(freed), 1, "never handed out");
	/* a handed-out BSTR without its number, a number without a BSTR, a freed number 0 */
	static const unsigned char unnumbered[39] = {0x83, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
						     0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
	refuse(unnumbered, sizeof(unnumbered), 1, "is 0 for a BSTR handed out");
	static const unsigned char numbered[39] = {0x83, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
						   0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 9};
	refuse(numbered, sizeof(numbered), 1, "handed none out");
	static const unsigned char zero_freed[28] = {0x83, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
						     1,    0,    0, 0};
	refuse(zero_freed, sizeof(zero_freed), 1, "freed BSTR number 0");
	/* a fault kind the protocol does not have */
	refuse((const unsigned char *)"\x83\x08\0\0\0\0\x07", 7, 1, "fault kind 7");
	/* a property VARIANT that is not VT_BSTR with text */
	static const unsigned char vt_text[] = {0x83, 0x06, 0, 0, 0, 0, /* fault */ 0, 0, 0, 0, 0, 0, 0, 0, 0,
						/* derive */ 0, /* calls */ 0, 0, 0, 0, /* freed */ 0, 0, 0, 0,
						/* vt */ 3, 0, /* text */ 1, 0, 0, 0, 0};
	refuse(vt_text, sizeof(vt_text), 1, "comes with text");
}
END_TEST

START_TEST(method_names)
{
	ck_assert_str_eq(xb_bridge_method_name(0), "SetContext");
	ck_assert_str_eq(xb_bridge_method_name(11), "EnumerateAttributesClose");
	ck_assert_ptr_null(xb_bridge_method_name(12));
	for (unsigned i = 0; i < XB_BRIDGE_METHOD_COUNT; i++)
		ck_assert_int_eq(xb_bridge_method_index(xb_bridge_method_name(i)), (int)i);
	ck_assert_int_eq(xb_bridge_method_index("Release"), -1);
	ck_assert_int_eq(xb_bridge_method_index(NULL), -1);
	ck_assert_str_eq(xb_bridge_type_name(XB_MSG_NOTIFY), "NOTIFY");
	ck_assert_ptr_null(xb_bridge_type_name(0));
}
END_TEST

/* ---- the snapshot server against the engine's server ----------------------- */

/* One server call as either side reports it. */
struct seen {
	char method[40];
	LONG context;
	char name[160];
	int named;
	LONG type;
	HRESULT hr;
	int handed;
};

static struct seen engine_seen[4096], snap_seen[4096];
static size_t nengine_seen, nsnap_seen;

static void note(struct seen *list, size_t *n, const char *method, LONG context, const char *name, LONG type,
		 HRESULT hr, int handed)
{
	ck_assert_uint_lt(*n, 4096);
	struct seen *s = &list[(*n)++];
	snprintf(s->method, sizeof(s->method), "%s", method);
	s->context = context;
	s->named = name != NULL;
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	s->type = type;
	s->hr = hr;
	s->handed = handed;
}

static void engine_observer(void *ctx, const struct xb_server_call *call)
{
	(void)ctx;
	note(engine_seen, &nengine_seen, call->method, call->context, call->name, call->type, call->hr,
	     call->bstr != NULL);
}

static void snap_observer(void *ctx, const struct xb_call_record *call, BSTR handed)
{
	(void)ctx;
	ck_assert_int_eq(call->handed, handed != NULL);
	note(snap_seen, &nsnap_seen, xb_bridge_method_name(call->method), call->context, call->name, call->type,
	     call->hr, call->handed);
}

/* The two objects a script runs against, and where the first difference was. */
struct pair {
	ICertServerExit *real, *snap;
	const char *where; /* the event being compared, for messages */
	size_t steps;
};

static void same_variant(struct pair *p, const char *what, HRESULT hr1, const VARIANT *a, HRESULT hr2,
			 const VARIANT *b)
{
	ck_assert_msg(hr1 == hr2, "%s: %s: engine 0x%08X, snapshot 0x%08X", p->where, what, (unsigned)hr1,
		      (unsigned)hr2);
	ck_assert_msg(V_VT(a) == V_VT(b), "%s: %s: VARIANT type %u, snapshot %u", p->where, what, V_VT(a), V_VT(b));
	switch (V_VT(a)) {
	case VT_I4:
		ck_assert_msg(V_I4(a) == V_I4(b), "%s: %s: %d, snapshot %d", p->where, what, V_I4(a), V_I4(b));
		break;
	case VT_DATE:
		ck_assert_msg(!memcmp(&V_DATE(a), &V_DATE(b), sizeof(DATE)), "%s: %s: dates differ", p->where, what);
		break;
	case VT_BSTR:
		ck_assert_msg(SysStringByteLen(V_BSTR(a)) == SysStringByteLen(V_BSTR(b)) &&
				      !memcmp(V_BSTR(a), V_BSTR(b), SysStringByteLen(V_BSTR(a))),
			      "%s: %s: the BSTRs differ", p->where, what);
		break;
	default:
		break;
	}
	p->steps++;
}

static void same_bstr(struct pair *p, const char *what, HRESULT hr1, BSTR a, HRESULT hr2, BSTR b)
{
	VARIANT va, vb;
	VariantInit(&va), VariantInit(&vb);
	if (a)
		V_VT(&va) = VT_BSTR, V_BSTR(&va) = a;
	if (b)
		V_VT(&vb) = VT_BSTR, V_BSTR(&vb) = b;
	same_variant(p, what, hr1, &va, hr2, &vb);
	SysFreeString(a);
	SysFreeString(b);
}

/* Get{Request,Certificate}Property and GetCertificateExtension of one name, every type, on both. */
static void compare_get(struct pair *p, int which, const char *name)
{
	static const LONG types[] = {PROPTYPE_LONG, PROPTYPE_DATE, PROPTYPE_BINARY, PROPTYPE_STRING, 0};
	BSTR b = NULL;
	if (name)
		ck_assert_int_eq(xb_bstr_from_utf8(name, strlen(name), &b, NULL), S_OK);
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		VARIANT v1, v2;
		HRESULT h1, h2;
		char what[300];
		snprintf(what, sizeof(what), "%s(%s, %ld)",
			 which == 0 ? "GetRequestProperty" : which == 1 ? "GetCertificateProperty" : "GetCertificateExtension",
			 name ? name : "NULL", (long)types[t]);
		if (which == 0) {
			h1 = ICertServerExit_GetRequestProperty(p->real, b, types[t], &v1);
			h2 = ICertServerExit_GetRequestProperty(p->snap, b, types[t], &v2);
		} else if (which == 1) {
			h1 = ICertServerExit_GetCertificateProperty(p->real, b, types[t], &v1);
			h2 = ICertServerExit_GetCertificateProperty(p->snap, b, types[t], &v2);
		} else {
			h1 = ICertServerExit_GetCertificateExtension(p->real, b, types[t], &v1);
			h2 = ICertServerExit_GetCertificateExtension(p->snap, b, types[t], &v2);
			LONG f1 = -1, f2 = -2;
			HRESULT g1 = ICertServerExit_GetCertificateExtensionFlags(p->real, &f1);
			HRESULT g2 = ICertServerExit_GetCertificateExtensionFlags(p->snap, &f2);
			ck_assert_msg(g1 == g2 && f1 == f2, "%s: flags after %s: %ld, snapshot %ld", p->where, what,
				      (long)f1, (long)f2);
		}
		same_variant(p, what, h1, &v1, h2, &v2);
		VariantClear(&v1);
		VariantClear(&v2);
	}
	SysFreeString(b);
}

static void compare_attribute(struct pair *p, const char *name)
{
	BSTR b = NULL, v1 = NULL, v2 = NULL;
	if (name)
		ck_assert_int_eq(xb_bstr_from_utf8(name, strlen(name), &b, NULL), S_OK);
	HRESULT h1 = ICertServerExit_GetRequestAttribute(p->real, b, &v1);
	HRESULT h2 = ICertServerExit_GetRequestAttribute(p->snap, b, &v2);
	char what[200];
	snprintf(what, sizeof(what), "GetRequestAttribute(%s)", name ? name : "NULL");
	same_bstr(p, what, h1, v1, h2, v2);
	SysFreeString(b);
}

/* Both enumerations to their end and past it, and their misuse. */
static void compare_enumerations(struct pair *p)
{
	for (int ext = 0; ext < 2; ext++) {
		HRESULT (*setup)(ICertServerExit *, LONG) = ext ? p->real->lpVtbl->EnumerateExtensionsSetup
								 : p->real->lpVtbl->EnumerateAttributesSetup;
		HRESULT (*next)(ICertServerExit *, BSTR *) = ext ? p->real->lpVtbl->EnumerateExtensions
								  : p->real->lpVtbl->EnumerateAttributes;
		HRESULT (*close)(ICertServerExit *) = ext ? p->real->lpVtbl->EnumerateExtensionsClose
							   : p->real->lpVtbl->EnumerateAttributesClose;
		HRESULT (*setup2)(ICertServerExit *, LONG) = ext ? p->snap->lpVtbl->EnumerateExtensionsSetup
								  : p->snap->lpVtbl->EnumerateAttributesSetup;
		HRESULT (*next2)(ICertServerExit *, BSTR *) = ext ? p->snap->lpVtbl->EnumerateExtensions
								   : p->snap->lpVtbl->EnumerateAttributes;
		HRESULT (*close2)(ICertServerExit *) = ext ? p->snap->lpVtbl->EnumerateExtensionsClose
							    : p->snap->lpVtbl->EnumerateAttributesClose;
		BSTR a = NULL, b = NULL;
		same_bstr(p, "next before setup", next(p->real, &a), a, next2(p->snap, &b), b);
		same_bstr(p, "close before setup", close(p->real), NULL, close2(p->snap), NULL);
		same_bstr(p, "setup(1)", setup(p->real, 1), NULL, setup2(p->snap, 1), NULL);
		same_bstr(p, "setup(0)", setup(p->real, 0), NULL, setup2(p->snap, 0), NULL);
		for (int i = 0; i < 64; i++) {
			a = b = NULL;
			HRESULT h1 = next(p->real, &a), h2 = next2(p->snap, &b);
			same_bstr(p, ext ? "EnumerateExtensions" : "EnumerateAttributes", h1, a, h2, b);
			if (h1 != S_OK)
				break;
		}
		a = b = NULL;
		same_bstr(p, "next after the end", next(p->real, &a), a, next2(p->snap, &b), b);
		same_bstr(p, "next(NULL)", next(p->real, NULL), NULL, next2(p->snap, NULL), NULL);
		same_bstr(p, "close", close(p->real), NULL, close2(p->snap), NULL);
		same_bstr(p, "close again", close(p->real), NULL, close2(p->snap), NULL);
	}
}

/* Names worth asking for: the event's own, their spellings, and names that are not there. */
static void compare_names(struct pair *p, const struct xb_event *ev, const struct xb_props *ca, int which)
{
	static const char *const extra[] = {"CN", "commonname", "Subject.CommonName", "2.5.4.3", "Request.CommonName",
					    "Request.RequestID", "E", "OU", "Subject.OU", "DistinguishedName",
					    "RequestID", "NoSuchProperty", "ModuleRegistryLocation", "CertCount",
					    "CRLState", "CRLIndex", "RawCACertificate", "CertState.0", "SanitizedCAName",
					    "Request.", "Subject.", "", NULL};
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		compare_get(p, which, extra[i]);
	const struct xb_props *sets[] = {&ev->request, &ev->cert, ca};
	for (size_t s = 0; s < 3; s++)
		for (size_t i = 0; i < sets[s]->n; i++)
			compare_get(p, which, sets[s]->items[i].name);
}

static void compare_event_calls(struct pair *p, const struct xb_event *ev, const struct xb_props *ca)
{
	compare_names(p, ev, ca, 0);
	compare_names(p, ev, ca, 1);
	for (size_t i = 0; i < ev->attrs.n; i++) {
		char spelled[200];
		compare_attribute(p, ev->attrs.items[i].name);
		snprintf(spelled, sizeof(spelled), " -%s-", ev->attrs.items[i].name);
		for (char *c = spelled; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		compare_attribute(p, spelled);
	}
	compare_attribute(p, "NoSuchAttribute");
	compare_attribute(p, NULL);
	compare_attribute(p, "");
	for (size_t i = 0; i < ev->exts.n; i++)
		compare_get(p, 2, ev->exts.items[i].oid);
	compare_get(p, 2, "1.2.3.4.5.6.7");
	compare_enumerations(p);
	/* NULL out pointers */
	BSTR name = SysAllocString(OLESTR("RequestID"));
	same_bstr(p, "GetRequestProperty(out NULL)", ICertServerExit_GetRequestProperty(p->real, name, PROPTYPE_LONG, NULL),
		  NULL, ICertServerExit_GetRequestProperty(p->snap, name, PROPTYPE_LONG, NULL), NULL);
	same_bstr(p, "GetRequestAttribute(out NULL)", ICertServerExit_GetRequestAttribute(p->real, name, NULL), NULL,
		  ICertServerExit_GetRequestAttribute(p->snap, name, NULL), NULL);
	same_bstr(p, "GetCertificateExtensionFlags(NULL)", ICertServerExit_GetCertificateExtensionFlags(p->real, NULL),
		  NULL, ICertServerExit_GetCertificateExtensionFlags(p->snap, NULL), NULL);
	SysFreeString(name);
}

/* Events whose snapshot had a failed derivation, and those where the module needed it: both must occur. */
static size_t pending_seen, triggered_seen, steps_seen;

/* Serves one event from both servers, as a bridged module would see it, and compares everything. */
static void compare_event(struct xb_engine *engine, struct xb_event *ev, const char *where, int minimal)
{
	LONG context;
	ck_assert_int_eq(xb_engine_begin_event(engine, ev, &context, NULL), S_OK);
	/* The bridge's way: snapshot, encoded and decoded, into a snapshot host. */
	struct xb_snap_source source = {0};
	ck_assert_int_eq(xb_snap_source_build(&source, engine, ev->kind, context), S_OK);
	struct xb_bridge_request q = {.type = XB_MSG_NOTIFY, .snap = source.snap, .event = ev->kind, .context = context};
	struct xb_wbuf w = {0};
	ck_assert_int_eq(xb_bridge_encode_request(&w, &q), 0);
	struct xb_arena arena = {0};
	struct xb_bridge_request d;
	char error[256];
	ck_assert_msg(!xb_bridge_decode_request(w.p + 4, w.n - 4, &d, &arena, error, sizeof(error)), "%s", error);
	struct xb_snap_hooks hooks = {NULL, snap_observer, NULL};
	struct xb_snap_host *host = xb_snap_host_new(&hooks);
	ck_assert_ptr_nonnull(host);
	xb_snap_host_begin(host, &d.snap);

	struct pair p = {.where = where};
	ck_assert_int_eq(CoCreateInstance(&CLSID_CCertServerExit, NULL, CLSCTX_INPROC_SERVER, &IID_ICertServerExit,
					  (void **)&p.real),
			 S_OK);
	ck_assert_int_eq(xb_snap_server_create(host, &IID_ICertServerExit, (void **)&p.snap), S_OK);
	nengine_seen = nsnap_seen = 0;
	xb_engine_set_observer(engine, engine_observer, NULL);

	const struct xb_props *ca = xb_engine_lock_ca(engine);
	struct xb_props ca_copy = {0};
	ck_assert_int_eq(xb_props_copy(&ca_copy, ca), S_OK);
	xb_engine_unlock(engine);

	/* Before SetContext: context 0, the CA's; request calls are refused. */
	compare_get(&p, 0, "RequestID");
	if (!minimal)
		compare_names(&p, ev, &ca_copy, 1);
	same_bstr(&p, "SetContext(other)", ICertServerExit_SetContext(p.real, context + 1000), NULL,
		  ICertServerExit_SetContext(p.snap, context + 1000), NULL);
	same_bstr(&p, "SetContext", ICertServerExit_SetContext(p.real, context), NULL,
		  ICertServerExit_SetContext(p.snap, context), NULL);
	if (minimal) /* only what the trace gives: no derivation needed */
		compare_get(&p, 0, "RequestID"), compare_get(&p, 0, "Request.CommonName"), compare_get(&p, 1, "RequestID");
	else
		compare_event_calls(&p, ev, &ca_copy);
	same_bstr(&p, "SetContext(0)", ICertServerExit_SetContext(p.real, 0), NULL, ICertServerExit_SetContext(p.snap, 0),
		  NULL);
	compare_get(&p, 1, "ModuleRegistryLocation");
	compare_get(&p, 0, "RequestID");

	/* The same calls were reported, with the same BSTRs handed out. */
	ck_assert_msg(nengine_seen == nsnap_seen, "%s: %zu calls reported, snapshot %zu", where, nengine_seen,
		      nsnap_seen);
	for (size_t i = 0; i < nengine_seen; i++) {
		const struct seen *a = &engine_seen[i], *b = &snap_seen[i];
		ck_assert_msg(!strcmp(a->method, b->method) && a->context == b->context && a->named == b->named &&
				      !strcmp(a->name, b->name) && a->type == b->type && a->hr == b->hr &&
				      a->handed == b->handed,
			      "%s: call %zu: %s(%s) ctx %ld type %ld 0x%08X handed %d; snapshot %s(%s) ctx %ld type %ld 0x%08X "
			      "handed %d",
			      where, i, a->method, a->name, (long)a->context, (long)a->type, (unsigned)a->hr, a->handed,
			      b->method, b->name, (long)b->context, (long)b->type, (unsigned)b->hr, b->handed);
	}
	/* A derivation the engine could not do is the trace's error exactly when the module needed it. */
	xb_error derive;
	HRESULT derive_hr = xb_engine_take_error(engine, &derive);
	ck_assert_msg(FAILED(derive_hr) == (d.snap.derive_pending && xb_snap_host_derive_triggered(host)),
		      "%s: engine derivation 0x%08X, snapshot pending %d triggered %d", where, (unsigned)derive_hr,
		      d.snap.derive_pending, xb_snap_host_derive_triggered(host));
	ck_assert_uint_eq(xb_snap_host_created(host), 1);
	pending_seen += d.snap.derive_pending;
	triggered_seen += d.snap.derive_pending && xb_snap_host_derive_triggered(host);
	steps_seen += p.steps;
	xb_engine_set_observer(engine, NULL, NULL);
	xb_snap_host_end(host);
	/* After Notify: the context is gone for both. */
	compare_get(&p, 0, "RequestID");
	ck_assert_uint_eq(ICertServerExit_Release(p.snap), 0);
	ck_assert_uint_eq(xb_snap_host_released(host), 1);
	ck_assert_uint_eq(xb_snap_host_live(host), 0);
	ICertServerExit_Release(p.real);
	xb_snap_host_free(host);
	xb_engine_end_event(engine, context);
	xb_props_free(&ca_copy);
	xb_arena_free(&arena);
	xb_wbuf_free(&w);
	xb_snap_source_free(&source);
}

/* Every event of a trace through compare_event. Returns how many were compared. */
static size_t compare_trace(const char *path)
{
	struct xb_trace *t = NULL;
	xb_error err;
	xb_error_init(&err, path);
	ck_assert_msg(xb_trace_open(path, &t, &err) == S_OK, "%s: %s", path, err.text);
	struct xb_engine *engine = NULL;
	ck_assert_int_eq(xb_engine_new(xb_trace_config(t), xb_trace_ca(t), &engine, NULL), S_OK);
	xb_engine_set_module_location("SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\CA\\ExitModules\\T.Exit");
	size_t n = 0;
	for (;;) {
		struct xb_event ev;
		HRESULT hr = xb_trace_next(t, &ev, &err);
		if (hr == S_FALSE)
			break;
		ck_assert_msg(hr == S_OK, "%s: %s", path, err.text);
		char where[1200];
		snprintf(where, sizeof(where), "%s line %zu", path, ev.line);
		if (xb_event_has_request(ev.kind))
			compare_event(engine, &ev, where, 0);
		xb_event_free(&ev);
		n++;
	}
	xb_engine_set_module_location(NULL);
	xb_engine_free(engine);
	xb_trace_close(t);
	return n;
}

START_TEST(server_matches_engine_traces)
{
	static const char *const traces[] = {XB_TRACES_DIR "/valid/basic.jsonl", XB_TRACES_DIR "/valid/pem.jsonl",
					     XB_TRACES_DIR "/valid/filepublish-hold.jsonl", XB_DEMO_TRACE};
	size_t events = 0;
	for (size_t i = 0; i < sizeof(traces) / sizeof(traces[0]); i++)
		events += compare_trace(traces[i]);
	ck_assert_uint_gt(events, 10);
}
END_TEST

/* Events made here: every kind of value, requests of every format, and derivations that fail. */
START_TEST(server_matches_engine_edges)
{
	struct xb_props ca = {0};
	ck_assert_int_eq(xb_props_put_long(&ca, "CertCount", 2, XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_long(&ca, "CRLState.1", 4, XB_PUT_REPLACE), S_OK);
	ck_assert_int_eq(xb_props_put_date(&ca, "CRLNextPublish", 46000.25, XB_PUT_REPLACE), S_OK);
	struct xb_engine *engine = NULL;
	ck_assert_int_eq(xb_engine_new("Corp CA", &ca, &engine, NULL), S_OK);
	xb_props_free(&ca);
	static const char *const requests[] = {"req.der", "req-cmc.der", "req-keygen.der", "req-pkcs7.der", NULL};
	static const unsigned char gtime[] = {0x18, 0x0F, '2', '0', '2', '6', '1', '1', '2', '4',
					      '0', '7', '4', '3', '3', '7', 'Z'};
	static const unsigned char integer[] = {0x02, 0x02, 0xFF, 0x7F};
	for (int corrupt = 0; corrupt < 4; corrupt++) {
		for (size_t r = 0; r < sizeof(requests) / sizeof(requests[0]); r++) {
			struct xb_event ev = {.kind = r == 1 ? EXITEVENT_CERTPENDING : EXITEVENT_CERTISSUED, .line = r + 1};
			size_t len;
			unsigned char *der;
			if (ev.kind == EXITEVENT_CERTISSUED) {
				der = xb_read_fixture("leaf.der", &len);
				if (corrupt & 1)
					der[len / 2] ^= 0xFF, len -= 7; /* the certificate cannot be derived */
				ck_assert_int_eq(xb_props_put_binary(&ev.cert, "RawCertificate", der, len, XB_PUT_REPLACE), S_OK);
				free(der);
			}
			if (requests[r]) {
				der = xb_read_fixture(requests[r], &len);
				if (corrupt & 2)
					len /= 2; /* nor can the request */
				ck_assert_int_eq(xb_props_put_binary(&ev.request, "RawRequest", der, len, XB_PUT_REPLACE), S_OK);
				free(der);
			}
			ck_assert_int_eq(xb_props_put_long(&ev.request, "RequestID", 40 + (LONG)r, XB_PUT_REPLACE), S_OK);
			ck_assert_int_eq(xb_props_put_string(&ev.request, "RequestAttributes",
							     "ccm: ws01\nCertificateTemplate:User\nbad line\n", XB_PUT_REPLACE),
					 S_OK);
			ck_assert_int_eq(xb_props_put_string(&ev.request, "CommonName", "explicit", XB_PUT_REPLACE), S_OK);
			ck_assert_int_eq(xb_props_put_date(&ev.request, "SubmittedWhen", 46000.5, XB_PUT_REPLACE), S_OK);
			ck_assert_int_eq(xb_props_put_string(&ev.attrs, "Req-Attr", "v", XB_PUT_REPLACE), S_OK);
			ck_assert_int_eq(xb_exts_put(&ev.exts, "1.2.3.4", EXTENSION_ORIGIN_ADMIN, gtime, sizeof(gtime),
						     XB_PUT_REPLACE), S_OK);
			ck_assert_int_eq(xb_exts_put(&ev.exts, "1.2.3.5", 0, integer, sizeof(integer), XB_PUT_REPLACE), S_OK);
			char where[200];
			snprintf(where, sizeof(where), "edge event %zu, corruption %d", r, corrupt);
			for (int minimal = 1; minimal >= 0; minimal--) {
				struct xb_event copy = {.kind = ev.kind, .line = ev.line};
				ck_assert_int_eq(xb_props_copy(&copy.request, &ev.request), S_OK);
				ck_assert_int_eq(xb_props_copy(&copy.cert, &ev.cert), S_OK);
				ck_assert_int_eq(xb_props_copy(&copy.attrs, &ev.attrs), S_OK);
				for (size_t i = 0; i < ev.exts.n; i++)
					ck_assert_int_eq(xb_exts_put(&copy.exts, ev.exts.items[i].oid, ev.exts.items[i].flags,
								     ev.exts.items[i].value, ev.exts.items[i].len,
								     XB_PUT_REPLACE), S_OK);
				compare_event(engine, &copy, where, minimal);
				xb_event_free(&copy);
			}
			xb_event_free(&ev);
		}
	}
	ck_assert_uint_gt(pending_seen, triggered_seen); /* some modules needed the failed derivation, some did not */
	ck_assert_uint_gt(triggered_seen, 0);
	ck_assert_uint_gt(steps_seen, 1000);
	xb_engine_free(engine);
}
END_TEST

/* A module's call with the context of the event in flight, after its Notify returned, or without any snapshot. */
START_TEST(host_begin_end)
{
	struct xb_snap_host *h = xb_snap_host_new(NULL);
	ICertServerExit *s = NULL;
	ck_assert_int_eq(IClassFactory_CreateInstance(xb_snap_host_factory(h), NULL, &IID_ICertServerExit, (void **)&s),
			 S_OK);
	void *agg = (void *)1;
	ck_assert_int_eq(IClassFactory_CreateInstance(xb_snap_host_factory(h), (IUnknown *)s, &IID_IUnknown, &agg),
			 CLASS_E_NOAGGREGATION);
	ck_assert_ptr_null(agg);
	VARIANT v;
	BSTR name = SysAllocString(OLESTR("CertCount"));
	/* Nothing shipped yet: context 0 has no properties, no context is in flight. */
	ck_assert_int_eq(ICertServerExit_GetCertificateProperty(s, name, PROPTYPE_LONG, &v), CERTSRV_E_PROPERTY_EMPTY);
	ck_assert_int_eq(ICertServerExit_SetContext(s, 3), E_INVALIDARG);
	struct xb_snapshot snap = event_snapshot();
	snap.derive_pending = 0;
	xb_snap_host_begin(h, &snap);
	ck_assert_int_eq(ICertServerExit_SetContext(s, 3), S_OK);
	ck_assert_int_eq(ICertServerExit_SetContext(s, 0), S_OK);
	ck_assert_int_eq(ICertServerExit_GetCertificateProperty(s, name, PROPTYPE_LONG, &v), S_OK);
	ck_assert_int_eq(V_I4(&v), 2);
	ck_assert_int_eq(ICertServerExit_SetContext(s, 3), S_OK);
	xb_snap_host_end(h);
	ck_assert_int_eq(ICertServerExit_GetCertificateExtensionFlags(s, &(LONG){0}), S_OK);
	ck_assert_int_eq(ICertServerExit_EnumerateAttributesSetup(s, 0), E_UNEXPECTED);
	ck_assert_int_eq(ICertServerExit_SetContext(s, 0), S_OK);
	/* The CA properties stay readable after the call, until the next one. */
	ck_assert_int_eq(ICertServerExit_GetCertificateProperty(s, name, PROPTYPE_LONG, &v), S_OK);
	ck_assert_uint_eq(xb_snap_host_live(h), 1);
	SysFreeString(name);
	/* A server object outliving its host answers nothing, but safely. */
	xb_snap_host_free(h);
	name = SysAllocString(OLESTR("CertCount"));
	ck_assert_int_eq(ICertServerExit_GetCertificateProperty(s, name, PROPTYPE_LONG, &v), CERTSRV_E_PROPERTY_EMPTY);
	SysFreeString(name);
	ck_assert_uint_eq(ICertServerExit_Release(s), 0);
}
END_TEST

Suite *suite_bridge(void)
{
	Suite *s = suite_create("bridge");
	const struct xb_test_case cases[] = {
		{"xb_bridge_decode_request_round_trip", request_round_trip},
		{"xb_bridge_decode_response_round_trip", response_round_trip},
		{"xb_bridge_decode_values", decoded_values},
		{"xb_bridge_decode_request_truncated", request_truncated},
		{"xb_bridge_decode_response_truncated", response_truncated},
		{"xb_bridge_decode_request_corrupted", request_corrupted},
		{"xb_bridge_decode_response_corrupted", response_corrupted},
		{"xb_bridge_check_length", frame_lengths},
		{"xb_bridge_decode_malformed", malformed},
		{"xb_bridge_method_name", method_names},
		{"xb_snap_server_matches_engine_traces", server_matches_engine_traces},
		{"xb_snap_server_matches_engine_edges", server_matches_engine_edges},
		{"xb_snap_host_begin", host_begin_end},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	return s;
}
