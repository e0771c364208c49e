/*
 * Names and messages of HRESULTs and Win32 error codes, from one table
 * (lib/hresult_table.h) that every report of this project uses.
 */
#ifndef XB_INCLUDE_EXITBENCH_HRESULT_H
#define XB_INCLUDE_EXITBENCH_HRESULT_H

#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"

XB_BEGIN_DECLS

/* Enough for "HRESULT_FROM_WIN32(ERROR_...) (0x80070002)" and the longest name. */
#define XB_HRESULT_BUFSIZE 96

/*
 * The symbolic name ("CERTSRV_E_PROPERTY_EMPTY"), or NULL if unknown. A
 * FACILITY_WIN32 code without a name of its own is named after its Win32
 * code: "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)". Static storage.
 */
XB_EXPORT const char *xb_hresult_name(HRESULT hr);
/* A one-line description, or NULL if unknown. Static storage. */
XB_EXPORT const char *xb_hresult_message(HRESULT hr);
/* "NAME (0xXXXXXXXX)" or "0xXXXXXXXX"; writes to buf and returns it. */
XB_EXPORT const char *xb_hresult_format(HRESULT hr, char buf[XB_HRESULT_BUFSIZE]);
/*
 * Parses a name from the table, ignoring case ("E_OUTOFMEMORY";
 * "ERROR_FILE_NOT_FOUND" and "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)"
 * both give 0x80070002) or a number ("0x80094004", "-2147024882",
 * "2147942402"). Returns 0 and sets *hr, or -1 if the text is neither.
 */
XB_EXPORT int xb_hresult_from_name(const char *text, HRESULT *hr);

/* Name of a Win32 error code ("ERROR_MORE_DATA"), or NULL. Static storage. */
XB_EXPORT const char *xb_win32_error_name(LONG code);

XB_END_DECLS

#endif
