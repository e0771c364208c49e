/*
 * Structured exceptions as results (host.h). mingw-w64's C has no __try,
 * so the guard works at the top level instead: an unhandled exception
 * filter, reached only after every frame handler of the module itself had
 * its chance (a C++ module that catches its own exceptions is left alone),
 * rewrites the faulting thread's context to resume in a landing function
 * on a fresh part of the same stack, which __builtin_longjmp's back into
 * xb_host_guarded. GCC's builtin setjmp restores registers only, without
 * the SEH unwinding of msvcrt's longjmp, so it works from a context the
 * unwinder never saw. A vectored handler would see first-chance
 * exceptions, including the ones the module handles itself: wrong here.
 */
#include <stdio.h>
#include <string.h>

#include "host.h"

static void *landing_buf[5];
static volatile DWORD guarded_thread;
static struct xb_host_exception *volatile current;

static void __attribute__((noinline, noreturn)) landing(void)
{
	__builtin_longjmp(landing_buf, 1);
}

static const struct {
	DWORD code;
	const char *name;
} codes[] = {
	{EXCEPTION_ACCESS_VIOLATION, "EXCEPTION_ACCESS_VIOLATION"},
	{EXCEPTION_STACK_OVERFLOW, "EXCEPTION_STACK_OVERFLOW"},
	{EXCEPTION_INT_DIVIDE_BY_ZERO, "EXCEPTION_INT_DIVIDE_BY_ZERO"},
	{EXCEPTION_INT_OVERFLOW, "EXCEPTION_INT_OVERFLOW"},
	{EXCEPTION_ILLEGAL_INSTRUCTION, "EXCEPTION_ILLEGAL_INSTRUCTION"},
	{EXCEPTION_PRIV_INSTRUCTION, "EXCEPTION_PRIV_INSTRUCTION"},
	{EXCEPTION_ARRAY_BOUNDS_EXCEEDED, "EXCEPTION_ARRAY_BOUNDS_EXCEEDED"},
	{EXCEPTION_DATATYPE_MISALIGNMENT, "EXCEPTION_DATATYPE_MISALIGNMENT"},
	{EXCEPTION_IN_PAGE_ERROR, "EXCEPTION_IN_PAGE_ERROR"},
	{EXCEPTION_BREAKPOINT, "EXCEPTION_BREAKPOINT"},
	{EXCEPTION_FLT_DIVIDE_BY_ZERO, "EXCEPTION_FLT_DIVIDE_BY_ZERO"},
	{EXCEPTION_FLT_INVALID_OPERATION, "EXCEPTION_FLT_INVALID_OPERATION"},
	{EXCEPTION_NONCONTINUABLE_EXCEPTION, "EXCEPTION_NONCONTINUABLE_EXCEPTION"},
	{0xC0000374, "STATUS_HEAP_CORRUPTION"},
	{0xE06D7363, "a C++ exception nobody caught"},
};

/* "crash.dll+0x1530", or the bare address outside any module. */
static void where(void *address, char *buf, size_t n)
{
	HMODULE mod = NULL;
	WCHAR path[MAX_PATH];
	if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
			       (LPCWSTR)address, &mod) &&
	    GetModuleFileNameW(mod, path, MAX_PATH)) {
		const WCHAR *base = path;
		for (const WCHAR *c = path; *c; c++)
			if (*c == L'\\' || *c == L'/')
				base = c + 1;
		char name[MAX_PATH * 3];
		snprintf(buf, n, "%s+0x%llx", xb_host_utf8(base, name, sizeof(name)),
			 (unsigned long long)((char *)address - (char *)mod));
	} else {
		snprintf(buf, n, "0x%llx", (unsigned long long)(uintptr_t)address);
	}
}

static void describe(const EXCEPTION_RECORD *rec, struct xb_host_exception *ex)
{
	const char *name = NULL;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == rec->ExceptionCode)
			name = codes[i].name;
	char at[MAX_PATH * 3 + 32], access[96] = "";
	where(rec->ExceptionAddress, at, sizeof(at));
	if (rec->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && rec->NumberParameters >= 2) {
		ULONG_PTR how = rec->ExceptionInformation[0];
		snprintf(access, sizeof(access), " %s address 0x%llx",
			 how == 0 ? "reading" : how == 1 ? "writing" : how == 8 ? "executing" : "accessing",
			 (unsigned long long)rec->ExceptionInformation[1]);
	}
	ex->code = rec->ExceptionCode;
	ex->address = rec->ExceptionAddress;
	snprintf(ex->text, sizeof(ex->text), "%s (0x%08lX)%s at %s", name ? name : "exception",
		 (unsigned long)rec->ExceptionCode, access, at);
}

static LONG WINAPI filter(EXCEPTION_POINTERS *ep)
{
	if (!guarded_thread || GetCurrentThreadId() != guarded_thread) {
		/* A thread of the module's own, or the host itself: nothing to return to. Say so and die. */
		struct xb_host_exception ex;
		describe(ep->ExceptionRecord, &ex);
		fprintf(stderr, "exitbench-host: %s on a thread outside any call into the module; exiting\n", ex.text);
		fflush(stderr);
		ExitProcess(3);
	}
	describe(ep->ExceptionRecord, current);
	/* Resume in landing() well below the faulting frame, 16-byte aligned as after a call. */
	CONTEXT *c = ep->ContextRecord;
	DWORD64 sp = (c->Rsp - 8192) & ~(DWORD64)15;
	c->Rsp = sp - 8;
	c->Rip = (DWORD64)(uintptr_t)landing;
	return EXCEPTION_CONTINUE_EXECUTION;
}

void xb_host_guard_install(void)
{
	SetUnhandledExceptionFilter(filter);
	/* No error dialog boxes: a crash is a result here, not something for a person to click away. */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
}

int __attribute__((noinline)) xb_host_guarded(void (*fn)(void *), void *arg, struct xb_host_exception *ex)
{
	memset(ex, 0, sizeof(*ex));
	current = ex;
	if (__builtin_setjmp(landing_buf)) {
		guarded_thread = 0;
		current = NULL;
		return 1;
	}
	guarded_thread = GetCurrentThreadId();
	fn(arg);
	guarded_thread = 0;
	current = NULL;
	return 0;
}
