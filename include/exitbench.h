/*
 * exitbench: the AD CS exit-module contract, portable.
 *
 * The one header a module source includes. It gives the Windows names
 * (HRESULT, BSTR, VARIANT, ICertExit2, ICertServerExit_GetCertificateProperty,
 * CoCreateInstance, RegOpenKeyExW, EXITEVENT_*, wszPROP*...) with the
 * Windows SDK's layout and values on every platform: on Windows it includes
 * the SDK headers and adds only what mingw-w64 lacks; on Linux it declares
 * them and libexitbench implements them. Functions of exitbench's own carry
 * the xb_ prefix.
 */
#ifndef XB_INCLUDE_EXITBENCH_H
#define XB_INCLUDE_EXITBENCH_H

#include "exitbench/version.h"
#include "exitbench/platform.h"
#include "exitbench/wintypes.h"
#include "exitbench/winerror.h"
#include "exitbench/unknwn.h"
#include "exitbench/guids.h"
#include "exitbench/oleauto.h"
#include "exitbench/objbase.h"
#include "exitbench/winreg.h"
#include "exitbench/certmod.h"
#include "exitbench/certexit.h"
#include "exitbench/certif.h"
#include "exitbench/certsrv.h"
#include "exitbench/error.h"
#include "exitbench/utf.h"
#include "exitbench/hresult.h"
#include "exitbench/date.h"
#include "exitbench/alloc.h"
#include "exitbench/regstore.h"
#include "exitbench/kit.h"
#include "exitbench/kit_trace.h"

XB_BEGIN_DECLS

/* The library's version string ("0.1.0"), which may differ from XB_VERSION of the headers. */
XB_EXPORT const char *xb_version(void);

XB_END_DECLS

#endif
