/*
 * Tests of DATE conversions, SystemTime <-> VariantTime and
 * VariantChangeType. The expected DATEs, weekdays and Unix times were
 * computed independently with Python's datetime (days since 1899-12-30).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitbench.h"
#include "check_suites.h"

static int utc_eq(const xb_utc *t, int y, int mo, int d, int h, int mi, int s, int ms)
{
	return t->year == y && t->month == mo && t->day == d && t->hour == h && t->minute == mi &&
	       t->second == s && t->millisecond == ms;
}

#define UTC_FMT "%04d-%02d-%02d %02d:%02d:%02d.%03d"
#define UTC_ARGS(t) (t).year, (t).month, (t).day, (t).hour, (t).minute, (t).second, (t).millisecond

/* Known DATE <-> calendar pairs, exact in binary so compared with ==. */
static const struct {
	DATE d;
	xb_utc t;
} known[] = {
	{0.0, {1899, 12, 30, 0, 0, 0, 0}},
	{1.0, {1899, 12, 31, 0, 0, 0, 0}},
	{1.5, {1899, 12, 31, 12, 0, 0, 0}},
	{-1.0, {1899, 12, 29, 0, 0, 0, 0}},
	{-1.25, {1899, 12, 29, 6, 0, 0, 0}},
	{-2.75, {1899, 12, 28, 18, 0, 0, 0}},
	{60.0, {1900, 2, 28, 0, 0, 0, 0}},
	{61.0, {1900, 3, 1, 0, 0, 0, 0}}, /* no Lotus 1900-02-29 */
	{25569.0, {1970, 1, 1, 0, 0, 0, 0}},
	{36526.5, {2000, 1, 1, 12, 0, 0, 0}},
	{45351.75, {2024, 2, 29, 18, 0, 0, 0}},
	{-657434.0, {100, 1, 1, 0, 0, 0, 0}},
	{-657434.5, {100, 1, 1, 12, 0, 0, 0}},
	{2958465.0, {9999, 12, 31, 0, 0, 0, 0}},
	{2958465.5, {9999, 12, 31, 12, 0, 0, 0}},
};
#define N_KNOWN ((int)(sizeof(known) / sizeof(known[0])))

/* ---- xb_date_from_utc --------------------------------------------------- */

START_TEST(test_from_utc_known)
{
	DATE d = 12345.0;
	HRESULT hr = xb_date_from_utc(&known[_i].t, &d);

	ck_assert_msg(hr == S_OK && d == known[_i].d, UTC_FMT ": hr 0x%08x, DATE %.17g, want %.17g",
		      UTC_ARGS(known[_i].t), (unsigned)hr, d, known[_i].d);
}
END_TEST

START_TEST(test_from_utc_milliseconds)
{
	xb_utc t = {2024, 2, 29, 18, 0, 0, 123};
	xb_utc last = {9999, 12, 31, 23, 59, 59, 0};
	DATE d;

	ck_assert_int_eq(xb_date_from_utc(&t, &d), S_OK);
	ck_assert_msg(fabs(d - 45351.750001423614) < 1e-11, "DATE %.17g", d);
	ck_assert_int_eq(xb_date_from_utc(&last, &d), S_OK);
	ck_assert_msg(fabs(d - 2958465.999988426) < 1e-9, "DATE %.17g", d);
}
END_TEST

START_TEST(test_from_utc_invalid)
{
	static const xb_utc bad[] = {
		{99, 12, 31, 0, 0, 0, 0},  {10000, 1, 1, 0, 0, 0, 0}, {0, 1, 1, 0, 0, 0, 0},
		{2024, 0, 1, 0, 0, 0, 0},  {2024, 13, 1, 0, 0, 0, 0}, {2024, 1, 0, 0, 0, 0, 0},
		{2024, 1, 32, 0, 0, 0, 0}, {2023, 2, 29, 0, 0, 0, 0}, {1900, 2, 29, 0, 0, 0, 0},
		{2024, 2, 30, 0, 0, 0, 0}, {2024, 4, 31, 0, 0, 0, 0}, {2024, 1, 1, 24, 0, 0, 0},
		{2024, 1, 1, -1, 0, 0, 0}, {2024, 1, 1, 0, 60, 0, 0}, {2024, 1, 1, 0, 0, 60, 0},
		{2024, 1, 1, 0, 0, 0, 1000}, {2024, 1, 1, 0, 0, 0, -1},
	};
	DATE d = 42.0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(xb_date_from_utc(&bad[i], &d) == E_INVALIDARG, UTC_FMT " accepted",
			      UTC_ARGS(bad[i]));
		ck_assert_msg(d == 42.0, UTC_FMT ": output written on failure", UTC_ARGS(bad[i]));
	}
}
END_TEST

START_TEST(test_from_utc_leap_years_and_null)
{
	xb_utc t2000 = {2000, 2, 29, 0, 0, 0, 0}, t2024 = {2024, 2, 29, 0, 0, 0, 0};
	DATE d;

	ck_assert_int_eq(xb_date_from_utc(&t2000, &d), S_OK);
	ck_assert_msg(d == 36585.0, "2000-02-29: %.17g", d);
	ck_assert_int_eq(xb_date_from_utc(&t2024, &d), S_OK);
	ck_assert_msg(d == 45351.0, "2024-02-29: %.17g", d);
	ck_assert_int_eq(xb_date_from_utc(NULL, &d), E_POINTER);
	ck_assert_int_eq(xb_date_from_utc(&t2000, NULL), E_POINTER);
}
END_TEST

/* ---- xb_date_to_utc ----------------------------------------------------- */

START_TEST(test_to_utc_known)
{
	xb_utc t;
	HRESULT hr = xb_date_to_utc(known[_i].d, &t);
	const xb_utc *w = &known[_i].t;

	ck_assert_msg(hr == S_OK, "%.17g: hr 0x%08x", known[_i].d, (unsigned)hr);
	ck_assert_msg(utc_eq(&t, w->year, w->month, w->day, w->hour, w->minute, w->second,
			     w->millisecond),
		      "%.17g gave " UTC_FMT ", want " UTC_FMT, known[_i].d, UTC_ARGS(t), UTC_ARGS(*w));
}
END_TEST

START_TEST(test_to_utc_rounding)
{
	static const struct {
		DATE d;
		xb_utc t;
	} cases[] = {
		/* Rounds to the millisecond and carries into the next day. */
		{0.99999999999, {1899, 12, 31, 0, 0, 0, 0}},
		{1.0 / 3.0, {1899, 12, 30, 8, 0, 0, 0}},
		{45351.750001423614, {2024, 2, 29, 18, 0, 0, 123}},
		{25569.0 + 0.5 / 86400.0, {1970, 1, 1, 0, 0, 0, 500}},
		{2958465.0 + 86399999.0 / 86400000.0, {9999, 12, 31, 23, 59, 59, 999}},
		/* Negative: the fraction is time forward from the (backward) day. */
		{-0.5, {1899, 12, 30, 12, 0, 0, 0}},
		{-1.99999999999, {1899, 12, 30, 0, 0, 0, 0}},
		{-657434.9999, {100, 1, 1, 23, 59, 51, 360}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xb_utc t;
		const xb_utc *w = &cases[i].t;

		ck_assert_msg(xb_date_to_utc(cases[i].d, &t) == S_OK, "%.17g failed", cases[i].d);
		ck_assert_msg(utc_eq(&t, w->year, w->month, w->day, w->hour, w->minute, w->second,
				     w->millisecond),
			      "%.17g gave " UTC_FMT ", want " UTC_FMT, cases[i].d, UTC_ARGS(t), UTC_ARGS(*w));
	}
}
END_TEST

START_TEST(test_to_utc_invalid)
{
	const DATE bad[] = {NAN, INFINITY, -INFINITY, 2958466.0, 2958465.9999999995, -657435.0,
			    -657435.5, 1e300, -1e300};
	xb_utc t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(xb_date_to_utc(bad[i], &t) == E_INVALIDARG, "%.17g accepted", bad[i]);
	ck_assert_int_eq(xb_date_to_utc(0.0, NULL), E_POINTER);
}
END_TEST

START_TEST(test_utc_round_trip)
{
	/* Every 997th day with a varying time of day, through both functions. */
	for (int64_t day = -657434; day <= 2958465; day += 997) {
		xb_utc t, back;
		DATE d;
		int ms = (int)((day * 7919) % 86400000);

		if (ms < 0)
			ms += 86400000;
		ck_assert_int_eq(xb_date_to_utc((double)day, &t), S_OK);
		t.hour = ms / 3600000;
		t.minute = ms / 60000 % 60;
		t.second = ms / 1000 % 60;
		t.millisecond = ms % 1000;
		ck_assert_msg(xb_date_from_utc(&t, &d) == S_OK, UTC_FMT, UTC_ARGS(t));
		ck_assert_msg(xb_date_to_utc(d, &back) == S_OK && !memcmp(&t, &back, sizeof(t)),
			      UTC_FMT " came back as " UTC_FMT, UTC_ARGS(t), UTC_ARGS(back));
		/* The integer part is the day, counted backwards before 1899-12-30. */
		ck_assert_msg((int64_t)d == day, UTC_FMT ": DATE %.17g, day %lld", UTC_ARGS(t), d,
			      (long long)day);
	}
}
END_TEST

/* ---- xb_date_from_time_t / xb_date_to_time_t ---------------------------- */

START_TEST(test_from_time_t)
{
	static const struct {
		int64_t t;
		DATE d;
	} cases[] = {
		{0, 25569.0},
		{86400, 25570.0},
		{946728000, 36526.5},
		{-2209161600, 0.0},
		{-2209226400, -1.25},
		{-59011459200, -657434.0},
		{253402214400, 2958465.0},
	};
	DATE d;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(xb_date_from_time_t(cases[i].t, &d), S_OK);
		ck_assert_msg(d == cases[i].d, "%lld: %.17g, want %.17g", (long long)cases[i].t, d,
			      cases[i].d);
	}
	ck_assert_int_eq(xb_date_from_time_t(253402300799, &d), S_OK);
	ck_assert_msg(fabs(d - 2958465.999988426) < 1e-9, "last second: %.17g", d);
	ck_assert_int_eq(xb_date_from_time_t(253402300800, &d), E_INVALIDARG);
	ck_assert_int_eq(xb_date_from_time_t(-59011459201, &d), E_INVALIDARG);
	ck_assert_int_eq(xb_date_from_time_t(INT64_MAX, &d), E_INVALIDARG);
	ck_assert_int_eq(xb_date_from_time_t(INT64_MIN, &d), E_INVALIDARG);
	ck_assert_int_eq(xb_date_from_time_t(0, NULL), E_POINTER);
}
END_TEST

START_TEST(test_to_time_t)
{
	static const struct {
		DATE d;
		int64_t t;
	} cases[] = {
		{25569.0, 0},
		{36526.5, 946728000},
		{0.0, -2209161600},
		{-1.25, -2209226400},
		{-657434.0, -59011459200},
		{2958465.999988426, 253402300799},
		/* Rounds to the nearest second. */
		{25569.0 + 0.4 / 86400.0, 0},
		{25569.0 + 0.6 / 86400.0, 1},
		{25568.99999, -1},
		{25569.0 + 86399.6 / 86400.0, 86400},
	};
	int64_t t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(xb_date_to_time_t(cases[i].d, &t) == S_OK, "%.17g failed", cases[i].d);
		ck_assert_msg(t == cases[i].t, "%.17g: %lld, want %lld", cases[i].d, (long long)t,
			      (long long)cases[i].t);
	}
	ck_assert_int_eq(xb_date_to_time_t(NAN, &t), E_INVALIDARG);
	ck_assert_int_eq(xb_date_to_time_t(2958466.0, &t), E_INVALIDARG);
	ck_assert_int_eq(xb_date_to_time_t(-657435.0, &t), E_INVALIDARG);
	ck_assert_int_eq(xb_date_to_time_t(0.0, NULL), E_POINTER);
}
END_TEST

/* ---- xb_date_to_rfc3339 ------------------------------------------------- */

START_TEST(test_to_rfc3339)
{
	static const struct {
		DATE d;
		const char *text;
	} cases[] = {
		{0.0, "1899-12-30T00:00:00Z"},
		{-1.25, "1899-12-29T06:00:00Z"},
		{36526.5, "2000-01-01T12:00:00Z"},
		{45351.75, "2024-02-29T18:00:00Z"},
		{45351.750001423614, "2024-02-29T18:00:00.123Z"},
		{25569.0 + 0.5 / 86400.0, "1970-01-01T00:00:00.500Z"},
		{-657434.0, "0100-01-01T00:00:00Z"},
		{2958465.999988426, "9999-12-31T23:59:59Z"},
	};
	char buf[XB_RFC3339_BUFSIZE];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(xb_date_to_rfc3339(cases[i].d, buf) == S_OK, "%.17g failed", cases[i].d);
		ck_assert_msg(!strcmp(buf, cases[i].text), "%.17g: \"%s\", want \"%s\"", cases[i].d, buf,
			      cases[i].text);
	}
	ck_assert_int_eq(xb_date_to_rfc3339(NAN, buf), E_INVALIDARG);
	ck_assert_int_eq(xb_date_to_rfc3339(-657435.0, buf), E_INVALIDARG);
	ck_assert_int_eq(xb_date_to_rfc3339(0.0, NULL), E_POINTER);
}
END_TEST

/* ---- xb_date_from_rfc3339 ----------------------------------------------- */

static const struct {
	const char *text;
	DATE d;
} rfc_ok[] = {
	{"2024-02-29T18:00:00Z", 45351.75},
	{"2024-02-29t18:00:00z", 45351.75},
	{"2024-02-29 18:00:00Z", 45351.75},
	{"2024-02-29T19:30:00+01:30", 45351.75},
	{"2024-02-29T12:00:00-06:00", 45351.75},
	{"2024-03-01T00:30:00+06:30", 45351.75},
	{"2024-02-29T18:00:00-00:00", 45351.75},
	{"2000-01-01T12:00:00.000Z", 36526.5},
	{"2000-01-01T12:00:00.0004999Z", 36526.5},
	{"2000-01-01T11:59:59.9995Z", 36526.5},
	{"1899-12-29T06:00:00Z", -1.25},
	{"1899-12-30T00:00:00Z", 0.0},
	{"0100-01-01T00:00:00Z", -657434.0},
	{"0100-01-01T12:00:00Z", -657434.5},
	{"0100-01-01T01:00:00+01:00", -657434.0},
	{"9999-12-31T12:00:00Z", 2958465.5},
};

START_TEST(test_from_rfc3339_valid)
{
	xb_error err;
	DATE d = 99.0;
	HRESULT hr;

	xb_error_init(&err, "<string>");
	hr = xb_date_from_rfc3339(rfc_ok[_i].text, XB_NUL_TERMINATED, &d, &err);
	ck_assert_msg(hr == S_OK, "\"%s\": hr 0x%08x (%s at %zu)", rfc_ok[_i].text, (unsigned)hr,
		      err.text, err.position);
	ck_assert_msg(d == rfc_ok[_i].d, "\"%s\": %.17g, want %.17g", rfc_ok[_i].text, d, rfc_ok[_i].d);
	ck_assert_int_eq(err.code, S_OK);
}
END_TEST

START_TEST(test_from_rfc3339_fraction)
{
	static const struct {
		const char *text;
		int ms;
	} cases[] = {
		{"1970-01-01T00:00:00.5Z", 500},
		{"1970-01-01T00:00:00.12Z", 120},
		{"1970-01-01T00:00:00.123456789Z", 123},
		{"1970-01-01T00:00:00.9994999Z", 999},
		{"1970-01-01T00:00:00.0005Z", 1},
	};
	DATE d;
	xb_utc t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(xb_date_from_rfc3339(cases[i].text, XB_NUL_TERMINATED, &d, NULL), S_OK);
		ck_assert_int_eq(xb_date_to_utc(d, &t), S_OK);
		ck_assert_msg(utc_eq(&t, 1970, 1, 1, 0, 0, 0, cases[i].ms), "\"%s\" gave " UTC_FMT,
			      cases[i].text, UTC_ARGS(t));
	}
	ck_assert_int_eq(xb_date_from_rfc3339("9999-12-31T23:59:59.999Z", XB_NUL_TERMINATED, &d, NULL),
			 S_OK);
	ck_assert_int_eq(xb_date_to_utc(d, &t), S_OK);
	ck_assert_msg(utc_eq(&t, 9999, 12, 31, 23, 59, 59, 999), "last ms gave " UTC_FMT, UTC_ARGS(t));
}
END_TEST

START_TEST(test_from_rfc3339_explicit_length)
{
	DATE d = 0;

	/* Only len bytes are read: what follows does not matter... */
	ck_assert_int_eq(xb_date_from_rfc3339("2024-02-29T18:00:00Zjunk", 20, &d, NULL), S_OK);
	ck_assert_msg(d == 45351.75, "%.17g", d);
	/* ...and a NUL inside them is a bad character like any other. */
	ck_assert_int_eq(xb_date_from_rfc3339("2024-02-29T18:00:00Z\0", 21, &d, NULL), E_INVALIDARG);
	ck_assert_int_eq(xb_date_from_rfc3339(NULL, 0, &d, NULL), E_INVALIDARG);
	ck_assert_int_eq(xb_date_from_rfc3339(NULL, 5, &d, NULL), E_POINTER);
	ck_assert_int_eq(xb_date_from_rfc3339("2024-02-29T18:00:00Z", XB_NUL_TERMINATED, NULL, NULL),
			 E_POINTER);
}
END_TEST

static const struct {
	const char *text;
	size_t len; /* 0: NUL-terminated */
	size_t pos;
	const char *why;
} rfc_bad[] = {
	{"", 0, 0, "empty"},
	{"2024-02-29", 0, 10, "date only"},
	{"24-02-29T18:00:00Z", 0, 2, "two-digit year"},
	{"  2024-02-29T18:00:00Z", 0, 0, "leading spaces"},
	{"2024/02/29T18:00:00Z", 0, 4, "slash"},
	{"2024-2-29T18:00:00Z", 0, 6, "one-digit month"},
	{"2024-00-01T00:00:00Z", 0, 5, "month 00"},
	{"2024-13-01T00:00:00Z", 0, 5, "month 13"},
	{"2024-01-00T00:00:00Z", 0, 8, "day 00"},
	{"2024-01-32T00:00:00Z", 0, 8, "day 32"},
	{"2023-02-29T00:00:00Z", 0, 8, "Feb 29 in a common year"},
	{"1900-02-29T00:00:00Z", 0, 8, "Feb 29 1900"},
	{"2024-04-31T00:00:00Z", 0, 8, "April 31"},
	{"2024-02-29X18:00:00Z", 0, 10, "bad separator"},
	{"2024-02-29  18:00:00Z", 0, 11, "two spaces"},
	{"2024-02-29T24:00:00Z", 0, 11, "hour 24"},
	{"2024-02-29T18:60:00Z", 0, 14, "minute 60"},
	{"2024-02-29T18:00:60Z", 0, 17, "leap second"},
	{"2024-02-29T18:00:61Z", 0, 17, "second 61"},
	{"2024-02-29T18:00Z", 0, 16, "no seconds"},
	{"2024-02-29T18:00:00", 0, 19, "no zone"},
	{"2024-02-29T18:00:00.Z", 0, 20, "empty fraction"},
	{"2024-02-29T18:00:00,5Z", 0, 19, "comma fraction"},
	{"2024-02-29T18:00:00+0100", 0, 22, "offset without colon"},
	{"2024-02-29T18:00:00+01", 0, 22, "offset without minutes"},
	{"2024-02-29T18:00:00+24:00", 0, 20, "offset hour 24"},
	{"2024-02-29T18:00:00+01:60", 0, 23, "offset minute 60"},
	{"2024-02-29T18:00:00 Z", 0, 19, "space before Z"},
	{"2024-02-29T18:00:00Z ", 0, 20, "trailing space"},
	{"2024-02-29T18:00:00ZZ", 0, 20, "trailing Z"},
	{"2024-02-29T18:00:00Z", 19, 19, "cut by explicit length"},
	{"2024-02-29T1\08:00:00Z", 21, 12, "NUL inside"},
	{"0099-12-31T23:59:59Z", 0, 0, "before year 100"},
	{"0100-01-01T00:30:00+01:00", 0, 0, "before year 100 in UTC"},
	{"9999-12-31T23:30:00-01:00", 0, 0, "after 9999 in UTC"},
	{"9999-12-31T23:59:59.9996Z", 0, 0, "rounds past 9999"},
};

START_TEST(test_from_rfc3339_invalid)
{
	xb_error err;
	DATE d = 42.0;
	size_t len = rfc_bad[_i].len ? rfc_bad[_i].len : XB_NUL_TERMINATED;
	HRESULT hr;

	xb_error_init(&err, "<string>");
	hr = xb_date_from_rfc3339(rfc_bad[_i].text, len, &d, &err);
	ck_assert_msg(hr == E_INVALIDARG, "%s \"%s\": hr 0x%08x", rfc_bad[_i].why, rfc_bad[_i].text,
		      (unsigned)hr);
	ck_assert_msg(d == 42.0, "%s: output written on failure", rfc_bad[_i].why);
	ck_assert_msg(err.code == E_INVALIDARG, "%s: err.code 0x%08x", rfc_bad[_i].why,
		      (unsigned)err.code);
	ck_assert_msg(err.position == rfc_bad[_i].pos, "%s \"%s\": position %zu, want %zu (%s)",
		      rfc_bad[_i].why, rfc_bad[_i].text, err.position, rfc_bad[_i].pos, err.text);
	ck_assert_msg(err.line == 1 && err.column == (int)rfc_bad[_i].pos + 1,
		      "%s: line %d column %d", rfc_bad[_i].why, err.line, err.column);
	ck_assert_msg(err.text[0] != '\0', "%s: no text", rfc_bad[_i].why);
	ck_assert_str_eq(err.source, "<string>");
	/* err is optional. */
	ck_assert_int_eq(xb_date_from_rfc3339(rfc_bad[_i].text, len, &d, NULL), E_INVALIDARG);
}
END_TEST

START_TEST(test_from_rfc3339_messages)
{
	xb_error err;
	DATE d;

	xb_error_init(&err, NULL);
	xb_date_from_rfc3339("2024-02-29T18:00:60Z", XB_NUL_TERMINATED, &d, &err);
	ck_assert_msg(strstr(err.text, "leap second") != NULL, "text: %s", err.text);
	/* The first error wins over a later one. */
	xb_date_from_rfc3339("2024-13-01T00:00:00Z", XB_NUL_TERMINATED, &d, &err);
	ck_assert_uint_eq(err.position, 17);
}
END_TEST

/* ---- SystemTimeToVariantTime -------------------------------------------- */

static SYSTEMTIME st(int y, int mo, int d, int h, int mi, int s, int ms)
{
	SYSTEMTIME t = {(WORD)y, (WORD)mo, 3, (WORD)d, (WORD)h, (WORD)mi, (WORD)s, (WORD)ms};

	return t;
}

START_TEST(test_system_time_to_variant_time)
{
	static const struct {
		int y, mo, d, h, mi, s;
		DATE want;
	} cases[] = {
		{2024, 2, 29, 18, 0, 0, 45351.75}, {1899, 12, 29, 6, 0, 0, -1.25},
		{2000, 1, 1, 12, 0, 0, 36526.5},   {1899, 12, 30, 0, 0, 0, 0.0},
		{100, 1, 1, 0, 0, 0, -657434.0},   {9999, 12, 31, 0, 0, 0, 2958465.0},
	};
	DATE d;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		SYSTEMTIME t = st(cases[i].y, cases[i].mo, cases[i].d, cases[i].h, cases[i].mi, cases[i].s, 0);

		d = 7.0;
		ck_assert_msg(SystemTimeToVariantTime(&t, &d) == TRUE, "%04d-%02d-%02d failed", cases[i].y,
			      cases[i].mo, cases[i].d);
		ck_assert_msg(d == cases[i].want, "%04d-%02d-%02d: %.17g, want %.17g", cases[i].y,
			      cases[i].mo, cases[i].d, d, cases[i].want);
	}
}
END_TEST

START_TEST(test_system_time_to_variant_time_ms)
{
	SYSTEMTIME t = st(1970, 1, 1, 0, 0, 0, 500);
	DATE d;

	ck_assert_int_eq(SystemTimeToVariantTime(&t, &d), TRUE);
	ck_assert_msg(fabs(d - (25569.0 + 0.5 / 86400.0)) < 1e-11, "%.17g", d);
}
END_TEST

START_TEST(test_system_time_to_variant_time_invalid)
{
	const SYSTEMTIME bad[] = {
		st(99, 1, 1, 0, 0, 0, 0),    st(0, 1, 1, 0, 0, 0, 0),     st(10000, 1, 1, 0, 0, 0, 0),
		st(2024, 0, 1, 0, 0, 0, 0),  st(2024, 13, 1, 0, 0, 0, 0), st(2024, 1, 0, 0, 0, 0, 0),
		st(2024, 1, 32, 0, 0, 0, 0), st(2023, 2, 29, 0, 0, 0, 0), st(2024, 2, 30, 0, 0, 0, 0),
		st(2024, 1, 1, 24, 0, 0, 0), st(2024, 1, 1, 0, 60, 0, 0), st(2024, 1, 1, 0, 0, 60, 0),
		st(2024, 1, 1, 0, 0, 0, 1000), st(65535, 65535, 65535, 0, 0, 0, 0),
	};
	SYSTEMTIME ok = st(2024, 1, 1, 0, 0, 0, 0);
	DATE d = 5.0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SYSTEMTIME t = bad[i];

		ck_assert_msg(SystemTimeToVariantTime(&t, &d) == FALSE, "case %zu accepted (%u-%u-%u)", i,
			      t.wYear, t.wMonth, t.wDay);
		ck_assert_msg(d == 5.0, "case %zu: output written on failure", i);
	}
	ck_assert_int_eq(SystemTimeToVariantTime(NULL, &d), FALSE);
	ck_assert_int_eq(SystemTimeToVariantTime(&ok, NULL), FALSE);
}
END_TEST

/* ---- VariantTimeToSystemTime -------------------------------------------- */

START_TEST(test_variant_time_to_system_time)
{
	static const struct {
		DATE d;
		int y, mo, d_, h, mi, s, dow;
	} cases[] = {
		{45351.75, 2024, 2, 29, 18, 0, 0, 4},
		{-1.25, 1899, 12, 29, 6, 0, 0, 5},
		{0.0, 1899, 12, 30, 0, 0, 0, 6},
		{36526.5, 2000, 1, 1, 12, 0, 0, 6},
		{61.0, 1900, 3, 1, 0, 0, 0, 4},
		{-657434.0, 100, 1, 1, 0, 0, 0, 5},
		{2958465.0, 9999, 12, 31, 0, 0, 0, 5},
		/* Rounded to the second; wMilliseconds is always 0. */
		{25569.0 + 0.4 / 86400.0, 1970, 1, 1, 0, 0, 0, 4},
		{25569.0 + 0.6 / 86400.0, 1970, 1, 1, 0, 0, 1, 4},
		{25569.0 + 86399.6 / 86400.0, 1970, 1, 2, 0, 0, 0, 5},
		{45351.750001423614, 2024, 2, 29, 18, 0, 0, 4},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		SYSTEMTIME t;

		memset(&t, 0x77, sizeof(t));
		ck_assert_msg(VariantTimeToSystemTime(cases[i].d, &t) == TRUE, "%.17g failed", cases[i].d);
		ck_assert_msg(t.wYear == cases[i].y && t.wMonth == cases[i].mo && t.wDay == cases[i].d_ &&
				      t.wHour == cases[i].h && t.wMinute == cases[i].mi &&
				      t.wSecond == cases[i].s && t.wMilliseconds == 0 &&
				      t.wDayOfWeek == cases[i].dow,
			      "%.17g gave %04u-%02u-%02u %02u:%02u:%02u.%03u dow %u", cases[i].d, t.wYear,
			      t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, t.wMilliseconds,
			      t.wDayOfWeek);
	}
}
END_TEST

START_TEST(test_variant_time_to_system_time_invalid)
{
	const DATE bad[] = {NAN, INFINITY, 2958466.0, -657435.0, 1e20};
	SYSTEMTIME t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(VariantTimeToSystemTime(bad[i], &t) == FALSE, "%.17g accepted", bad[i]);
	ck_assert_int_eq(VariantTimeToSystemTime(0.0, NULL), FALSE);
}
END_TEST

/* ---- VariantChangeType -------------------------------------------------- */

static VARIANT v_of(VARTYPE vt)
{
	VARIANT v;

	VariantInit(&v);
	V_VT(&v) = vt;
	return v;
}

static VARIANT v_i4(LONG x)
{
	VARIANT v = v_of(VT_I4);

	V_I4(&v) = x;
	return v;
}

static VARIANT v_i2(SHORT x)
{
	VARIANT v = v_of(VT_I2);

	V_I2(&v) = x;
	return v;
}

static VARIANT v_ui1(BYTE x)
{
	VARIANT v = v_of(VT_UI1);

	V_UI1(&v) = x;
	return v;
}

static VARIANT v_r8(double x)
{
	VARIANT v = v_of(VT_R8);

	V_R8(&v) = x;
	return v;
}

static VARIANT v_date(DATE x)
{
	VARIANT v = v_of(VT_DATE);

	V_DATE(&v) = x;
	return v;
}

static VARIANT v_bool(VARIANT_BOOL x)
{
	VARIANT v = v_of(VT_BOOL);

	V_BOOL(&v) = x;
	return v;
}

static VARIANT v_str(const OLECHAR *s)
{
	VARIANT v = v_of(VT_BSTR);

	V_BSTR(&v) = SysAllocString(s);
	return v;
}

static int bstr_is(BSTR b, const OLECHAR *want)
{
	size_t n = xb_utf16_len(want);

	return b && SysStringLen(b) == n && !memcmp(b, want, n * sizeof(OLECHAR));
}

/* A BSTR as UTF-8 for messages (static storage). */
static const char *show(BSTR b)
{
	static char buf[128];
	char *s = NULL;

	if (!b)
		return "(null)";
	if (FAILED(xb_utf8_from_bstr(b, &s, NULL)))
		return "(bad)";
	snprintf(buf, sizeof(buf), "\"%s\"", s);
	free(s);
	return buf;
}

/* Converts src (consumed) to a numeric vt and compares with want. */
static void expect_num(VARIANT src, USHORT flags, VARTYPE vt, HRESULT want_hr, double want,
		       const char *what, int line)
{
	VARIANT dst;
	double got = 0;
	HRESULT hr;

	VariantInit(&dst);
	hr = VariantChangeType(&dst, &src, flags, vt);
	ck_assert_msg(hr == want_hr, "line %d: %s -> vt %u: hr 0x%08x, want 0x%08x", line, what, vt,
		      (unsigned)hr, (unsigned)want_hr);
	if (SUCCEEDED(hr)) {
		ck_assert_msg(V_VT(&dst) == vt, "line %d: %s: vt %u, want %u", line, what, V_VT(&dst), vt);
		switch (vt) {
		case VT_I2: got = V_I2(&dst); break;
		case VT_I4: got = V_I4(&dst); break;
		case VT_UI1: got = V_UI1(&dst); break;
		case VT_R8: got = V_R8(&dst); break;
		case VT_BOOL: got = V_BOOL(&dst); break;
		case VT_DATE: got = V_DATE(&dst); break;
		default: break;
		}
		ck_assert_msg(got == want, "line %d: %s -> vt %u: %.17g, want %.17g", line, what, vt, got,
			      want);
	} else {
		ck_assert_msg(V_VT(&dst) == VT_EMPTY, "line %d: %s: dest changed on failure", line, what);
	}
	VariantClear(&src);
	VariantClear(&dst);
}

/* Converts src (consumed) to VT_BSTR and compares with want. */
static void expect_str(VARIANT src, USHORT flags, HRESULT want_hr, const OLECHAR *want, const char *what,
		       int line)
{
	VARIANT dst;
	HRESULT hr;

	VariantInit(&dst);
	hr = VariantChangeType(&dst, &src, flags, VT_BSTR);
	ck_assert_msg(hr == want_hr, "line %d: %s -> BSTR: hr 0x%08x, want 0x%08x", line, what,
		      (unsigned)hr, (unsigned)want_hr);
	if (SUCCEEDED(hr))
		ck_assert_msg(V_VT(&dst) == VT_BSTR && bstr_is(V_BSTR(&dst), want), "line %d: %s -> %s",
			      line, what, show(V_BSTR(&dst)));
	else
		ck_assert_msg(V_VT(&dst) == VT_EMPTY, "line %d: %s: dest changed on failure", line, what);
	VariantClear(&src);
	VariantClear(&dst);
}

#define NUM(src, flags, vt, hr, want) expect_num(src, flags, vt, hr, want, #src, __LINE__)
#define STR(src, flags, hr, want) expect_str(src, flags, hr, want, #src, __LINE__)

START_TEST(test_change_to_bstr)
{
	STR(v_i4(42), 0, S_OK, u"42");
	STR(v_i4(INT32_MIN), 0, S_OK, u"-2147483648");
	STR(v_i2(-7), 0, S_OK, u"-7");
	STR(v_ui1(255), 0, S_OK, u"255");
	STR(v_r8(1.5), 0, S_OK, u"1.5");
	STR(v_r8(0.1), 0, S_OK, u"0.1");
	STR(v_r8(-2.25), 0, S_OK, u"-2.25");
	STR(v_r8(1e20), 0, S_OK, u"1E+20");
	STR(v_r8(1.0 / 3.0), 0, S_OK, u"0.333333333333333");
	STR(v_bool(VARIANT_TRUE), 0, S_OK, u"-1");
	STR(v_bool(VARIANT_FALSE), 0, S_OK, u"0");
	STR(v_bool(VARIANT_TRUE), VARIANT_ALPHABOOL, S_OK, u"True");
	STR(v_bool(VARIANT_FALSE), VARIANT_ALPHABOOL, S_OK, u"False");
	STR(v_date(45351.75), 0, S_OK, u"2024-02-29T18:00:00Z");
	STR(v_date(-1.25), 0, S_OK, u"1899-12-29T06:00:00Z");
	STR(v_date(NAN), 0, E_INVALIDARG, NULL);
	STR(v_date(-657435.0), 0, E_INVALIDARG, NULL);
	STR(v_of(VT_EMPTY), 0, S_OK, u"");
	STR(v_str(u"copy é😀"), 0, S_OK, u"copy é😀");
	STR(v_of(VT_NULL), 0, DISP_E_TYPEMISMATCH, NULL);
}
END_TEST

START_TEST(test_change_bstr_copies)
{
	VARIANT src = v_of(VT_BSTR), dst;

	/* Same type is a copy, byte for byte (odd length kept), NULL kept. */
	V_BSTR(&src) = SysAllocStringByteLen("abc", 3);
	VariantInit(&dst);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_BSTR), S_OK);
	ck_assert_ptr_ne(V_BSTR(&dst), V_BSTR(&src));
	ck_assert_uint_eq(SysStringByteLen(V_BSTR(&dst)), 3);
	ck_assert_int_eq(memcmp(V_BSTR(&dst), "abc", 3), 0);
	VariantClear(&src);
	VariantClear(&dst);
	V_VT(&src) = VT_BSTR;
	V_BSTR(&src) = NULL;
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_BSTR), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_BSTR);
	ck_assert_ptr_null(V_BSTR(&dst));
	NUM(src, 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
}
END_TEST

START_TEST(test_change_empty_bstr_is_allocated)
{
	VARIANT src = v_of(VT_EMPTY), dst;

	VariantInit(&dst);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_BSTR), S_OK);
	ck_assert_ptr_nonnull(V_BSTR(&dst));
	ck_assert_uint_eq(SysStringLen(V_BSTR(&dst)), 0);
	VariantClear(&dst);
}
END_TEST

START_TEST(test_change_bstr_to_numbers)
{
	NUM(v_str(u"123"), 0, VT_I4, S_OK, 123);
	NUM(v_str(u"  -45  "), 0, VT_I4, S_OK, -45);
	NUM(v_str(u"+7"), 0, VT_I4, S_OK, 7);
	NUM(v_str(u"2.5"), 0, VT_I4, S_OK, 2);
	NUM(v_str(u"3.5"), 0, VT_I4, S_OK, 4);
	NUM(v_str(u"-2.5"), 0, VT_I4, S_OK, -2);
	NUM(v_str(u"1e3"), 0, VT_I4, S_OK, 1000);
	NUM(v_str(u".5"), 0, VT_I4, S_OK, 0);
	NUM(v_str(u"-2147483648"), 0, VT_I4, S_OK, INT32_MIN);
	NUM(v_str(u"2147483647"), 0, VT_I4, S_OK, INT32_MAX);
	NUM(v_str(u"2147483648"), 0, VT_I4, DISP_E_OVERFLOW, 0);
	NUM(v_str(u"12abc"), 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u""), 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"   "), 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"0x10"), 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"1,000"), 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"1e"), 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"-"), 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"１２"), 0, VT_I4, DISP_E_TYPEMISMATCH, 0); /* fullwidth digits */
	NUM(v_str(u"32767"), 0, VT_I2, S_OK, 32767);
	NUM(v_str(u"-32768"), 0, VT_I2, S_OK, -32768);
	NUM(v_str(u"32768"), 0, VT_I2, DISP_E_OVERFLOW, 0);
	NUM(v_str(u"255"), 0, VT_UI1, S_OK, 255);
	NUM(v_str(u"-1"), 0, VT_UI1, DISP_E_OVERFLOW, 0);
	NUM(v_str(u"256"), 0, VT_UI1, DISP_E_OVERFLOW, 0);
	NUM(v_str(u"1.25"), 0, VT_R8, S_OK, 1.25);
	NUM(v_str(u"-1e-3"), 0, VT_R8, S_OK, -0.001);
	NUM(v_str(u"1e999"), 0, VT_R8, DISP_E_OVERFLOW, 0);
	NUM(v_str(u"nan"), 0, VT_R8, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"inf"), 0, VT_R8, DISP_E_TYPEMISMATCH, 0);
}
END_TEST

START_TEST(test_change_bstr_embedded_nul)
{
	VARIANT src = v_of(VT_BSTR), dst;

	V_BSTR(&src) = SysAllocStringLen(u"12\0" "3", 4);
	VariantInit(&dst);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_I4), DISP_E_TYPEMISMATCH);
	VariantClear(&src);
}
END_TEST

START_TEST(test_change_to_bool)
{
	NUM(v_str(u"True"), 0, VT_BOOL, S_OK, VARIANT_TRUE);
	NUM(v_str(u"TRUE"), 0, VT_BOOL, S_OK, VARIANT_TRUE);
	NUM(v_str(u"false"), 0, VT_BOOL, S_OK, VARIANT_FALSE);
	NUM(v_str(u" True "), 0, VT_BOOL, S_OK, VARIANT_TRUE);
	NUM(v_str(u"0"), 0, VT_BOOL, S_OK, VARIANT_FALSE);
	NUM(v_str(u"2"), 0, VT_BOOL, S_OK, VARIANT_TRUE);
	NUM(v_str(u"-1"), 0, VT_BOOL, S_OK, VARIANT_TRUE);
	NUM(v_str(u"yes"), 0, VT_BOOL, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"Truex"), 0, VT_BOOL, DISP_E_TYPEMISMATCH, 0);
	NUM(v_i4(5), 0, VT_BOOL, S_OK, VARIANT_TRUE);
	NUM(v_i4(0), 0, VT_BOOL, S_OK, VARIANT_FALSE);
	NUM(v_r8(0.0001), 0, VT_BOOL, S_OK, VARIANT_TRUE);
	NUM(v_ui1(0), 0, VT_BOOL, S_OK, VARIANT_FALSE);
	NUM(v_date(1.0), 0, VT_BOOL, S_OK, VARIANT_TRUE);
	NUM(v_of(VT_EMPTY), 0, VT_BOOL, S_OK, VARIANT_FALSE);
	NUM(v_bool(VARIANT_TRUE), 0, VT_BOOL, S_OK, VARIANT_TRUE);
}
END_TEST

START_TEST(test_change_from_bool)
{
	NUM(v_bool(VARIANT_TRUE), 0, VT_I4, S_OK, -1);
	NUM(v_bool(VARIANT_FALSE), 0, VT_I4, S_OK, 0);
	NUM(v_bool(VARIANT_TRUE), 0, VT_I2, S_OK, -1);
	NUM(v_bool(VARIANT_TRUE), 0, VT_UI1, S_OK, 255);
	NUM(v_bool(VARIANT_TRUE), 0, VT_R8, S_OK, -1.0);
	NUM(v_bool(VARIANT_TRUE), 0, VT_DATE, S_OK, -1.0);
}
END_TEST

START_TEST(test_change_numbers)
{
	NUM(v_r8(2.5), 0, VT_I4, S_OK, 2);
	NUM(v_r8(3.5), 0, VT_I4, S_OK, 4);
	NUM(v_r8(-2.5), 0, VT_I4, S_OK, -2);
	NUM(v_r8(-3.5), 0, VT_I4, S_OK, -4);
	NUM(v_r8(2.4999), 0, VT_I4, S_OK, 2);
	NUM(v_r8(-0.4), 0, VT_I4, S_OK, 0);
	NUM(v_r8(2147483647.4), 0, VT_I4, S_OK, INT32_MAX);
	NUM(v_r8(2147483647.5), 0, VT_I4, DISP_E_OVERFLOW, 0);
	NUM(v_r8(-2147483648.5), 0, VT_I4, S_OK, INT32_MIN);
	NUM(v_r8(NAN), 0, VT_I4, DISP_E_OVERFLOW, 0);
	NUM(v_r8(1e300), 0, VT_I4, DISP_E_OVERFLOW, 0);
	NUM(v_i4(40000), 0, VT_I2, DISP_E_OVERFLOW, 0);
	NUM(v_i4(-32768), 0, VT_I2, S_OK, -32768);
	NUM(v_i4(256), 0, VT_UI1, DISP_E_OVERFLOW, 0);
	NUM(v_i4(-1), 0, VT_UI1, DISP_E_OVERFLOW, 0);
	NUM(v_i2(-5), 0, VT_I4, S_OK, -5);
	NUM(v_ui1(200), 0, VT_I2, S_OK, 200);
	NUM(v_i4(123456), 0, VT_R8, S_OK, 123456.0);
	NUM(v_of(VT_EMPTY), 0, VT_I4, S_OK, 0);
	NUM(v_of(VT_EMPTY), 0, VT_R8, S_OK, 0);
	NUM(v_i4(7), 0, VT_I4, S_OK, 7);
}
END_TEST

START_TEST(test_change_dates)
{
	NUM(v_i4(45351), 0, VT_DATE, S_OK, 45351.0);
	NUM(v_i4(-657434), 0, VT_DATE, S_OK, -657434.0);
	NUM(v_i4(2958465), 0, VT_DATE, S_OK, 2958465.0);
	NUM(v_i4(3000000), 0, VT_DATE, DISP_E_OVERFLOW, 0);
	NUM(v_i4(-657435), 0, VT_DATE, DISP_E_OVERFLOW, 0);
	NUM(v_r8(-1.25), 0, VT_DATE, S_OK, -1.25);
	NUM(v_r8(NAN), 0, VT_DATE, DISP_E_OVERFLOW, 0);
	NUM(v_date(45351.75), 0, VT_I4, S_OK, 45352);
	NUM(v_date(2.5), 0, VT_I4, S_OK, 2);
	NUM(v_date(3.5), 0, VT_I4, S_OK, 4);
	NUM(v_date(-1.25), 0, VT_I4, S_OK, -1);
	NUM(v_date(36526.5), 0, VT_R8, S_OK, 36526.5);
	NUM(v_of(VT_EMPTY), 0, VT_DATE, S_OK, 0.0);
	NUM(v_str(u"2024-02-29T18:00:00Z"), 0, VT_DATE, S_OK, 45351.75);
	NUM(v_str(u"1899-12-29T06:00:00Z"), 0, VT_DATE, S_OK, -1.25);
	NUM(v_str(u"2024-02-30T00:00:00Z"), 0, VT_DATE, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u"45351.75"), 0, VT_DATE, DISP_E_TYPEMISMATCH, 0);
	NUM(v_str(u""), 0, VT_DATE, DISP_E_TYPEMISMATCH, 0);
}
END_TEST

START_TEST(test_change_empty_and_null)
{
	VARIANT src = v_str(u"gone"), dst = v_i4(3);

	/* To VT_EMPTY from anything: the destination is cleared. */
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_EMPTY), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_EMPTY);
	ck_assert_int_eq(VariantChangeType(&src, &src, 0, VT_EMPTY), S_OK); /* frees the BSTR */
	ck_assert_uint_eq(V_VT(&src), VT_EMPTY);

	NUM(v_of(VT_NULL), 0, VT_I4, DISP_E_TYPEMISMATCH, 0);
	NUM(v_of(VT_NULL), 0, VT_BOOL, DISP_E_TYPEMISMATCH, 0);
	NUM(v_i4(1), 0, VT_NULL, DISP_E_TYPEMISMATCH, 0);
	src = v_of(VT_EMPTY);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_NULL), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_NULL);
	src = v_of(VT_NULL);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_EMPTY), S_OK);
	ck_assert_uint_eq(V_VT(&dst), VT_EMPTY);
}
END_TEST

START_TEST(test_change_byref)
{
	LONG l = 17;
	BSTR b = SysAllocString(u" 99 ");
	VARIANT inner = v_i4(-3), src = v_of(VT_I4 | VT_BYREF), dst;

	VariantInit(&dst);
	src.plVal = &l;
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_BSTR), S_OK);
	ck_assert_msg(bstr_is(V_BSTR(&dst), u"17"), "I4 byref -> %s", show(V_BSTR(&dst)));
	VariantClear(&dst);

	V_VT(&src) = VT_BSTR | VT_BYREF;
	src.pbstrVal = &b;
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_I4), S_OK);
	ck_assert_int_eq(V_I4(&dst), 99);
	/* In place on a reference: the referenced BSTR is not ours to free. */
	ck_assert_int_eq(VariantChangeType(&src, &src, 0, VT_I4), S_OK);
	ck_assert_int_eq(V_I4(&src), 99);
	ck_assert_msg(bstr_is(b, u" 99 "), "referenced BSTR changed");

	V_VT(&src) = VT_VARIANT | VT_BYREF;
	src.pvarVal = &inner;
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_R8), S_OK);
	ck_assert_msg(V_VT(&dst) == VT_R8 && V_R8(&dst) == -3.0, "VARIANT byref -> %g", V_R8(&dst));

	V_VT(&src) = VT_I4 | VT_BYREF;
	src.plVal = NULL;
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_I4), E_INVALIDARG);
	SysFreeString(b);
}
END_TEST

START_TEST(test_change_bad_types)
{
	VARIANT src = v_i4(1), dst;

	VariantInit(&dst);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_DISPATCH), DISP_E_BADVARTYPE);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_I8), DISP_E_BADVARTYPE);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_ARRAY | VT_I4), DISP_E_BADVARTYPE);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_I4 | VT_BYREF), DISP_E_BADVARTYPE);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, 0x7fff), DISP_E_BADVARTYPE);
	src = v_of(VT_I8);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_I4), DISP_E_BADVARTYPE);
	src = v_of(VT_UNKNOWN);
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_BSTR), DISP_E_BADVARTYPE);
	ck_assert_uint_eq(V_VT(&dst), VT_EMPTY);
	ck_assert_int_eq(VariantChangeType(NULL, &src, 0, VT_I4), E_INVALIDARG);
	ck_assert_int_eq(VariantChangeType(&dst, NULL, 0, VT_I4), E_INVALIDARG);
}
END_TEST

START_TEST(test_change_in_place)
{
	VARIANT v = v_str(u"123");

	ck_assert_int_eq(VariantChangeType(&v, &v, 0, VT_I4), S_OK); /* frees "123" */
	ck_assert_msg(V_VT(&v) == VT_I4 && V_I4(&v) == 123, "vt %u", V_VT(&v));
	ck_assert_int_eq(VariantChangeType(&v, &v, 0, VT_BSTR), S_OK);
	ck_assert_msg(V_VT(&v) == VT_BSTR && bstr_is(V_BSTR(&v), u"123"), "%s", show(V_BSTR(&v)));
	ck_assert_int_eq(VariantChangeType(&v, &v, 0, VT_BSTR), S_OK); /* same type: a copy */
	ck_assert_msg(V_VT(&v) == VT_BSTR && bstr_is(V_BSTR(&v), u"123"), "%s", show(V_BSTR(&v)));
	ck_assert_int_eq(VariantChangeType(&v, &v, 0, VT_BOOL), S_OK);
	ck_assert_msg(V_VT(&v) == VT_BOOL && V_BOOL(&v) == VARIANT_TRUE, "bool %d", V_BOOL(&v));
	ck_assert_int_eq(VariantChangeType(&v, &v, VARIANT_ALPHABOOL, VT_BSTR), S_OK);
	ck_assert_msg(bstr_is(V_BSTR(&v), u"True"), "%s", show(V_BSTR(&v)));
	VariantClear(&v);
}
END_TEST

START_TEST(test_change_failure_leaves_dest)
{
	VARIANT src = v_str(u"junk"), dst = v_str(u"keep");
	BSTR kept = V_BSTR(&dst), junk = V_BSTR(&src);

	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_I4), DISP_E_TYPEMISMATCH);
	ck_assert_msg(V_VT(&dst) == VT_BSTR && V_BSTR(&dst) == kept && bstr_is(kept, u"keep"),
		      "dest changed: %s", show(V_BSTR(&dst)));
	/* In place: the source survives its failed conversion. */
	ck_assert_int_eq(VariantChangeType(&src, &src, 0, VT_DATE), DISP_E_TYPEMISMATCH);
	ck_assert_msg(V_VT(&src) == VT_BSTR && V_BSTR(&src) == junk && bstr_is(junk, u"junk"),
		      "source changed: %s", show(V_BSTR(&src)));
	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_I8), DISP_E_BADVARTYPE);
	ck_assert_msg(V_BSTR(&dst) == kept, "dest changed by a bad vt");
	VariantClear(&src);
	VariantClear(&dst);
}
END_TEST

START_TEST(test_change_success_frees_old_dest)
{
	/* Valgrind checks the old BSTR is freed. */
	VARIANT src = v_i4(5), dst = v_str(u"old");

	ck_assert_int_eq(VariantChangeType(&dst, &src, 0, VT_BSTR), S_OK);
	ck_assert_msg(bstr_is(V_BSTR(&dst), u"5"), "%s", show(V_BSTR(&dst)));
	VariantClear(&dst);
}
END_TEST

Suite *suite_date(void)
{
	Suite *s = suite_create("date");
	TCase *tc;

	tc = tcase_create("xb_date_from_utc");
	tcase_add_loop_test(tc, test_from_utc_known, 0, N_KNOWN);
	tcase_add_test(tc, test_from_utc_milliseconds);
	tcase_add_test(tc, test_from_utc_invalid);
	tcase_add_test(tc, test_from_utc_leap_years_and_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_date_to_utc");
	tcase_add_loop_test(tc, test_to_utc_known, 0, N_KNOWN);
	tcase_add_test(tc, test_to_utc_rounding);
	tcase_add_test(tc, test_to_utc_invalid);
	tcase_add_test(tc, test_utc_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_date_from_time_t");
	tcase_add_test(tc, test_from_time_t);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_date_to_time_t");
	tcase_add_test(tc, test_to_time_t);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_date_to_rfc3339");
	tcase_add_test(tc, test_to_rfc3339);
	suite_add_tcase(s, tc);

	tc = tcase_create("xb_date_from_rfc3339");
	tcase_add_loop_test(tc, test_from_rfc3339_valid, 0, (int)(sizeof(rfc_ok) / sizeof(rfc_ok[0])));
	tcase_add_test(tc, test_from_rfc3339_fraction);
	tcase_add_test(tc, test_from_rfc3339_explicit_length);
	tcase_add_loop_test(tc, test_from_rfc3339_invalid, 0, (int)(sizeof(rfc_bad) / sizeof(rfc_bad[0])));
	tcase_add_test(tc, test_from_rfc3339_messages);
	suite_add_tcase(s, tc);

	tc = tcase_create("SystemTimeToVariantTime");
	tcase_add_test(tc, test_system_time_to_variant_time);
	tcase_add_test(tc, test_system_time_to_variant_time_ms);
	tcase_add_test(tc, test_system_time_to_variant_time_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("VariantTimeToSystemTime");
	tcase_add_test(tc, test_variant_time_to_system_time);
	tcase_add_test(tc, test_variant_time_to_system_time_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("VariantChangeType");
	tcase_add_test(tc, test_change_to_bstr);
	tcase_add_test(tc, test_change_empty_bstr_is_allocated);
	tcase_add_test(tc, test_change_bstr_copies);
	tcase_add_test(tc, test_change_bstr_to_numbers);
	tcase_add_test(tc, test_change_bstr_embedded_nul);
	tcase_add_test(tc, test_change_to_bool);
	tcase_add_test(tc, test_change_from_bool);
	tcase_add_test(tc, test_change_numbers);
	tcase_add_test(tc, test_change_dates);
	tcase_add_test(tc, test_change_empty_and_null);
	tcase_add_test(tc, test_change_byref);
	tcase_add_test(tc, test_change_bad_types);
	tcase_add_test(tc, test_change_in_place);
	tcase_add_test(tc, test_change_failure_leaves_dest);
	tcase_add_test(tc, test_change_success_frees_old_dest);
	suite_add_tcase(s, tc);

	return s;
}
