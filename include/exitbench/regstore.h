/*
 * Managing the emulated registry behind exitbench/winreg.h: what the engine
 * uses to seed a module's configuration (--set NAME=VALUE), inspect what a
 * module's DllRegisterServer wrote, and reset between test cases. Paths use
 * backslashes and are relative to the root key; names and values are UTF-8.
 */
#ifndef XB_INCLUDE_EXITBENCH_REGSTORE_H
#define XB_INCLUDE_EXITBENCH_REGSTORE_H

#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"
#include "exitbench/winreg.h"

#if !defined(XB_WINDOWS)

XB_BEGIN_DECLS

/* Deletes every key under every root; handles still open see ERROR_KEY_DELETED. */
XB_EXPORT void xb_registry_clear(void);

/* Creates the key path if needed and sets a REG_SZ value (name NULL or "" = default value). */
XB_EXPORT LSTATUS xb_registry_set_string(HKEY root, const char *path, const char *name, const char *value);
/* Same for REG_DWORD. */
XB_EXPORT LSTATUS xb_registry_set_dword(HKEY root, const char *path, const char *name, DWORD value);
/* Same for REG_MULTI_SZ from a NULL-terminated array of strings. */
XB_EXPORT LSTATUS xb_registry_set_multi_string(HKEY root, const char *path, const char *name,
					       const char *const *values);
/*
 * Reads a REG_SZ or REG_EXPAND_SZ value (unexpanded) as new UTF-8 (free() it).
 * ERROR_FILE_NOT_FOUND for a missing key or value, ERROR_DATATYPE_MISMATCH
 * for another type.
 */
XB_EXPORT LSTATUS xb_registry_get_string(HKEY root, const char *path, const char *name, char **value);

/*
 * The subtree at root\path in the text form of a Windows .reg file
 * ("Windows Registry Editor Version 5.00", [key] sections in enumeration
 * order, "name"="text", dword:, hex:, hex(2):, hex(7):), but UTF-8. New
 * string (free() it), or NULL if the key does not exist or out of memory.
 */
XB_EXPORT char *xb_registry_export(HKEY root, const char *path);

XB_END_DECLS

#endif /* !XB_WINDOWS */

#endif
