/*
 * SystemTimeToVariantTime and VariantTimeToSystemTime, on top of date.c.
 *
 * Windows (and Wine) normalise some out-of-range SYSTEMTIME fields (a
 * two-digit wYear becomes 19xx/20xx, day 0 the last day of the previous
 * month). We refuse them instead and return FALSE: a module that relies on
 * such input has a bug worth seeing in its tests, and the normalisation
 * rules are not documented.
 */
#include "exitbench.h"

XB_EXPORT INT SystemTimeToVariantTime(LPSYSTEMTIME lpSystemTime, DATE *pvtime)
{
	xb_utc t;

	if (!lpSystemTime || !pvtime)
		return FALSE;
	/* wDayOfWeek is ignored, as on Windows. */
	t.year = lpSystemTime->wYear;
	t.month = lpSystemTime->wMonth;
	t.day = lpSystemTime->wDay;
	t.hour = lpSystemTime->wHour;
	t.minute = lpSystemTime->wMinute;
	t.second = lpSystemTime->wSecond;
	t.millisecond = lpSystemTime->wMilliseconds;
	return SUCCEEDED(xb_date_from_utc(&t, pvtime)) ? TRUE : FALSE;
}

XB_EXPORT INT VariantTimeToSystemTime(DATE vtime, LPSYSTEMTIME lpSystemTime)
{
	int64_t secs, days;
	DATE whole;
	xb_utc t;

	if (!lpSystemTime)
		return FALSE;
	/* Rounding to the second first, then converting that exact second back. */
	if (FAILED(xb_date_to_time_t(vtime, &secs)) || FAILED(xb_date_from_time_t(secs, &whole)) ||
	    FAILED(xb_date_to_utc(whole, &t)))
		return FALSE;
	days = secs / 86400 - (secs % 86400 < 0);
	lpSystemTime->wYear = (WORD)t.year;
	lpSystemTime->wMonth = (WORD)t.month;
	lpSystemTime->wDay = (WORD)t.day;
	lpSystemTime->wHour = (WORD)t.hour;
	lpSystemTime->wMinute = (WORD)t.minute;
	lpSystemTime->wSecond = (WORD)t.second;
	lpSystemTime->wMilliseconds = 0;
	/* 1970-01-01 was a Thursday; 0 is Sunday. */
	lpSystemTime->wDayOfWeek = (WORD)(((days + 4) % 7 + 7) % 7);
	return TRUE;
}
