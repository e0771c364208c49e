/*
 * OLE Automation DATE <-> calendar, time_t and RFC 3339 (reference §5).
 *
 * Everything goes through one integer time line: milliseconds (or seconds)
 * since 1899-12-30 00:00, where earlier instants are simply negative. The
 * DATE's odd encoding of those instants (integer part counting days back,
 * fraction counting time forward) is confined to two functions,
 * date_to_units and ms_to_date, and the calendar is integer arithmetic
 * (proleptic Gregorian, days-from-civil), so no floating-point error can
 * creep into a calendar field. Portable: also built for Windows.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exitbench/date.h"

#define MS_PER_DAY INT64_C(86400000)
#define S_PER_DAY INT64_C(86400)
/* DATE day numbers of 1970-01-01 and of the first and last valid days. */
#define UNIX_EPOCH_DAY INT64_C(25569)
#define MIN_DAY INT64_C(-657434) /* 0100-01-01 */
#define MAX_DAY INT64_C(2958465) /* 9999-12-31 */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	int64_t yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The reverse of days_from_civil. */
static void civil_from_days(int64_t z, int *year, int *month, int *day)
{
	int64_t era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(y + (*month <= 2));
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/*
 * A DATE as whole units (per_day of them a day) since 1899-12-30 00:00,
 * rounded to the nearest unit. For a negative DATE the integer part is the
 * day and the fraction, ignoring its sign, the time of day; the instant is
 * therefore trunc(d) + |frac| days in both cases. Rounding can carry into
 * the next day, which this form absorbs. Returns 0 for NaN and for values
 * so far out of range that the arithmetic would not be exact.
 */
static int date_to_units(DATE d, int64_t per_day, int64_t *out)
{
	double ip, frac;

	int64_t day, units;

	if (isnan(d) || d <= -1e7 || d >= 1e7)
		return 0;
	/* By hand rather than trunc/llround: the library does not link libm. */
	day = (int64_t)d; /* truncates toward zero */
	ip = (double)day;
	frac = d >= ip ? d - ip : ip - d; /* exact (Sterbenz) */
	frac *= (double)per_day;
	units = (int64_t)frac;
	if (frac - (double)units >= 0.5)
		units++;
	*out = day * per_day + units;
	return 1;
}

/* Whether units since 1899-12-30 fall on 0100-01-01 .. 9999-12-31. */
static int units_in_range(int64_t u, int64_t per_day)
{
	return u >= MIN_DAY * per_day && u < (MAX_DAY + 1) * per_day;
}

/*
 * The DATE of an instant in ms since 1899-12-30. Each branch divides an
 * exact integer once, so the result is the correctly rounded DATE.
 */
static DATE ms_to_date(int64_t ms)
{
	int64_t day = floor_div(ms, MS_PER_DAY);
	int64_t f = ms - day * MS_PER_DAY;

	if (day >= 0)
		return (double)ms / (double)MS_PER_DAY;
	return (double)(day * MS_PER_DAY - f) / (double)MS_PER_DAY;
}

static void ms_to_utc(int64_t ms, xb_utc *t)
{
	int64_t day = floor_div(ms, MS_PER_DAY);
	int64_t f = ms - day * MS_PER_DAY;

	civil_from_days(day - UNIX_EPOCH_DAY, &t->year, &t->month, &t->day);
	t->hour = (int)(f / 3600000);
	t->minute = (int)(f / 60000 % 60);
	t->second = (int)(f / 1000 % 60);
	t->millisecond = (int)(f % 1000);
}

XB_EXPORT HRESULT xb_date_from_utc(const xb_utc *t, DATE *out)
{
	int64_t ms;

	if (!t || !out)
		return E_POINTER;
	if (t->year < 100 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
	    t->day > days_in_month(t->year, t->month) || t->hour < 0 || t->hour > 23 ||
	    t->minute < 0 || t->minute > 59 || t->second < 0 || t->second > 59 ||
	    t->millisecond < 0 || t->millisecond > 999)
		return E_INVALIDARG;
	ms = (days_from_civil(t->year, t->month, t->day) + UNIX_EPOCH_DAY) * MS_PER_DAY +
	     ((t->hour * 60 + t->minute) * 60 + t->second) * INT64_C(1000) + t->millisecond;
	*out = ms_to_date(ms);
	return S_OK;
}

XB_EXPORT HRESULT xb_date_to_utc(DATE d, xb_utc *out)
{
	int64_t ms;

	if (!out)
		return E_POINTER;
	if (!date_to_units(d, MS_PER_DAY, &ms) || !units_in_range(ms, MS_PER_DAY))
		return E_INVALIDARG;
	ms_to_utc(ms, out);
	return S_OK;
}

XB_EXPORT HRESULT xb_date_from_time_t(int64_t t, DATE *out)
{
	int64_t s;

	if (!out)
		return E_POINTER;
	/* Bounded first, so that the sum and the product below cannot overflow. */
	if (t < (MIN_DAY - UNIX_EPOCH_DAY) * S_PER_DAY || t >= (MAX_DAY + 1 - UNIX_EPOCH_DAY) * S_PER_DAY)
		return E_INVALIDARG;
	s = t + UNIX_EPOCH_DAY * S_PER_DAY;
	*out = ms_to_date(s * 1000);
	return S_OK;
}

XB_EXPORT HRESULT xb_date_to_time_t(DATE d, int64_t *out)
{
	int64_t s;

	if (!out)
		return E_POINTER;
	/* Rounded straight to seconds, not via milliseconds (no double rounding). */
	if (!date_to_units(d, S_PER_DAY, &s) || !units_in_range(s, S_PER_DAY))
		return E_INVALIDARG;
	*out = s - UNIX_EPOCH_DAY * S_PER_DAY;
	return S_OK;
}

XB_EXPORT HRESULT xb_date_to_rfc3339(DATE d, char buf[XB_RFC3339_BUFSIZE])
{
	xb_utc t;
	HRESULT hr;

	if (!buf)
		return E_POINTER;
	hr = xb_date_to_utc(d, &t);
	if (FAILED(hr)) {
		buf[0] = '\0';
		return hr;
	}
	if (t.millisecond)
		snprintf(buf, XB_RFC3339_BUFSIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.month,
			 t.day, t.hour, t.minute, t.second, t.millisecond);
	else
		snprintf(buf, XB_RFC3339_BUFSIZE, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.month, t.day,
			 t.hour, t.minute, t.second);
	return S_OK;
}

/* ---- RFC 3339 parser ---------------------------------------------------- */

struct cursor {
	const char *s;
	size_t len;
	size_t pos;
	xb_error *err;
};

/* Records the first error at byte offset pos; the input is one line. */
static HRESULT parse_error(struct cursor *c, size_t pos, const char *what)
{
	if (c->err && c->err->code == S_OK) {
		xb_error_set(c->err, E_INVALIDARG, pos, "%s", what);
		c->err->line = 1;
		c->err->column = pos < (size_t)INT_MAX ? (int)pos + 1 : INT_MAX;
	}
	return E_INVALIDARG;
}

static int is_digit(struct cursor *c)
{
	return c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9';
}

/* Exactly n digits into *value; on failure c->pos is the offending byte. */
static int read_digits(struct cursor *c, int n, int *value)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit(c))
			return 0;
		v = v * 10 + (c->s[c->pos++] - '0');
	}
	*value = v;
	return 1;
}

/* One of the characters in set (not its NUL) at the cursor. */
static int read_char(struct cursor *c, const char *set)
{
	if (c->pos >= c->len || c->s[c->pos] == '\0' || !strchr(set, c->s[c->pos]))
		return 0;
	c->pos++;
	return 1;
}

static HRESULT expected(struct cursor *c, const char *what)
{
	char text[80];

	snprintf(text, sizeof(text), "%s %s", c->pos >= c->len ? "unexpected end, expected" : "expected",
		 what);
	return parse_error(c, c->pos, text);
}

/* A two-digit field at the cursor, checked against lo..hi. */
static HRESULT read_field(struct cursor *c, int lo, int hi, const char *name, int *value)
{
	size_t at = c->pos;
	char text[64];

	if (!read_digits(c, 2, value))
		return expected(c, "a digit");
	if (*value < lo || *value > hi) {
		snprintf(text, sizeof(text), "%s %02d out of range %02d..%02d", name, *value, lo, hi);
		return parse_error(c, at, text);
	}
	return S_OK;
}

/* The fraction's digits after '.', rounded half up to milliseconds (may give 1000). */
static HRESULT read_fraction(struct cursor *c, int *ms)
{
	int v = 0, n = 0;

	if (!is_digit(c))
		return expected(c, "a digit after '.'");
	while (is_digit(c)) {
		int digit = c->s[c->pos++] - '0';

		if (n < 3)
			v = v * 10 + digit;
		else if (n == 3 && digit >= 5)
			v++; /* the 4th digit decides; later ones cannot turn a tie */
		n++;
	}
	for (; n < 3; n++)
		v *= 10;
	*ms = v;
	return S_OK;
}

/*
 * The grammar is RFC 3339 §5.6 date-time, with the separators its note
 * allows ('t', 'z', a space for 'T'). Leap seconds are refused: a DATE
 * cannot represent 23:59:60, and mapping it to the next second would be a
 * silent change of the value.
 */
static HRESULT parse_rfc3339(struct cursor *c, int64_t *out_ms)
{
	int year, month, day, hour, minute, second, ms = 0;
	int off_h = 0, off_m = 0, sign = 0;
	size_t day_at;
	int64_t total;
	HRESULT hr;

	if (!read_digits(c, 4, &year))
		return expected(c, "a digit");
	if (!read_char(c, "-"))
		return expected(c, "'-'");
	if (FAILED(hr = read_field(c, 1, 12, "month", &month)))
		return hr;
	if (!read_char(c, "-"))
		return expected(c, "'-'");
	day_at = c->pos;
	if (FAILED(hr = read_field(c, 1, 31, "day", &day)))
		return hr;
	if (day > days_in_month(year, month))
		return parse_error(c, day_at, "day out of range for the month");
	if (!read_char(c, "Tt "))
		return expected(c, "'T', 't' or a space");
	if (FAILED(hr = read_field(c, 0, 23, "hour", &hour)))
		return hr;
	if (!read_char(c, ":"))
		return expected(c, "':'");
	if (FAILED(hr = read_field(c, 0, 59, "minute", &minute)))
		return hr;
	if (!read_char(c, ":"))
		return expected(c, "':'");
	if (c->pos + 1 < c->len && c->s[c->pos] == '6' && c->s[c->pos + 1] == '0')
		return parse_error(c, c->pos, "leap second 60 is not supported");
	if (FAILED(hr = read_field(c, 0, 59, "second", &second)))
		return hr;
	if (read_char(c, ".") && FAILED(hr = read_fraction(c, &ms)))
		return hr;
	if (read_char(c, "+"))
		sign = 1;
	else if (read_char(c, "-"))
		sign = -1;
	else if (!read_char(c, "Zz"))
		return expected(c, "'Z' or an offset such as +01:00");
	if (sign) {
		if (FAILED(hr = read_field(c, 0, 23, "offset hour", &off_h)))
			return hr;
		if (!read_char(c, ":"))
			return expected(c, "':'");
		if (FAILED(hr = read_field(c, 0, 59, "offset minute", &off_m)))
			return hr;
	}
	if (c->pos < c->len)
		return parse_error(c, c->pos, "unexpected character after the date-time");

	total = (days_from_civil(year, month, day) + UNIX_EPOCH_DAY) * MS_PER_DAY +
		((hour * 60 + minute) * 60 + second) * INT64_C(1000) + ms -
		sign * (off_h * 60 + off_m) * INT64_C(60000);
	if (!units_in_range(total, MS_PER_DAY))
		return parse_error(c, 0, "date outside 0100-01-01..9999-12-31 UTC");
	*out_ms = total;
	return S_OK;
}

XB_EXPORT HRESULT xb_date_from_rfc3339(const char *s, size_t len, DATE *out, xb_error *err)
{
	struct cursor c = {s, len, 0, err};
	int64_t ms = 0;
	HRESULT hr;

	if (!out || (!s && len != 0 && len != XB_NUL_TERMINATED))
		return E_POINTER;
	if (!s) {
		c.s = "";
		c.len = 0;
	} else if (len == XB_NUL_TERMINATED) {
		c.len = strlen(s);
	}
	hr = parse_rfc3339(&c, &ms);
	if (FAILED(hr))
		return hr;
	*out = ms_to_date(ms);
	return S_OK;
}
