/*
 * The exitbench command line: one function per verb, sharing the exit
 * codes and the way errors are printed.
 */
#ifndef XB_EMU_CLI_H
#define XB_EMU_CLI_H

#include "exitbench.h"

/* Exit codes (exitbench(1)). */
enum {
	XB_EXIT_OK = 0,      /* every call succeeded, no violation */
	XB_EXIT_FAILED = 1,  /* a module failed a call or broke the contract */
	XB_EXIT_USAGE = 2    /* bad usage, unreadable or malformed input, a module that does not load */
};

int xb_cli_replay(int argc, char **argv);
int xb_cli_demo(int argc, char **argv);
int xb_cli_inspect(int argc, char **argv);

/* Prints "exitbench: " and the message to stderr. */
void xb_cli_error(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
/* Prints an xb_error as FILE:LINE:COLUMN: text (the parts it has) to stderr. */
void xb_cli_print_error(const xb_error *err);
/* "Try 'exitbench VERB --help'." to stderr; returns XB_EXIT_USAGE. */
int xb_cli_try_help(const char *verb);

#endif
