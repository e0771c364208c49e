/*
 * The registry API subset modules use for registration and configuration,
 * over lib/'s in-memory store (HKEY_CLASSES_ROOT and HKEY_LOCAL_MACHINE).
 * Same names, arguments, results and Win32 error codes as advapi32, so a
 * module's DllRegisterServer and configuration code are one source on both
 * platforms. On Windows: advapi32 itself.
 *
 * Behaviour follows Windows: key and value names are case-insensitive and
 * case-preserving; subkeys enumerate in case-insensitive name order, values
 * in the order they were first set; string data sizes are in bytes and
 * include the terminating NUL(s). Thread-safe.
 */
#ifndef XB_INCLUDE_EXITBENCH_WINREG_H
#define XB_INCLUDE_EXITBENCH_WINREG_H

#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"

#if !defined(XB_WINDOWS)

XB_BEGIN_DECLS

typedef struct HKEY__ *HKEY;
typedef HKEY *PHKEY;
typedef DWORD REGSAM;
typedef struct _SECURITY_ATTRIBUTES *LPSECURITY_ATTRIBUTES;

#define HKEY_CLASSES_ROOT ((HKEY)(ULONG_PTR)0x80000000u)
#define HKEY_CURRENT_USER ((HKEY)(ULONG_PTR)0x80000001u)
#define HKEY_LOCAL_MACHINE ((HKEY)(ULONG_PTR)0x80000002u)
#define HKEY_USERS ((HKEY)(ULONG_PTR)0x80000003u)

#define REG_NONE 0
#define REG_SZ 1
#define REG_EXPAND_SZ 2
#define REG_BINARY 3
#define REG_DWORD 4
#define REG_DWORD_LITTLE_ENDIAN 4
#define REG_DWORD_BIG_ENDIAN 5
#define REG_LINK 6
#define REG_MULTI_SZ 7
#define REG_QWORD 11

#define REG_OPTION_NON_VOLATILE 0x0
#define REG_OPTION_VOLATILE 0x1
#define REG_CREATED_NEW_KEY 0x1
#define REG_OPENED_EXISTING_KEY 0x2

#define KEY_QUERY_VALUE 0x0001
#define KEY_SET_VALUE 0x0002
#define KEY_CREATE_SUB_KEY 0x0004
#define KEY_ENUMERATE_SUB_KEYS 0x0008
#define KEY_NOTIFY 0x0010
#define KEY_CREATE_LINK 0x0020
#define KEY_WOW64_64KEY 0x0100
#define KEY_WOW64_32KEY 0x0200
#define KEY_READ 0x20019
#define KEY_WRITE 0x20006
#define KEY_EXECUTE 0x20019
#define KEY_ALL_ACCESS 0xF003F

/* RegGetValueW flags */
#define RRF_RT_REG_NONE 0x00000001
#define RRF_RT_REG_SZ 0x00000002
#define RRF_RT_REG_EXPAND_SZ 0x00000004
#define RRF_RT_REG_BINARY 0x00000008
#define RRF_RT_REG_DWORD 0x00000010
#define RRF_RT_REG_MULTI_SZ 0x00000020
#define RRF_RT_REG_QWORD 0x00000040
#define RRF_RT_DWORD (RRF_RT_REG_BINARY | RRF_RT_REG_DWORD)
#define RRF_RT_QWORD (RRF_RT_REG_BINARY | RRF_RT_REG_QWORD)
#define RRF_RT_ANY 0x0000ffff
#define RRF_SUBKEY_WOW6464KEY 0x00010000
#define RRF_SUBKEY_WOW6432KEY 0x00020000
#define RRF_NOEXPAND 0x10000000
#define RRF_ZEROONFAILURE 0x20000000

XB_EXPORT LSTATUS RegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD Reserved, LPWSTR lpClass, DWORD dwOptions,
				  REGSAM samDesired, LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
				  LPDWORD lpdwDisposition);
XB_EXPORT LSTATUS RegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD ulOptions, REGSAM samDesired, PHKEY phkResult);
XB_EXPORT LSTATUS RegCloseKey(HKEY hKey);
XB_EXPORT LSTATUS RegSetValueExW(HKEY hKey, LPCWSTR lpValueName, DWORD Reserved, DWORD dwType,
				 const BYTE *lpData, DWORD cbData);
XB_EXPORT LSTATUS RegQueryValueExW(HKEY hKey, LPCWSTR lpValueName, LPDWORD lpReserved, LPDWORD lpType,
				   LPBYTE lpData, LPDWORD lpcbData);
XB_EXPORT LSTATUS RegGetValueW(HKEY hkey, LPCWSTR lpSubKey, LPCWSTR lpValue, DWORD dwFlags, LPDWORD pdwType,
			       PVOID pvData, LPDWORD pcbData);
XB_EXPORT LSTATUS RegEnumKeyExW(HKEY hKey, DWORD dwIndex, LPWSTR lpName, LPDWORD lpcchName, LPDWORD lpReserved,
				LPWSTR lpClass, LPDWORD lpcchClass, PFILETIME lpftLastWriteTime);
XB_EXPORT LSTATUS RegEnumValueW(HKEY hKey, DWORD dwIndex, LPWSTR lpValueName, LPDWORD lpcchValueName,
				LPDWORD lpReserved, LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData);
XB_EXPORT LSTATUS RegDeleteValueW(HKEY hKey, LPCWSTR lpValueName);
/* Deletes a key that has no subkeys (ERROR_ACCESS_DENIED otherwise, as on Windows). */
XB_EXPORT LSTATUS RegDeleteKeyW(HKEY hKey, LPCWSTR lpSubKey);
/* Deletes lpSubKey and everything below it; with a NULL lpSubKey, everything below hKey. */
XB_EXPORT LSTATUS RegDeleteTreeW(HKEY hKey, LPCWSTR lpSubKey);

XB_END_DECLS

#endif /* !XB_WINDOWS */

#endif
