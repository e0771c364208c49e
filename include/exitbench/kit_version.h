/*
 * A module's version strings, written once and read twice: by the C
 * compiler (the XB_EXIT_MODULE declaration, which answers
 * ICertManageModule::GetProperty on Linux) and by windres
 * (exitbench/kit_version.rc, the DLL's VERSIONINFO, which Explorer shows
 * and the kit answers from on Windows). So the CA console and the file's
 * properties cannot disagree.
 *
 * A module puts, in a header of its own that both its C file and its .rc
 * include (modules/hello/hello_version.h is an example):
 *
 *   #define XB_MODULE_DISPLAY_NAME    "Hello Exit Module"          Name / ProductName
 *   #define XB_MODULE_DESCRIPTION     "Hello exit module"          Description / FileDescription
 *   #define XB_MODULE_COPYRIGHT       "Copyright (c) ..."          Copyright / LegalCopyright
 *   #define XB_MODULE_FILE_VERSION    1, 0, 0, 0                   File Version / FILEVERSION, FileVersion
 *   #define XB_MODULE_PRODUCT_VERSION 1, 0, 0, 0                   Product Version / PRODUCTVERSION, ProductVersion
 *   #define XB_MODULE_FILE_NAME       "hello.dll"                  OriginalFilename, InternalName (optional)
 *
 * and uses XB_KIT_VERSION_FIELDS among the declaration's initializers.
 * The strings are one literal each, UTF-8, without a double quote or a
 * backslash escape other than \\ and \t: windres reads "" as a quote and
 * cuts a string at a \NNN or \xNN escape, where C reads them otherwise.
 * The versions are four decimal numbers from 0 to 65535, because the
 * binary FILEVERSION that Explorer shows holds four 16-bit numbers; the
 * text forms are those numbers joined by dots ("1.0.0.0"), as Explorer
 * prints them.
 *
 * Only preprocessor definitions here: windres includes this file.
 */
#ifndef XB_INCLUDE_EXITBENCH_KIT_VERSION_H
#define XB_INCLUDE_EXITBENCH_KIT_VERSION_H

#define XB_KIT_STRINGIFY_(x) #x
#define XB_KIT_STRINGIFY(x) XB_KIT_STRINGIFY_(x)
#define XB_KIT_VERSION_TEXT_(a, b, c, d) XB_KIT_STRINGIFY(a.b.c.d)
/* "a.b.c.d", one string literal, from a list of four numbers "a, b, c, d" given as one macro. */
#define XB_KIT_VERSION_TEXT(version) XB_KIT_VERSION_TEXT_(version)

#define XB_KIT_VERSION_OK_(a, b, c, d)                                                          \
	((a) >= 0 && (a) <= 65535 && (b) >= 0 && (b) <= 65535 && (c) >= 0 && (c) <= 65535 &&  \
	 (d) >= 0 && (d) <= 65535)
/* 1 when a version macro is four numbers that fit VERSIONINFO's 16-bit fields (for #if). */
#define XB_KIT_VERSION_OK(version) XB_KIT_VERSION_OK_(version)

/*
 * The declaration's five version fields from the module's XB_MODULE_*
 * macros: XB_EXIT_MODULE(id, name, clsid, manage_clsid, .notify = ...,
 * XB_KIT_VERSION_FIELDS).
 */
#define XB_KIT_VERSION_FIELDS                                                                      \
	.display_name = XB_MODULE_DISPLAY_NAME, .description = XB_MODULE_DESCRIPTION,              \
	.copyright = XB_MODULE_COPYRIGHT, .file_version = XB_KIT_VERSION_TEXT(XB_MODULE_FILE_VERSION), \
	.product_version = XB_KIT_VERSION_TEXT(XB_MODULE_PRODUCT_VERSION)

#endif
