/* exitbench-host.exe as a child process (bridge_proc.h). */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bridge_proc.h"
#include "bridge_shm.h"

#define HOST_NAME "exitbench-host.exe"
/* Wine may create its prefix on the first start: that takes seconds, not milliseconds. */
#define START_TIMEOUT_MS (300 * 1000)
#define DEFAULT_CALL_TIMEOUT_MS (60 * 1000)

static atomic_ulong trips;

unsigned long xb_bridge_round_trips(void)
{
	return atomic_load(&trips);
}

int xb_bridge_call_timeout(void)
{
	const char *text = getenv("EXITBENCH_HOST_TIMEOUT");
	char *end;
	double s = text && *text ? strtod(text, &end) : 0;
	if (!text || !*text || *end || s <= 0 || s > 86400)
		return DEFAULT_CALL_TIMEOUT_MS;
	return (int)(s * 1000);
}

/* ---- finding Wine and the host ----------------------------------------- */

static int executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* name as given when it has a slash, else the first match in PATH. */
static int find_program(const char *name, char *out, size_t n)
{
	if (strchr(name, '/')) {
		snprintf(out, n, "%s", name);
		return executable(out);
	}
	const char *path = getenv("PATH");
	while (path && *path) {
		size_t len = strcspn(path, ":");
		if ((size_t)snprintf(out, n, "%.*s/%s", (int)len, len ? path : ".", name) < n && executable(out))
			return 1;
		path += len + (path[len] == ':');
	}
	return 0;
}

static HRESULT find_wine(struct xb_bridge_proc *p, xb_error *err)
{
	const char *given = getenv("EXITBENCH_WINE");
	if (given && *given) {
		if (find_program(given, p->wine, sizeof(p->wine)))
			return S_OK;
		return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0,
				    "cannot run a Windows DLL: EXITBENCH_WINE=%s is not an executable program", given);
	}
	if (find_program("wine", p->wine, sizeof(p->wine)) || find_program("wine64", p->wine, sizeof(p->wine)))
		return S_OK;
	return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0,
			    "cannot run a Windows DLL: Wine is not installed (neither wine nor wine64 is in PATH; "
			    "install Wine or set EXITBENCH_WINE)");
}

static int host_in(const char *dir, size_t len, char *out, size_t n)
{
	struct stat st;
	return (size_t)snprintf(out, n, "%.*s/" HOST_NAME, (int)len, dir) < n && stat(out, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

static HRESULT find_host(struct xb_bridge_proc *p, xb_error *err)
{
	const char *given = getenv("EXITBENCH_HOST");
	struct stat st;
	if (given && *given) {
		snprintf(p->host, sizeof(p->host), "%s", given);
		if (stat(given, &st) == 0 && S_ISREG(st.st_mode))
			return S_OK;
		return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0,
				    "cannot run a Windows DLL: EXITBENCH_HOST=%s is not a file", given);
	}
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = 0;
		char *slash = strrchr(self, '/');
		size_t dir = slash ? (size_t)(slash - self) : 0;
		if (host_in(self, dir, p->host, sizeof(p->host)))
			return S_OK;
		/* an uninstalled program runs from .libs/ beside the directory it was built in */
		if (dir >= 6 && !strncmp(self + dir - 6, "/.libs", 6) && host_in(self, dir - 6, p->host, sizeof(p->host)))
			return S_OK;
		self[dir] = 0;
	} else {
		snprintf(self, sizeof(self), "(unknown: /proc/self/exe unreadable)");
	}
	/* A program of the user's own (a Check test through libexitbench-check): where make install put it. */
	if (host_in(XB_BINDIR, strlen(XB_BINDIR), p->host, sizeof(p->host)))
		return S_OK;
	return xb_error_set(err, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), 0,
			    "cannot run a Windows DLL: " HOST_NAME " is neither next to this program (in %s) nor installed "
			    "in %s; build exitbench with x86_64-w64-mingw32-gcc installed, or set EXITBENCH_HOST",
			    self, XB_BINDIR);
}

/* ---- the child ------------------------------------------------------------ */

static void describe_status(struct xb_bridge_proc *p, int status)
{
	if (WIFEXITED(status))
		snprintf(p->exited, sizeof(p->exited), "exited with status %d%s", WEXITSTATUS(status),
			 WEXITSTATUS(status) == 127 ? " (Wine could not be started)" : "");
	else if (WIFSIGNALED(status))
		snprintf(p->exited, sizeof(p->exited), "was killed by signal %d", WTERMSIG(status));
	else
		snprintf(p->exited, sizeof(p->exited), "ended");
}

/* Reaps the child if it has ended (wait: wait up to ms for it). 1 when it is gone. */
static int reap(struct xb_bridge_proc *p, int ms)
{
	if (!p->pid)
		return 1;
	for (int waited = 0;; waited += 10) {
		int status;
		pid_t got = waitpid(p->pid, &status, WNOHANG);
		if (got == p->pid || (got < 0 && errno == ECHILD)) {
			if (got == p->pid)
				describe_status(p, status);
			else
				snprintf(p->exited, sizeof(p->exited), "ended");
			p->pid = 0;
			return 1;
		}
		if (waited >= ms)
			return 0;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

static void close_pipes(struct xb_bridge_proc *p)
{
	if (p->to_host >= 0)
		close(p->to_host);
	if (p->from_host >= 0)
		close(p->from_host);
	p->to_host = p->from_host = -1;
}

void xb_bridge_proc_kill(struct xb_bridge_proc *p)
{
	close_pipes(p);
	if (p->pid) {
		kill(p->pid, SIGKILL);
		int status;
		if (waitpid(p->pid, &status, 0) == p->pid)
			describe_status(p, status);
		p->pid = 0;
	}
}

static HRESULT spawn(struct xb_bridge_proc *p, xb_error *err)
{
	int down[2], up[2];
	if (pipe2(down, O_CLOEXEC))
		return xb_error_set(err, E_FAIL, 0, "cannot make a pipe: %s", strerror(errno));
	if (pipe2(up, O_CLOEXEC)) {
		close(down[0]), close(down[1]);
		return xb_error_set(err, E_FAIL, 0, "cannot make a pipe: %s", strerror(errno));
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(down[0]), close(down[1]), close(up[0]), close(up[1]);
		return xb_error_set(err, E_FAIL, 0, "cannot start %s: %s", p->wine, strerror(errno));
	}
	if (pid == 0) {
		/*
		 * The child: the pipes become its standard input and output;
		 * standard error stays ours. It dies with the thread that
		 * started it: a host stuck in a hung module would otherwise
		 * outlive an engine that was killed (exec keeps this setting).
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent || dup2(down[0], 0) < 0 || dup2(up[1], 1) < 0)
			_exit(127);
		/* Wine's own diagnostics would drown the report; a user who wants them sets WINEDEBUG. */
		setenv("WINEDEBUG", getenv("WINEDEBUG") ? getenv("WINEDEBUG") : "-all", 1);
		/* The BSTR cache off, so every SysFreeString reaches the allocator the host watches. */
		setenv("OANOCACHE", "1", 1);
		execl(p->wine, p->wine, p->host, (char *)NULL);
		_exit(127);
	}
	close(down[0]);
	close(up[1]);
	p->pid = pid;
	p->to_host = down[1];
	p->from_host = up[0];
	return S_OK;
}

/* ---- frames -------------------------------------------------------------- */

/* Writes everything, without letting a dead reader's SIGPIPE kill the engine. 0 or -1. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
	sigset_t pipe_only, old;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	int rc = 0;
	while (n) {
		ssize_t done = write(fd, p, n);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) {
			rc = -1;
			break;
		}
		p += done;
		n -= (size_t)done;
	}
	if (rc) {
		/* Take the SIGPIPE this thread caused before unblocking, so it is never delivered. */
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe_only, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Reads until p->in holds at least want bytes. 0; 1 at the end of the
 * stream; 2 when the deadline passed; -1 out of memory or a read error.
 */
static int fill(struct xb_bridge_proc *p, size_t want, long long deadline)
{
	if (want > p->in_cap) {
		size_t cap = p->in_cap ? p->in_cap : 65536;
		while (cap < want)
			cap *= 2;
		unsigned char *grown = realloc(p->in, cap);
		if (!grown)
			return -1;
		p->in = grown;
		p->in_cap = cap;
	}
	while (p->in_n < want) {
		if (deadline >= 0) {
			long long left = deadline - now_ms();
			if (left <= 0)
				return 2;
			struct pollfd pfd = {p->from_host, POLLIN, 0};
			int ready = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
			if (ready < 0 && errno == EINTR)
				continue;
			if (ready == 0)
				return 2;
		}
		ssize_t got = read(p->from_host, p->in + p->in_n, p->in_cap - p->in_n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			return 1;
		p->in_n += (size_t)got;
	}
	return 0;
}

/* Drops the first n bytes of p->in (the message just used). */
static void consume(struct xb_bridge_proc *p, size_t n)
{
	memmove(p->in, p->in + n, p->in_n - n);
	p->in_n -= n;
}

static HRESULT gone(struct xb_bridge_proc *p, const char *during, char *why, size_t n)
{
	close_pipes(p);
	reap(p, 2000);
	if (p->pid)
		xb_bridge_proc_kill(p);
	snprintf(why, n, HOST_NAME " %s during %s", p->exited[0] ? p->exited : "closed its output", during);
	return RPC_E_DISCONNECTED;
}

/* ---- the shared-memory transport (bridge_shm.h) ---------------------------- */

/* A one-byte doorbell for a side that sleeps on its pipe. 0 or -1 (the reader is gone). */
static int ring(int fd)
{
	static const unsigned char bell = 0;
	return write_all(fd, &bell, 1);
}

/*
 * Waits for the host's response sequence number to move: spins a little,
 * then sleeps on its standard output for doorbells. 0; 1 the host is gone;
 * 2 the deadline passed; -1 a read error.
 */
static int shm_wait(struct xb_bridge_proc *p, long long deadline)
{
	struct xb_shm_header *h = p->shm;
	uint32_t want = p->response_seq + 1;
	struct timespec start, t;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (xb_shm_load(&h->response_seq) == want) {
			p->response_seq = want;
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - start.tv_sec) * 1000000000LL + (t.tv_nsec - start.tv_nsec) > XB_SHM_SPIN_NS)
			break;
		sched_yield();
	}
	int rc = 0;
	for (;;) {
		xb_shm_store(&h->engine_sleeps, 1);
		if (xb_shm_load(&h->response_seq) == want)
			break;
		long long left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left <= 0) {
			rc = 2;
			break;
		}
		struct pollfd pfd = {p->from_host, POLLIN, 0};
		int ready = poll(&pfd, 1, left < 0 ? -1 : left > INT_MAX ? INT_MAX : (int)left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0) {
			rc = 2;
			break;
		}
		unsigned char bells[64];
		ssize_t got = read(p->from_host, bells, sizeof(bells));
		if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
			rc = got == 0 ? 1 : -1;
			break;
		}
	}
	xb_shm_store(&h->engine_sleeps, 0);
	if (rc == 0 || xb_shm_load(&h->response_seq) == want) {
		p->response_seq = want;
		return 0;
	}
	return rc;
}

/* Sends the encoded request in p->out: the frame into the shared file, or down the pipe. 0 or -1 (the host is gone). */
static int send_request(struct xb_bridge_proc *p)
{
	if (!p->shm)
		return write_all(p->to_host, p->out.p, p->out.n);
	struct xb_shm_header *h = p->shm;
	memcpy(xb_shm_requests(p->shm), p->out.p, p->out.n);
	xb_shm_store(&h->request_seq, ++p->request_seq);
	return xb_shm_load(&h->host_sleeps) ? ring(p->to_host) : 0;
}

/*
 * The response's frame, in *body and *length (borrowed until the next
 * call). 0, or the fill() codes: 1 gone, 2 timed out, -1 error; 3 a frame
 * length out of bounds (bad says why).
 */
static int receive_response(struct xb_bridge_proc *p, long long deadline, const unsigned char **body, uint32_t *length,
			    char *bad, size_t n)
{
	int rc = p->shm ? shm_wait(p, deadline) : fill(p, XB_WIRE_HEADER, deadline);
	if (rc)
		return rc;
	const unsigned char *frame = p->shm ? xb_shm_responses(p->shm) : p->in;
	*length = (uint32_t)frame[0] | (uint32_t)frame[1] << 8 | (uint32_t)frame[2] << 16 | (uint32_t)frame[3] << 24;
	if (xb_bridge_check_length(*length, bad, n))
		return 3;
	if (!p->shm && (rc = fill(p, XB_WIRE_HEADER + (size_t)*length, deadline)))
		return rc;
	*body = (p->shm ? xb_shm_responses(p->shm) : p->in) + XB_WIRE_HEADER;
	return 0;
}

/* The response type that answers a request type. */
static unsigned answer_type(unsigned request)
{
	switch (request) {
	case XB_MSG_HELLO:
		return XB_MSG_HELLO_OK;
	case XB_MSG_LOAD:
		return XB_MSG_LOADED;
	case XB_MSG_SHM:
		return XB_MSG_SHM_READY;
	case XB_MSG_INJECT:
		return XB_MSG_INJECT_READY;
	default:
		return XB_MSG_RESULT;
	}
}

HRESULT xb_bridge_proc_call(struct xb_bridge_proc *p, const struct xb_bridge_request *q, struct xb_bridge_response *r,
			    int timeout_ms, char *why, size_t n)
{
	const char *name = xb_bridge_type_name(q->type);
	name = name ? name : "?";
	memset(r, 0, sizeof(*r));
	if (p->to_host < 0)
		return gone(p, name, why, n);
	if (xb_bridge_encode_request(&p->out, q)) {
		snprintf(why, n, "the %s message cannot be encoded (over %u bytes, or out of memory)", name,
			 XB_WIRE_MAX_MESSAGE);
		return E_OUTOFMEMORY;
	}
	if (send_request(p))
		return gone(p, name, why, n);
	if (q->type == XB_MSG_BYE)
		return S_OK;
	atomic_fetch_add(&trips, 1);
	xb_arena_free(&p->arena);
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	const unsigned char *body = NULL;
	uint32_t length = 0;
	char bad[200];
	int rc = receive_response(p, deadline, &body, &length, bad, sizeof(bad));
	if (rc == 3) {
		snprintf(why, n, "the answer to %s is not a bridge message: %s", name, bad);
		xb_bridge_proc_kill(p);
		return RPC_E_SERVERFAULT;
	}
	if (rc == 2) {
		snprintf(why, n, "no answer to %s within %.3g s: " HOST_NAME " was stopped", name, timeout_ms / 1000.0);
		xb_bridge_proc_kill(p);
		return HRESULT_FROM_WIN32(ERROR_TIMEOUT);
	}
	if (rc == 1)
		return gone(p, name, why, n);
	if (rc < 0) {
		snprintf(why, n, "reading the answer to %s: %s", name, strerror(errno));
		xb_bridge_proc_kill(p);
		return E_OUTOFMEMORY;
	}
	int failed = xb_bridge_decode_response(body, length, r, &p->arena, bad, sizeof(bad));
	if (!p->shm)
		consume(p, XB_WIRE_HEADER + (size_t)length);
	if (failed) {
		snprintf(why, n, "the answer to %s is unreadable: %s", name, bad);
		xb_bridge_proc_kill(p);
		return RPC_E_SERVERFAULT;
	}
	if (r->type == XB_MSG_BROKEN) {
		snprintf(why, n, HOST_NAME " could not read %s: %s", name, r->error);
		xb_bridge_proc_kill(p);
		return RPC_E_SERVERFAULT;
	}
	unsigned expected = answer_type(q->type);
	if (r->type != expected || (expected == XB_MSG_RESULT && r->answers != q->type)) {
		snprintf(why, n, "%s was answered with %s", name, xb_bridge_type_name(r->type));
		xb_bridge_proc_kill(p);
		return RPC_E_SERVERFAULT;
	}
	return S_OK;
}

/*
 * Offers the host the shared-memory transport: a file in /dev/shm both map
 * (unlinked once the host has it). Any failure leaves the pipes in use;
 * $EXITBENCH_BRIDGE_SHM=0 does not even ask.
 */
static void offer_shm(struct xb_bridge_proc *p)
{
	static atomic_uint files;
	const char *choice = getenv("EXITBENCH_BRIDGE_SHM");
	if (choice && !strcmp(choice, "0"))
		return;
	char path[96];
	snprintf(path, sizeof(path), "/dev/shm/exitbench-bridge-%ld-%u", (long)getpid(), atomic_fetch_add(&files, 1));
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	void *base = ftruncate(fd, (off_t)XB_SHM_SIZE) ? MAP_FAILED
						      : mmap(NULL, XB_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		unlink(path);
		return;
	}
	struct xb_shm_header *h = base;
	h->magic = XB_SHM_MAGIC;
	h->area = XB_SHM_AREA;
	struct xb_bridge_request q = {.type = XB_MSG_SHM, .path = path};
	struct xb_bridge_response r;
	char why[400];
	HRESULT hr = xb_bridge_proc_call(p, &q, &r, START_TIMEOUT_MS, why, sizeof(why));
	unlink(path);
	if (SUCCEEDED(hr) && SUCCEEDED(r.hr))
		p->shm = base;
	else
		munmap(base, XB_SHM_SIZE);
}

HRESULT xb_bridge_proc_start(struct xb_bridge_proc *p, xb_error *err)
{
	memset(p, 0, sizeof(*p));
	p->to_host = p->from_host = -1;
	HRESULT hr = find_wine(p, err);
	if (SUCCEEDED(hr))
		hr = find_host(p, err);
	if (SUCCEEDED(hr))
		hr = spawn(p, err);
	if (FAILED(hr))
		return hr;
	struct xb_bridge_request q = {.type = XB_MSG_HELLO, .version = XB_BRIDGE_VERSION};
	struct xb_bridge_response r;
	char why[400];
	hr = xb_bridge_proc_call(p, &q, &r, START_TIMEOUT_MS, why, sizeof(why));
	if (SUCCEEDED(hr) && r.version != XB_BRIDGE_VERSION) {
		snprintf(why, sizeof(why), "%.200s speaks bridge protocol %lu, this exitbench %d: use the host built with it",
			 p->host, (unsigned long)r.version, XB_BRIDGE_VERSION);
		hr = RPC_E_SERVERFAULT;
	}
	if (FAILED(hr)) {
		xb_error_set(err, hr, 0, "cannot start %.100s %.200s: %s", p->wine, p->host, why);
		xb_bridge_proc_stop(p);
		return hr;
	}
	snprintf(p->name, sizeof(p->name), "%s", r.host);
	p->bstr_tracking = r.bstr_tracking;
	offer_shm(p);
	return S_OK;
}

void xb_bridge_proc_stop(struct xb_bridge_proc *p)
{
	if (p->to_host >= 0) {
		struct xb_bridge_request q = {.type = XB_MSG_BYE};
		struct xb_bridge_response r;
		char why[200];
		xb_bridge_proc_call(p, &q, &r, 0, why, sizeof(why));
	}
	close_pipes(p);
	if (!reap(p, 5000))
		xb_bridge_proc_kill(p);
	if (p->shm)
		munmap(p->shm, XB_SHM_SIZE);
	p->shm = NULL;
	xb_wbuf_free(&p->out);
	xb_arena_free(&p->arena);
	free(p->in);
	p->in = NULL;
	p->in_n = p->in_cap = 0;
}
