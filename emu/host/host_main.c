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

#include "bridge_shm.h"
#include "host.h"
#include "snapshot_server.h"

static HANDLE in, out;

/* The shared-memory transport once the engine offered it (bridge_shm.h), else NULL: the pipes. */
static void *shm;
static uint32_t request_seq, response_seq;

/* ---- the call log ----------------------------------------------------------- */

/* The calls the module makes during one call into it, on the thread that made that call. */
static struct {
	CRITICAL_SECTION lock;
	DWORD thread;                /* the thread in the call; calls from others are not charged (as in the engine) */
	struct xb_call_record *items;
	size_t n, cap;
	uint32_t *freed;             /* BSTRs of earlier calls freed since the last answer */
	size_t nfreed, freed_cap;
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
		if (items) {
			calls.items = items;
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
		c->bstr = handed ? xb_host_spy_watch(handed) : 0;
		c->handed = c->bstr != 0; /* out of memory: not watched, so not reported either */
		calls.n++;
	}
	LeaveCriticalSection(&calls.lock);
}

static void log_begin(void)
{
	EnterCriticalSection(&calls.lock);
	calls.n = 0;
	xb_arena_free(&calls.names);
	calls.thread = GetCurrentThreadId();
	LeaveCriticalSection(&calls.lock);
}

/*
 * Ends the log: each BSTR handed out is freed by now or kept (and watched
 * on); the ones earlier calls handed out and the module has freed since
 * are reported with this answer.
 */
static void log_end(void)
{
	EnterCriticalSection(&calls.lock);
	calls.thread = 0;
	for (size_t i = 0; i < calls.n; i++)
		if (calls.items[i].handed)
			calls.items[i].freed = xb_host_spy_take(calls.items[i].bstr);
	calls.nfreed = 0;
	for (;;) {
		if (calls.nfreed == calls.freed_cap) {
			size_t cap = calls.freed_cap ? 2 * calls.freed_cap : 64;
			uint32_t *grown = realloc(calls.freed, cap * sizeof(*grown));
			if (!grown)
				break;
			calls.freed = grown;
			calls.freed_cap = cap;
		}
		size_t room = calls.freed_cap - calls.nfreed;
		size_t got = xb_host_spy_take_freed(calls.freed + calls.nfreed, room);
		calls.nfreed += got;
		if (got < room)
			break;
	}
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
	if (!shm) {
		if (write_all(reply.p, reply.n))
			ExitProcess(4); /* the engine is gone */
		return;
	}
	struct xb_shm_header *h = shm;
	memcpy(xb_shm_responses(shm), reply.p, reply.n);
	xb_shm_store(&h->response_seq, ++response_seq);
	static const unsigned char bell = 0;
	if (xb_shm_load(&h->engine_sleeps) && write_all(&bell, 1))
		ExitProcess(4);
}

/*
 * Waits for the engine's next request in shared memory: spins a little,
 * then sleeps on standard input for doorbells. 0, or -1 when the engine
 * has closed the pipe (it is gone).
 */
static int shm_wait(void)
{
	struct xb_shm_header *h = shm;
	uint32_t want = request_seq + 1;
	LARGE_INTEGER frequency, start, t;
	QueryPerformanceFrequency(&frequency);
	QueryPerformanceCounter(&start);
	for (;;) {
		if (xb_shm_load(&h->request_seq) == want) {
			request_seq = want;
			return 0;
		}
		QueryPerformanceCounter(&t);
		if ((t.QuadPart - start.QuadPart) * 1000000000LL / frequency.QuadPart > XB_SHM_SPIN_NS)
			break;
		SwitchToThread();
	}
	int rc = 0;
	for (;;) {
		xb_shm_store(&h->host_sleeps, 1);
		if (xb_shm_load(&h->request_seq) == want)
			break;
		unsigned char bells[64];
		DWORD got = 0;
		if (!ReadFile(in, bells, sizeof(bells), &got, NULL) || !got) {
			rc = -1;
			break;
		}
	}
	xb_shm_store(&h->host_sleeps, 0);
	if (rc == 0)
		request_seq = want;
	return rc;
}

/* Maps the engine's file for the shared-memory transport. S_OK, or a failure with why. */
static HRESULT map_shared(const char *path, char *why, size_t n)
{
	WCHAR name[MAX_PATH * 2];
	if (!xb_host_windows_path(path, name, MAX_PATH * 2)) {
		snprintf(why, n, "the path cannot be mapped to Windows");
		return E_INVALIDARG;
	}
	HANDLE file = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
				  NULL, OPEN_EXISTING, 0, NULL);
	if (file == INVALID_HANDLE_VALUE) {
		snprintf(why, n, "CreateFile: error %lu", GetLastError());
		return HRESULT_FROM_WIN32(GetLastError());
	}
	HANDLE mapping = CreateFileMappingW(file, NULL, PAGE_READWRITE, 0, 0, NULL);
	void *base = mapping ? MapViewOfFile(mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
	DWORD error = GetLastError();
	if (mapping)
		CloseHandle(mapping); /* the view keeps the mapping */
	CloseHandle(file);
	if (!base) {
		snprintf(why, n, "CreateFileMapping/MapViewOfFile: error %lu", error);
		return HRESULT_FROM_WIN32(error);
	}
	const struct xb_shm_header *h = base;
	if (h->magic != XB_SHM_MAGIC || h->area != XB_SHM_AREA) {
		UnmapViewOfFile(base);
		snprintf(why, n, "the file is not a bridge's shared memory of this version");
		return E_INVALIDARG;
	}
	shm = base;
	return S_OK;
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
	struct xb_snap_hooks hooks = {NULL, log_call, xb_host_fault};
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
		const unsigned char *frame = header;
		if (shm ? shm_wait() : read_all(header, sizeof(header)))
			break; /* the engine closed the pipe: nothing more to do */
		if (shm)
			frame = xb_shm_requests(shm);
		uint32_t length = (uint32_t)frame[0] | (uint32_t)frame[1] << 8 | (uint32_t)frame[2] << 16 |
				  (uint32_t)frame[3] << 24;
		char error[300];
		if (xb_bridge_check_length(length, error, sizeof(error)))
			broken(error);
		const unsigned char *message = frame + XB_WIRE_HEADER; /* in shared memory, stable until we answer */
		if (!shm) {
			if (length > body_cap) {
				unsigned char *grown = realloc(body, length);
				if (!grown)
					broken("out of memory");
				body = grown;
				body_cap = length;
			}
			if (read_all(body, length))
				broken("truncated: the input ended inside a message");
			message = body;
		}
		int next = 1 - current;
		xb_arena_free(&slots[next].arena);
		struct xb_bridge_request *q = &slots[next].q;
		if (xb_bridge_decode_request(message, length, q, &slots[next].arena, error, sizeof(error)))
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
		if (q->type == XB_MSG_INJECT) {
			xb_host_inject(q, &r);
			send_response(&r);
			continue;
		}
		if (q->type == XB_MSG_SHM) {
			/* Answered on the pipe; everything after through the shared memory. */
			char why[300] = "";
			r = (struct xb_bridge_response){.type = XB_MSG_SHM_READY, .error = why};
			r.hr = shm ? E_UNEXPECTED : map_shared(q->path, why, sizeof(why));
			void *mapped = shm;
			shm = NULL;
			send_response(&r);
			shm = mapped;
			continue;
		}
		xb_snap_host_begin(server, &q->snap);
		current = next; /* the snapshot now served is this slot's */
		log_begin();
		xb_host_inject_begin(q->snap.kind, q->snap.context);
		struct xb_host_exception ex;
		int crashed;
		xb_host_call_module(q, &r, &ex, &crashed);
		xb_host_inject_end();
		log_end();
		xb_snap_host_end(server);
		r.calls = calls.items;
		r.ncalls = calls.n;
		r.freed_earlier = calls.freed;
		r.nfreed_earlier = calls.nfreed;
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
