/* The parts of COM activation shared between com_classes.c and com_inproc.c. */
#ifndef XB_LIB_COM_PRIVATE_H
#define XB_LIB_COM_PRIVATE_H

#include "exitbench.h"

/*
 * The class object of rclsid from the library named by
 * HKCR\CLSID\{rclsid}\InprocServer32, asked for riid.
 */
HRESULT xb_inproc_get_class_object(REFCLSID rclsid, REFIID riid, void **ppv);
/* Unloads the libraries whose DllCanUnloadNow says S_OK. */
void xb_inproc_free_unused(void);

#endif
