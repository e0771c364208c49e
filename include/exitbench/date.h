/*
 * OLE Automation DATE (days since 1899-12-30 00:00 UTC, time of day as the
 * fraction) <-> calendar time, time_t and RFC 3339 text, with the
 * Automation rules: before 1899-12-30 the integer part counts days
 * backwards while the fraction still counts time forwards (-1.25 is
 * 1899-12-29 06:00). Valid DATEs are 0100-01-01 .. 9999-12-31 (reference §5).
 */
#ifndef XB_INCLUDE_EXITBENCH_DATE_H
#define XB_INCLUDE_EXITBENCH_DATE_H

#include <stddef.h>
#include <stdint.h>
#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"
#include "exitbench/error.h"

XB_BEGIN_DECLS

/* A UTC calendar time; proleptic Gregorian calendar. */
typedef struct xb_utc {
	int year;        /* 100..9999 */
	int month;       /* 1..12 */
	int day;         /* 1..31 */
	int hour;        /* 0..23 */
	int minute;      /* 0..59 */
	int second;      /* 0..59 */
	int millisecond; /* 0..999 */
} xb_utc;

#define XB_DATE_MIN (-657434.0)           /* 0100-01-01 00:00:00 */
#define XB_DATE_MAX (2958465.999988426)   /* 9999-12-31 23:59:59 */
#define XB_DATE_UNIX_EPOCH 25569.0        /* 1970-01-01 00:00:00 */

/* E_INVALIDARG for a field out of range (including Feb 30) or a year outside 100..9999. */
XB_EXPORT HRESULT xb_date_from_utc(const xb_utc *t, DATE *out);
/*
 * Rounds to the millisecond (carrying into the next day if need be);
 * E_INVALIDARG for NaN or a DATE that does not round to an instant in
 * 0100-01-01 00:00:00.000 .. 9999-12-31 23:59:59.999. (Negative DATEs count
 * days backwards, so -657434.5 is 0100-01-01 12:00, inside the range.)
 */
XB_EXPORT HRESULT xb_date_to_utc(DATE d, xb_utc *out);
/* Seconds since 1970-01-01 UTC; E_INVALIDARG when outside the DATE range. */
XB_EXPORT HRESULT xb_date_from_time_t(int64_t t, DATE *out);
/* Rounds to the nearest second; E_INVALIDARG when the result is outside the DATE range. */
XB_EXPORT HRESULT xb_date_to_time_t(DATE d, int64_t *out);

/* "YYYY-MM-DDTHH:MM:SSZ", or with ".mmm" before the Z when milliseconds are not 0. */
#define XB_RFC3339_BUFSIZE 32
XB_EXPORT HRESULT xb_date_to_rfc3339(DATE d, char buf[XB_RFC3339_BUFSIZE]);
/*
 * Parses RFC 3339 date-time ("2024-02-29T12:00:00Z", fraction and numeric
 * offset allowed; 't', 'z' and a space for 'T' accepted) and converts to
 * UTC. Seconds are required; a fraction may have any number of digits
 * and is rounded half up to the millisecond; a leap second (":60") is
 * refused, as a DATE cannot hold it. len may be XB_NUL_TERMINATED. On
 * failure returns E_INVALIDARG and fills err (optional) with the offending
 * byte's position, line 1 and column position + 1 (position 0 when the
 * well-formed date falls outside the DATE range).
 */
XB_EXPORT HRESULT xb_date_from_rfc3339(const char *s, size_t len, DATE *out, xb_error *err);

XB_END_DECLS

#endif
