/*
 * The kit's log: one line per call, tagged with the module whose callback
 * is running on this thread. Linux: stderr, or the handler the engine
 * installs. Windows: OutputDebugStringW (an Event Log source needs an
 * installer to register it; that can come later).
 */
#if defined(_WIN32) && !defined(__USE_MINGW_ANSI_STDIO)
# define __USE_MINGW_ANSI_STDIO 1 /* mingw-w64: C99 vsnprintf (%zu, %lld) rather than msvcrt's */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit_private.h"

#if defined(_MSC_VER)
# define XB_THREAD_LOCAL __declspec(thread)
#else
# define XB_THREAD_LOCAL _Thread_local
#endif

/* libexitbench is shared by every module a Linux process loads, so "which module" is per call, per thread. */
static XB_THREAD_LOCAL const struct xb_exit_module_decl *current;
#if defined(XB_WINDOWS)
/* The kit is linked into each module DLL: outside a callback, the DLL's own module. */
static const struct xb_exit_module_decl *volatile dll_module;
#endif

static xb_kit_log_handler handler;
static void *handler_ctx;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

XB_EXPORT const char *xb_kit_log_level_name(xb_kit_log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[level];
}

const struct xb_exit_module_decl *xb_kit_enter(const struct xb_exit_module_decl *decl)
{
	const struct xb_exit_module_decl *previous = current;
	current = decl;
#if defined(XB_WINDOWS)
	dll_module = decl;
#endif
	return previous;
}

void xb_kit_leave(const struct xb_exit_module_decl *previous)
{
	current = previous;
}

XB_EXPORT void xb_kit_set_log_handler(xb_kit_log_handler h, void *ctx)
{
	handler = h;
	handler_ctx = ctx;
}

static const char *module_name(void)
{
	const struct xb_exit_module_decl *decl = current;
#if defined(XB_WINDOWS)
	if (!decl)
		decl = dll_module;
#endif
	return decl && decl->name ? decl->name : "exit module";
}

static void write_default(const char *module, xb_kit_log_level level, const char *message)
{
#if defined(XB_WINDOWS)
	char head[160];
	snprintf(head, sizeof(head), "%s: %s: ", module, xb_kit_log_level_name(level));
	size_t a = strlen(head), b = strlen(message);
	char *line = malloc(a + b + 2);
	if (!line)
		return;
	memcpy(line, head, a);
	memcpy(line + a, message, b);
	memcpy(line + a + b, "\n", 2);
	OLECHAR *wide = NULL;
	if (SUCCEEDED(xb_utf8_to_utf16(line, XB_NUL_TERMINATED, &wide, NULL, NULL)))
		OutputDebugStringW(wide);
	else
		OutputDebugStringA(line); /* not UTF-8: still better seen than lost */
	free(wide);
	free(line);
#else
	if (level > XB_KIT_LOG_INFO)
		return;
	/* One call, so that lines from concurrent Notify calls do not interleave. */
	fprintf(stderr, "%s: %s: %s\n", module, xb_kit_log_level_name(level), message);
#endif
}

XB_EXPORT void xb_kit_logv(xb_kit_log_level level, const char *fmt, va_list ap)
{
	char small[512], *text = small;
	va_list again;
	if (!fmt)
		return;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (text)
			vsnprintf(text, (size_t)n + 1, fmt, again);
		else
			text = small; /* the truncated line is better than none */
	}
	va_end(again);
	size_t len = strlen(text);
	if (len && text[len - 1] == '\n') /* the kit ends the line */
		text[len - 1] = 0;
	xb_kit_log_handler h = handler;
	if (h)
		h(handler_ctx, module_name(), level, text);
	else
		write_default(module_name(), level, text);
	if (text != small)
		free(text);
}

XB_EXPORT void xb_kit_log(xb_kit_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	xb_kit_logv(level, fmt, ap);
	va_end(ap);
}
