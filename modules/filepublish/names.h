/*
 * filepublish's file names. Every name is built here from values the CA
 * gives, each checked against the form AD CS gives it, and the whole name
 * checked once more; a value that does not fit is refused with
 * HRESULT_FROM_WIN32(ERROR_INVALID_NAME), never repaired.
 */
#ifndef XB_MODULES_FILEPUBLISH_NAMES_H
#define XB_MODULES_FILEPUBLISH_NAMES_H

#include "exitbench.h"

/* The longest name the module writes, in bytes (a temporary name adds about 40). */
#define FP_NAME_MAX 200

/*
 * Whether name can be a file name in the directory on Linux and on Windows
 * alike: 1..FP_NAME_MAX printable ASCII characters, none of \ / : * ? " < > |,
 * not starting with '.' or ' ', not ending with '.' or ' ', and not a
 * Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or without
 * an extension).
 */
int fp_file_name_is_safe(const char *name);

/*
 * "<request_id>-<serial><extension>" (extension ".cer", ".revoked"), new in
 * *out. The request ID must be positive and the serial number a CA serial
 * as AD CS writes it: 1 to 64 lowercase hexadecimal digits.
 */
HRESULT fp_request_file_name(LONG request_id, const char *serial, const char *extension, char **out);

/*
 * "<ca_name><suffix>.crl", or "<ca_name><suffix>+.crl" for a delta CRL, as
 * AD CS names its own CRL files (%3%8%9.crl): ca_name is the sanitized CA
 * name, suffix a CRLSuffix, "" or "(n)". New in *out.
 */
HRESULT fp_crl_file_name(const char *ca_name, const char *suffix, int delta, char **out);

/*
 * The CA name as AD CS sanitizes it (reference §5: & ' * \ { } [ ] ^ : , =
 * ! ` > < # ( ) % | + ? " ; / and every character outside printable ASCII
 * become !xxxx, the UTF-16 code unit in lowercase hex). New; NULL for
 * invalid UTF-8 or without memory.
 */
char *fp_sanitize_ca_name(const char *name);

#endif
