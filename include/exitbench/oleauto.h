/*
 * The OLE Automation subset a module uses: BSTR, VARIANT and DATE
 * functions with the Windows semantics and memory layout (reference §7).
 * On Windows: the SDK's oleaut32.
 *
 * Ownership follows COM: every BSTR returned is new and is freed with
 * SysFreeString; VariantClear frees what a VARIANT owns.
 */
#ifndef XB_INCLUDE_EXITBENCH_OLEAUTO_H
#define XB_INCLUDE_EXITBENCH_OLEAUTO_H

#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"

#if !defined(XB_WINDOWS)

XB_BEGIN_DECLS

/* ---- BSTR: a 4-byte byte count, the characters, a 2-byte NUL -------- */

/* New BSTR copying psz up to its NUL; NULL for a NULL psz or out of memory. */
XB_EXPORT BSTR SysAllocString(const OLECHAR *psz);
/* New BSTR of ui characters, copied from strIn or zeroed if strIn is NULL. */
XB_EXPORT BSTR SysAllocStringLen(const OLECHAR *strIn, UINT ui);
/* New BSTR of exactly len bytes (may be odd), copied from psz or zeroed; for binary payloads. */
XB_EXPORT BSTR SysAllocStringByteLen(const char *psz, UINT len);
/*
 * Replaces *pbstr with a copy of psz (freeing the old); TRUE on success.
 * A NULL psz frees *pbstr and sets it to NULL; a NULL pbstr gives FALSE.
 */
XB_EXPORT INT SysReAllocString(BSTR *pbstr, const OLECHAR *psz);
/*
 * Replaces *pbstr with ui characters of psz (which may alias *pbstr); TRUE
 * on success, FALSE (and *pbstr unchanged) when out of memory. A NULL psz
 * keeps the old characters that fit and zeroes the rest.
 */
XB_EXPORT INT SysReAllocStringLen(BSTR *pbstr, const OLECHAR *psz, UINT ui);
/* Frees a BSTR; NULL is ignored. */
XB_EXPORT void SysFreeString(BSTR bstrString);
/* Length in characters (byte count / 2, rounded down); 0 for NULL. */
XB_EXPORT UINT SysStringLen(BSTR pbstr);
/* Length in bytes as stored in the prefix; 0 for NULL. */
XB_EXPORT UINT SysStringByteLen(BSTR bstr);

/* ---- VARIANT ---------------------------------------------------------- */

#define VARIANT_NOVALUEPROP 0x01
#define VARIANT_ALPHABOOL 0x02
#define VARIANT_NOUSEROVERRIDE 0x04
#define VARIANT_LOCALBOOL 0x10

/* Sets vt to VT_EMPTY and the reserved words to 0; does not free anything. */
XB_EXPORT void VariantInit(VARIANTARG *pvarg);
/* Frees what the VARIANT owns (BSTR, interface reference) and sets VT_EMPTY. */
XB_EXPORT HRESULT VariantClear(VARIANTARG *pvarg);
/* Clears pvargDest, then deep-copies pvargSrc into it (BSTRs copied, interfaces AddRef'd). */
XB_EXPORT HRESULT VariantCopy(VARIANTARG *pvargDest, const VARIANTARG *pvargSrc);
/*
 * Converts pvargSrc to type vt into pvargDest (which may be the same
 * VARIANT); VT_BYREF sources are followed. Supported: among VT_EMPTY,
 * VT_I2, VT_I4, VT_BOOL, VT_DATE, VT_BSTR (and VT_R8, VT_UI1, and VT_NULL,
 * which only VT_EMPTY and VT_NULL convert to, and converts to nothing but
 * VT_EMPTY); others give DISP_E_BADVARTYPE, out-of-range values
 * DISP_E_OVERFLOW, unparsable text or VT_NULL DISP_E_TYPEMISMATCH. On
 * failure pvargDest is unchanged; on success its old value is cleared.
 * Fractions round half to even (2.5 -> 2); VARIANT_TRUE is -1 (255 as
 * VT_UI1); a DATE converts to and from numbers as its day count. Text uses
 * an invariant locale where Windows uses the user's: dates in RFC 3339
 * form ("2024-02-29T18:00:00Z"; a DATE outside 0100..9999 gives
 * E_INVALIDARG), numbers with '.' and 15 significant digits ("%.15G"),
 * booleans "True"/"False" (with VARIANT_ALPHABOOL or VARIANT_LOCALBOOL)
 * or "-1"/"0"; text to a number is decimal with optional sign, fraction,
 * exponent and surrounding spaces, to VT_BOOL also "True"/"False" in any case.
 */
XB_EXPORT HRESULT VariantChangeType(VARIANTARG *pvargDest, const VARIANTARG *pvargSrc, USHORT wFlags,
				    VARTYPE vt);

/* ---- DATE ------------------------------------------------------------- */

/*
 * TRUE on success; wMilliseconds is kept, wDayOfWeek ignored. FALSE for
 * any field out of range (wYear outside 100..9999, Feb 30, wHour 24...),
 * where Windows normalises some of them (two-digit years, day 0).
 */
XB_EXPORT INT SystemTimeToVariantTime(LPSYSTEMTIME lpSystemTime, DATE *pvtime);
/*
 * TRUE on success; rounds to the nearest second, as Windows does, so
 * wMilliseconds is 0; wDayOfWeek is filled in (0 = Sunday). FALSE for a
 * DATE outside 0100-01-01..9999-12-31.
 */
XB_EXPORT INT VariantTimeToSystemTime(DATE vtime, LPSYSTEMTIME lpSystemTime);

XB_END_DECLS

#endif /* !XB_WINDOWS */

#endif
