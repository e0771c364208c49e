/*
 * What mymodule says about itself, in one place: mymodule.c's declaration
 * and mymodule.rc (the DLL's version resource) both include this file.
 */
#ifndef MYMODULE_VERSION_H
#define MYMODULE_VERSION_H

#define XB_MODULE_DISPLAY_NAME "MyModule Exit Module"
#define XB_MODULE_DESCRIPTION "Issued-certificate log (exitbench example)"
#define XB_MODULE_COPYRIGHT "Copyright (c) the mymodule authors"
#define XB_MODULE_FILE_VERSION 1, 0, 0, 0
#define XB_MODULE_PRODUCT_VERSION 1, 0, 0, 0
#define XB_MODULE_FILE_NAME "mymodule.dll"

#endif
