/* Fault injection rules (inject.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "inject.h"
#include "trace.h"

/*
 * The injector's lock: the host is built with mingw-w64 and must need no
 * runtime DLL beyond the system's (winpthreads would be one), so Windows
 * takes an SRW lock, which needs neither set-up failure nor destruction.
 */
#ifdef _WIN32
typedef SRWLOCK lock_t;
# define lock_init(l) InitializeSRWLock(l)
# define lock_destroy(l) ((void)(l))
# define lock_take(l) AcquireSRWLockExclusive(l)
# define lock_give(l) ReleaseSRWLockExclusive(l)
#else
# include <pthread.h>
typedef pthread_mutex_t lock_t;
# define lock_init(l) pthread_mutex_init(l, NULL)
# define lock_destroy(l) pthread_mutex_destroy(l)
# define lock_take(l) pthread_mutex_lock(l)
# define lock_give(l) pthread_mutex_unlock(l)
#endif

struct rule {
	HRESULT error;
	char method[48];  /* "" matches any */
	char name[128];   /* "" matches any */
	LONG kind;        /* 0 matches any */
	unsigned every;   /* 0: not set */
	double random;    /* < 0: not set */
	unsigned long matched;
};

struct xb_injector {
	lock_t lock;
	struct rule *rules;
	size_t n;
	char **specs; /* as given, for a process that must decide the same (xb_injector_specs) */
	size_t nspecs;
	uint64_t state; /* xorshift64* */
	uint64_t seed;
	int seeded, any_random;
};

/* The ICertServerExit methods a rule may name. */
static const char *const methods[] = {
	"SetContext",
	"GetRequestProperty",
	"GetRequestAttribute",
	"GetCertificateProperty",
	"GetCertificateExtension",
	"GetCertificateExtensionFlags",
	"EnumerateExtensionsSetup",
	"EnumerateExtensions",
	"EnumerateExtensionsClose",
	"EnumerateAttributesSetup",
	"EnumerateAttributes",
	"EnumerateAttributesClose",
};

static const char *known_method(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strlen(methods[i]) == len && !strncasecmp(methods[i], name, len))
			return methods[i];
	return NULL;
}

static int parse_error(const char *text, HRESULT *hr)
{
	if (!strcasecmp(text, "RPC")) {
		*hr = HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE);
		return 0;
	}
	return xb_hresult_from_name(text, hr) == 0 && FAILED(*hr) ? 0 : -1;
}

static int parse_unsigned(const char *text, unsigned long long max, unsigned long long *out)
{
	char *end;
	if (*text < '0' || *text > '9')
		return -1;
	unsigned long long v = strtoull(text, &end, 10);
	if (*end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* One FIELD=VALUE of a rule. at is its offset in the spec, for errors. */
static HRESULT parse_field(struct xb_injector *in, struct rule *r, const char *spec, const char *field, size_t len,
			   xb_error *err)
{
	size_t at = (size_t)(field - spec);
	const char *eq = memchr(field, '=', len);
	if (!eq)
		return xb_error_set(err, E_INVALIDARG, at, "--inject %s: \"%.*s\" is not FIELD=VALUE (at byte %zu)", spec,
				    (int)len, field, at);
	size_t klen = (size_t)(eq - field), vlen = len - klen - 1;
	char value[160];
	if (vlen == 0 || vlen >= sizeof(value))
		return xb_error_set(err, E_INVALIDARG, at, "--inject %s: %.*s needs a value (at byte %zu)", spec, (int)klen,
				    field, at);
	memcpy(value, eq + 1, vlen);
	value[vlen] = '\0';
	unsigned long long u;
#define IS(k) (klen == strlen(k) && !strncmp(field, k, klen))
	if (IS("error")) {
		if (parse_error(value, &r->error))
			return xb_error_set(err, E_INVALIDARG, at,
					    "--inject %s: \"%s\" is not a failure HRESULT (a name like E_OUTOFMEMORY, RPC, or "
					    "a number)",
					    spec, value);
	} else if (IS("method")) {
		const char *m = known_method(value, vlen);
		if (!m)
			return xb_error_set(err, E_INVALIDARG, at, "--inject %s: \"%s\" is not an ICertServerExit method",
					    spec, value);
		snprintf(r->method, sizeof(r->method), "%s", m);
	} else if (IS("name")) {
		if (vlen >= sizeof(r->name))
			return xb_error_set(err, E_INVALIDARG, at, "--inject %s: name= is longer than %zu characters", spec,
					    sizeof(r->name) - 1);
		memcpy(r->name, value, vlen + 1);
	} else if (IS("event")) {
		if (!(r->kind = xb_event_kind_from_name(value)))
			return xb_error_set(err, E_INVALIDARG, at, "--inject %s: \"%s\" is not an event kind (certissued...)",
					    spec, value);
	} else if (IS("every")) {
		if (parse_unsigned(value, 1000000000, &u) || u == 0)
			return xb_error_set(err, E_INVALIDARG, at, "--inject %s: every=%s is not a count from 1", spec, value);
		r->every = (unsigned)u;
	} else if (IS("random")) {
		char *end;
		double p = strtod(value, &end);
		if (*end || !(p >= 0.0 && p <= 1.0))
			return xb_error_set(err, E_INVALIDARG, at, "--inject %s: random=%s is not a probability from 0 to 1",
					    spec, value);
		r->random = p;
		in->any_random = 1;
	} else if (IS("seed")) {
		if (parse_unsigned(value, UINT64_MAX, &u))
			return xb_error_set(err, E_INVALIDARG, at, "--inject %s: seed=%s is not a number", spec, value);
		in->seed = u;
		in->seeded = 1;
	} else {
		return xb_error_set(err, E_INVALIDARG, at,
				    "--inject %s: unknown field \"%.*s\" (error, method, name, event, every, random, seed)",
				    spec, (int)klen, field);
	}
#undef IS
	return S_OK;
}

static HRESULT parse_rule(struct xb_injector *in, const char *spec, const char *p, size_t len, xb_error *err)
{
	struct rule *grown = realloc(in->rules, (in->n + 1) * sizeof(*grown));
	if (!grown)
		return E_OUTOFMEMORY;
	in->rules = grown;
	struct rule *r = &grown[in->n];
	memset(r, 0, sizeof(*r));
	r->error = E_OUTOFMEMORY;
	r->random = -1.0;
	const char *end = p + len;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t flen = (size_t)((comma ? comma : end) - p);
		HRESULT hr = parse_field(in, r, spec, p, flen, err);
		if (FAILED(hr))
			return hr;
		p += flen + (comma ? 1 : 0);
	}
	if (r->every && r->random >= 0)
		return xb_error_set(err, E_INVALIDARG, 0, "--inject %s: every= and random= cannot be in one rule", spec);
	in->n++;
	return S_OK;
}

HRESULT xb_injector_new(const char *const *specs, size_t n, struct xb_injector **out, xb_error *err)
{
	*out = NULL;
	struct xb_injector *in = calloc(1, sizeof(*in));
	if (!in)
		return E_OUTOFMEMORY;
	lock_init(&in->lock);
	HRESULT hr = (in->specs = calloc(n + 1, sizeof(*in->specs))) ? S_OK : E_OUTOFMEMORY;
	for (size_t i = 0; i < n && SUCCEEDED(hr); i++) {
		if (!(in->specs[in->nspecs] = strdup(specs[i]))) {
			hr = E_OUTOFMEMORY;
			break;
		}
		in->nspecs++;
		const char *p = specs[i], *end = p + strlen(p);
		if (p == end)
			hr = xb_error_set(err, E_INVALIDARG, 0, "--inject: an empty specification");
		while (p < end && SUCCEEDED(hr)) {
			const char *semi = memchr(p, ';', (size_t)(end - p));
			size_t len = (size_t)((semi ? semi : end) - p);
			if (len)
				hr = parse_rule(in, specs[i], p, len, err);
			p += len + (semi ? 1 : 0);
		}
	}
	if (FAILED(hr)) {
		xb_injector_free(in);
		return hr;
	}
	xb_injector_set_seed(in, in->seeded ? in->seed : (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32));
	*out = in;
	return S_OK;
}

void xb_injector_free(struct xb_injector *in)
{
	if (!in)
		return;
	lock_destroy(&in->lock);
	for (size_t i = 0; i < in->nspecs; i++)
		free(in->specs[i]);
	free(in->specs);
	free(in->rules);
	free(in);
}

uint64_t xb_injector_seed(const struct xb_injector *in)
{
	return in->seed;
}

void xb_injector_set_seed(struct xb_injector *in, uint64_t seed)
{
	lock_take(&in->lock);
	in->seed = seed;
	in->state = seed ? seed : 0x9E3779B97F4A7C15ull; /* xorshift never leaves 0 */
	lock_give(&in->lock);
}

const char *const *xb_injector_specs(const struct xb_injector *in, size_t *n)
{
	*n = in->nspecs;
	return (const char *const *)in->specs;
}

int xb_injector_random(const struct xb_injector *in)
{
	return in->any_random;
}

/* A uniform double in [0, 1) from xorshift64*: small, fast and repeatable from the seed. */
static double next_uniform(struct xb_injector *in)
{
	uint64_t x = in->state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	in->state = x;
	return (double)((x * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

static int matches(const struct rule *r, const char *method, const char *name, LONG kind)
{
	if (r->method[0] && strcmp(r->method, method))
		return 0;
	if (r->name[0] && (!name || strcasecmp(r->name, name)))
		return 0;
	return !r->kind || r->kind == kind;
}

HRESULT xb_injector_decide(struct xb_injector *in, const char *method, const char *name, LONG kind)
{
	HRESULT hr = S_OK;
	lock_take(&in->lock);
	for (size_t i = 0; i < in->n && hr == S_OK; i++) {
		struct rule *r = &in->rules[i];
		if (!matches(r, method, name, kind))
			continue;
		r->matched++;
		int fire = r->every ? r->matched % r->every == 0 : r->random >= 0 ? next_uniform(in) < r->random : 1;
		if (fire)
			hr = r->error;
	}
	lock_give(&in->lock);
	return hr;
}
