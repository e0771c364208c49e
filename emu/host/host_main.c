/*
 * exitbench-host.exe (host.h): reads requests on standard input, answers
 * on standard output, one at a time, until BYE or the end of the input.
 *
 * The module must never write into the protocol: the host keeps private
 * duplicates of the two pipe handles and points the module's standard
 * output (the CRT's and the Win32 one) at standard error, and its
 * standard input at NUL.
 */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "snapshot_server.h"

static HANDLE in, out;

/* ---- the call log ----------------------------------------------------------- */

/* The calls the module makes during one call into it, on the thread that made that call. */
static struct {
	CRITICAL_SECTION lock;
	DWORD thread;                /* the thread in the call; calls from others are not charged (as in the engine) */
	struct xb_call_record *items;
	size_t *slots;               /* the spy slot of each handed-out BSTR */
	size_t n, cap;
	struct xb_arena names;
} calls;

static void log_call(void *ctx, const struct xb_call_record *call, BSTR handed)
{
	(void)ctx;
	if (GetCurrentThreadId() != calls.thread)
		return;
	EnterCriticalSection(&calls.lock);
	if (calls.n == calls.cap) {
		size_t cap = calls.cap ? 2 * calls.cap : 64;
		struct xb_call_record *items = realloc(calls.items, cap * sizeof(*items));
		size_t *slots = items ? realloc(calls.slots, cap * sizeof(*slots)) : NULL;
		if (items)
			calls.items = items;
		if (slots) {
			calls.slots = slots;
			calls.cap = cap;
		}
	}
	if (calls.n < calls.cap) {
		struct xb_call_record *c = &calls.items[calls.n];
		*c = *call;
		if (call->name) {
			char *copy = xb_arena_alloc(&calls.names, strlen(call->name) + 1);
			c->name = copy ? strcpy(copy, call->name) : NULL;
		}
		calls.slots[calls.n] = handed ? xb_host_spy_watch(handed) : (size_t)-1;
		calls.n++;
	}
	LeaveCriticalSection(&calls.lock);
}

static void log_begin(void)
{
	EnterCriticalSection(&calls.lock);
	calls.n = 0;
	xb_arena_free(&calls.names);
	xb_host_spy_reset();
	calls.thread = GetCurrentThreadId();
	LeaveCriticalSection(&calls.lock);
}

/* Ends the log and settles each handed-out BSTR: freed or not by now. */
static void log_end(void)
{
	EnterCriticalSection(&calls.lock);
	calls.thread = 0;
	for (size_t i = 0; i < calls.n; i++)
		if (calls.items[i].handed)
			calls.items[i].freed = xb_host_spy_freed(calls.slots[i]);
	LeaveCriticalSection(&calls.lock);
}

/* ---- frames ----------------------------------------------------------------- */

static int read_all(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		DWORD got = 0;
		if (!ReadFile(in, p, n > 0x10000000 ? 0x10000000 : (DWORD)n, &got, NULL) || !got)
			return -1;
		p += got;
		n -= got;
	}
	return 0;
}

static int write_all(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	while (n) {
		DWORD done = 0;
		if (!WriteFile(out, p, (DWORD)n, &done, NULL) || !done)
			return -1;
		p += done;
		n -= done;
	}
	return 0;
}

static struct xb_wbuf reply;

static void send_response(const struct xb_bridge_response *r)
{
	if (xb_bridge_encode_response(&reply, r)) {
		/* Cannot happen with what the host says (all of it bounded); say so rather than go silent. */
		struct xb_bridge_response broken = {.type = XB_MSG_BROKEN, .error = "the host's answer cannot be encoded"};
		xb_bridge_encode_response(&reply, &broken);
	}
	if (write_all(reply.p, reply.n))
		ExitProcess(4); /* the engine is gone */
}

static void __attribute__((noreturn)) broken(const char *why)
{
	struct xb_bridge_response r = {.type = XB_MSG_BROKEN, .error = why};
	send_response(&r);
	fprintf(stderr, "exitbench-host: %s\n", why);
	ExitProcess(2);
}

/* ---- set-up ---------------------------------------------------------------------- */

/* The protocol's handles for us alone; the module's standard streams elsewhere. */
static void take_std_handles(void)
{
	HANDLE self = GetCurrentProcess();
	if (!DuplicateHandle(self, GetStdHandle(STD_INPUT_HANDLE), self, &in, 0, FALSE, DUPLICATE_SAME_ACCESS) ||
	    !DuplicateHandle(self, GetStdHandle(STD_OUTPUT_HANDLE), self, &out, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
		fprintf(stderr, "exitbench-host: cannot take the standard handles (error %lu)\n", GetLastError());
		ExitProcess(2);
	}
	fflush(stdout);
	_dup2(_fileno(stderr), _fileno(stdout));
	int nul = _open("NUL", _O_RDONLY);
	if (nul >= 0) {
		_dup2(nul, _fileno(stdin));
		_close(nul);
	}
	SetStdHandle(STD_OUTPUT_HANDLE, GetStdHandle(STD_ERROR_HANDLE));
	SetStdHandle(STD_INPUT_HANDLE, (HANDLE)_get_osfhandle(_fileno(stdin)));
}

/* "exitbench-host 0.1.0 on Wine 8.0", or "... on Windows 10.0.20348". */
static void describe_host(char *buf, size_t n)
{
	HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
	typedef const char *(CDECL * version_fn)(void);
	version_fn wine_version = ntdll ? (version_fn)(void *)GetProcAddress(ntdll, "wine_get_version") : NULL;
	if (wine_version) {
		snprintf(buf, n, "exitbench-host %s on Wine %s", XB_VERSION, wine_version());
		return;
	}
	OSVERSIONINFOW v = {.dwOSVersionInfoSize = sizeof(v)};
	typedef LONG(WINAPI * rtl_version_fn)(OSVERSIONINFOW *);
	rtl_version_fn rtl_version = ntdll ? (rtl_version_fn)(void *)GetProcAddress(ntdll, "RtlGetVersion") : NULL;
	if (rtl_version && rtl_version(&v) == 0)
		snprintf(buf, n, "exitbench-host %s on Windows %lu.%lu.%lu", XB_VERSION, v.dwMajorVersion, v.dwMinorVersion,
			 v.dwBuildNumber);
	else
		snprintf(buf, n, "exitbench-host %s on Windows", XB_VERSION);
}

/* ---- the loop ----------------------------------------------------------------------- */

int main(void)
{
	take_std_handles();
	xb_host_guard_install();
	InitializeCriticalSection(&calls.lock);
	if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) {
		fprintf(stderr, "exitbench-host: CoInitializeEx failed\n");
		return 2;
	}
	int bstr_tracking = xb_host_spy_install();
	struct xb_snap_hooks hooks = {NULL, log_call, NULL};
	struct xb_snap_host *server = xb_snap_host_new(&hooks);
	DWORD cookie = 0;
	/* The CA's own class: a module's CoCreateInstance(CLSID_CCertServerExit) reaches the snapshot server. */
	if (!server || FAILED(CoRegisterClassObject(&CLSID_CCertServerExit, (IUnknown *)xb_snap_host_factory(server),
						    CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE, &cookie))) {
		fprintf(stderr, "exitbench-host: cannot register CLSID_CCertServerExit\n");
		return 2;
	}

	/* Two slots: the snapshot of the last call into the module stays readable (context 0) until the next. */
	struct slot {
		struct xb_arena arena;
		struct xb_bridge_request q;
	} slots[2] = {0};
	int current = 0;
	unsigned char *body = NULL;
	size_t body_cap = 0;
	for (;;) {
		unsigned char header[XB_WIRE_HEADER];
		if (read_all(header, sizeof(header)))
			break; /* the engine closed the pipe: nothing more to do */
		uint32_t length = (uint32_t)header[0] | (uint32_t)header[1] << 8 | (uint32_t)header[2] << 16 |
				  (uint32_t)header[3] << 24;
		char error[300];
		if (xb_bridge_check_length(length, error, sizeof(error)))
			broken(error);
		if (length > body_cap) {
			unsigned char *grown = realloc(body, length);
			if (!grown)
				broken("out of memory");
			body = grown;
			body_cap = length;
		}
		if (read_all(body, length))
			broken("truncated: the input ended inside a message");
		int next = 1 - current;
		xb_arena_free(&slots[next].arena);
		struct xb_bridge_request *q = &slots[next].q;
		if (xb_bridge_decode_request(body, length, q, &slots[next].arena, error, sizeof(error)))
			broken(error);

		struct xb_bridge_response r = {0};
		if (q->type == XB_MSG_BYE)
			break;
		if (q->type == XB_MSG_HELLO) {
			char name[200];
			describe_host(name, sizeof(name));
			r = (struct xb_bridge_response){.type = XB_MSG_HELLO_OK, .version = XB_BRIDGE_VERSION,
							.pid = GetCurrentProcessId(), .host = name,
							.bstr_tracking = bstr_tracking};
			send_response(&r);
			continue;
		}
		if (q->type == XB_MSG_LOAD) {
			xb_host_load(q, &r);
			send_response(&r);
			continue;
		}
		xb_snap_host_begin(server, &q->snap);
		current = next; /* the snapshot now served is this slot's */
		log_begin();
		struct xb_host_exception ex;
		int crashed;
		xb_host_call_module(q, &r, &ex, &crashed);
		log_end();
		xb_snap_host_end(server);
		r.calls = calls.items;
		r.ncalls = calls.n;
		r.servers_created = xb_snap_host_created(server);
		r.servers_released = xb_snap_host_released(server);
		r.derive_triggered = xb_snap_host_derive_triggered(server);
		if (crashed)
			r.fault = (struct xb_fault){XB_FAULT_EXCEPTION, ex.code, (uint64_t)(uintptr_t)ex.address, ex.text};
		send_response(&r);
	}
	CoRevokeClassObject(cookie);
	fflush(stderr);
	/* The module may hold threads or objects; the process ends here regardless, as a stopped service would. */
	ExitProcess(0);
}
