/*
 * What hello.dll says about itself, in one place: hello.c's declaration
 * (ICertManageModule on Linux) and hello.rc (the version resource that
 * Explorer shows and the kit answers from on Windows) both read it.
 * exitbench/kit_version.h gives the rules.
 */
#ifndef XB_MODULES_HELLO_VERSION_H
#define XB_MODULES_HELLO_VERSION_H

#include "exitbench/version.h"

#define XB_MODULE_DISPLAY_NAME "Hello Exit Module"
#define XB_MODULE_DESCRIPTION "Hello exit module (logs each event)"
#define XB_MODULE_COPYRIGHT "Copyright (c) the exitbench authors"
#define XB_MODULE_FILE_VERSION 1, 0, 0, 0
/* A sample module is released with exitbench, so it carries exitbench's version. */
#define XB_MODULE_PRODUCT_VERSION XB_VERSION_MAJOR, XB_VERSION_MINOR, XB_VERSION_MICRO, 0
#define XB_MODULE_FILE_NAME "hello.dll"

#endif
