/*
 * What recorder.dll says about itself, in one place: recorder.c's
 * declaration (ICertManageModule on Linux) and recorder.rc (the version
 * resource that Explorer shows and the kit answers from on Windows) both
 * read it. exitbench/kit_version.h gives the rules.
 */
#ifndef XB_MODULES_RECORDER_VERSION_H
#define XB_MODULES_RECORDER_VERSION_H

#include "exitbench/version.h"

#define XB_MODULE_DISPLAY_NAME "exitbench Recorder Exit Module"
#define XB_MODULE_DESCRIPTION "Recorder exit module (writes each event to an exitbench trace)"
#define XB_MODULE_COPYRIGHT "Copyright (c) the exitbench authors"
#define XB_MODULE_FILE_VERSION 1, 0, 0, 0
/* A sample module is released with exitbench, so it carries exitbench's version. */
#define XB_MODULE_PRODUCT_VERSION XB_VERSION_MAJOR, XB_VERSION_MINOR, XB_VERSION_MICRO, 0
#define XB_MODULE_FILE_NAME "recorder.dll"

#endif
