/*
 * exitbench-host.exe as a child process: finding Wine and the host,
 * starting it with a pipe on its standard input and one on its standard
 * output, one request/response round trip at a time with a time limit,
 * and stopping it (docs/bridge-protocol.md). Linux only.
 */
#ifndef XB_EMU_BRIDGE_PROC_H
#define XB_EMU_BRIDGE_PROC_H

#include <sys/types.h>

#include "bridge_proto.h"

struct xb_bridge_proc {
	pid_t pid;               /* 0 when not running */
	int to_host, from_host;  /* our ends of the pipes, -1 when closed */
	char wine[4096], host[4096];
	struct xb_wbuf out;      /* the request being sent */
	unsigned char *in;       /* what the host sent, not yet taken */
	size_t in_n, in_cap;
	struct xb_arena arena;   /* the last response's strings and arrays */
	char exited[160];        /* how the host ended ("exited with status 3"), once it has */
	char name[160];          /* what the host says it is (HELLO_OK) */
	int bstr_tracking;       /* the host sees the module free BSTRs */
	void *shm;               /* the shared-memory transport's mapping (bridge_shm.h), NULL: the pipes */
	uint32_t request_seq, response_seq;
};

/*
 * Finds Wine ($EXITBENCH_WINE, else wine, else wine64 in PATH) and the
 * host ($EXITBENCH_HOST, else exitbench-host.exe next to the running
 * program, or beside the directory of a libtool .libs program), starts it,
 * and exchanges HELLO. On failure err says what is missing and how to
 * provide it, and nothing is left running. The host is killed when the
 * calling thread ends (PR_SET_PDEATHSIG): start it from a thread that
 * outlives it, such as the one that loads the modules. Messages then go
 * through shared memory when the host can map it (bridge_shm.h), else
 * through the pipes.
 */
HRESULT xb_bridge_proc_start(struct xb_bridge_proc *p, xb_error *err);

/*
 * Sends q and reads the response into *r (valid until the next call),
 * waiting at most timeout_ms (< 0: forever). S_OK, or:
 *   HRESULT_FROM_WIN32(ERROR_TIMEOUT)  no answer in time (the host is then stopped)
 *   RPC_E_DISCONNECTED                 the host is gone (why says how it ended)
 *   RPC_E_SERVERFAULT                  it answered BROKEN or something undecodable
 *   E_OUTOFMEMORY
 * with why (of size n) saying what happened.
 */
HRESULT xb_bridge_proc_call(struct xb_bridge_proc *p, const struct xb_bridge_request *q, struct xb_bridge_response *r,
			    int timeout_ms, char *why, size_t n);

/* Sends BYE, waits a moment for the host to exit, kills it otherwise, and frees everything. */
void xb_bridge_proc_stop(struct xb_bridge_proc *p);

/* Kills the host at once (a hang) and reaps it. */
void xb_bridge_proc_kill(struct xb_bridge_proc *p);

/* Round trips made by every host of this process so far (for the benchmark). */
unsigned long xb_bridge_round_trips(void);

/* The per-call limit: $EXITBENCH_HOST_TIMEOUT seconds, else 60 s. In milliseconds. */
int xb_bridge_call_timeout(void);

#endif
