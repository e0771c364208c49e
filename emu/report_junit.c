/*
 * The JUnit XML report (report.h): a <testsuite> per module, a <testcase>
 * per module x event (and for Initialize and the unload), a <failure> with
 * the HRESULT's name and the violations for a bad one. The shape follows
 * the schema CI servers read (tests/junit.xsd).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct testcase {
	char *name;
	double seconds;
	char *failure_message; /* NULL: passed */
	char *failure_text;
	char *system_out;      /* warnings that did not fail it */
};

struct suite {
	char *name;
	struct testcase *cases;
	size_t n, failures;
	double seconds;
};

struct xb_report_junit {
	char *trace;
	struct suite *suites;
	size_t nsuites;
	int strict;
	int oom;
};

/* Text joined from lines, each prefixed; NULL for none. */
static char *joined(const char *prefix, char **items, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(prefix) + strlen(items[i]) + 1;
	if (n == 0)
		return NULL;
	char *text = malloc(len), *p = text;
	for (size_t i = 0; text && i < n; i++)
		p += sprintf(p, "%s%s\n", prefix, items[i]);
	return text;
}

static struct suite *suite_of(struct xb_report_junit *r, size_t module)
{
	if (module >= r->nsuites) {
		struct suite *grown = realloc(r->suites, (module + 1) * sizeof(*grown));
		if (!grown)
			return NULL;
		memset(grown + r->nsuites, 0, (module + 1 - r->nsuites) * sizeof(*grown));
		r->suites = grown;
		r->nsuites = module + 1;
	}
	return &r->suites[module];
}

static void module_ready(void *ctx, size_t i, const struct xb_module_info *m)
{
	struct xb_report_junit *r = ctx;
	struct suite *s = suite_of(r, i);
	if (!s) {
		r->oom = 1;
		return;
	}
	const char *progid = m->progid, *path = m->path ? m->path : "(no library)";
	size_t len = strlen(path) + (progid ? strlen(progid) : 0) + 8;
	if ((s->name = malloc(len)))
		snprintf(s->name, len, "%s%s%s%s", progid ? progid : "", progid ? " (" : "", path, progid ? ")" : "");
}

static void notification(void *ctx, const struct xb_notification *n)
{
	struct xb_report_junit *r = ctx;
	struct suite *s = suite_of(r, n->module);
	struct testcase *grown = s ? realloc(s->cases, (s->n + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		r->oom = 1;
		return;
	}
	s->cases = grown;
	struct testcase *c = &grown[s->n++];
	memset(c, 0, sizeof(*c));
	char name[160], code[XB_HRESULT_BUFSIZE];
	xb_report_record_name(n, name, sizeof(name));
	const char *rest = strchr(name + 7, ' '); /* drop "module N" */
	c->name = strdup(rest ? rest + 1 : name);
	c->seconds = n->seconds;
	s->seconds += n->seconds;
	if (xb_report_record_failed(n, r->strict)) {
		s->failures++;
		size_t len = XB_HRESULT_BUFSIZE + 64;
		if ((c->failure_message = malloc(len))) {
			if (FAILED(n->hr))
				snprintf(c->failure_message, len, "%s returned %s", n->method, xb_hresult_format(n->hr, code));
			else
				snprintf(c->failure_message, len, "%zu contract violation%s", n->nviolations,
					 n->nviolations == 1 ? "" : "s");
		}
		c->failure_text = joined("violation: ", n->violations, n->nviolations);
		char *frames = joined("backtrace: ", n->backtrace, n->nbacktrace);
		if (frames && c->failure_text) {
			size_t size = strlen(c->failure_text) + strlen(frames) + 1;
			char *both = malloc(size);
			if (both)
				snprintf(both, size, "%s%s", c->failure_text, frames);
			free(c->failure_text);
			free(frames);
			c->failure_text = both;
		} else if (frames) {
			c->failure_text = frames;
		}
	}
	char *warnings = joined("warning: ", n->warnings, n->nwarnings);
	char *injected = joined("injected: ", n->injected, n->ninjected);
	if (warnings && injected) {
		size_t len = strlen(warnings) + strlen(injected) + 1;
		if ((c->system_out = malloc(len)))
			snprintf(c->system_out, len, "%s%s", warnings, injected);
		free(warnings);
		free(injected);
	} else {
		c->system_out = warnings ? warnings : injected;
	}
}

struct xb_report_junit *xb_report_junit_new(const char *trace, int strict, struct xb_replay_sink *sink)
{
	struct xb_report_junit *r = calloc(1, sizeof(*r));
	if (!r || !(r->trace = strdup(trace))) {
		free(r);
		return NULL;
	}
	r->strict = strict;
	sink->ctx = r;
	sink->module_ready = module_ready;
	sink->notification = notification;
	sink->skipped = NULL;
	return r;
}

static void put_escaped(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			/* XML 1.0 allows no control characters but tab and newline. */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fprintf(out, "\\x%02X", (unsigned char)*s);
			else
				fputc(*s, out);
		}
	}
}

static void write_case(FILE *out, const char *classname, const struct testcase *c)
{
	fputs("    <testcase classname=\"", out);
	put_escaped(out, classname);
	fputs("\" name=\"", out);
	put_escaped(out, c->name);
	fprintf(out, "\" time=\"%.6f\"", c->seconds);
	if (!c->failure_message && !c->system_out) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	if (c->failure_message) {
		fputs("      <failure message=\"", out);
		put_escaped(out, c->failure_message);
		fputs("\" type=\"exitbench\">", out);
		put_escaped(out, c->failure_text);
		fputs("</failure>\n", out);
	}
	if (c->system_out) {
		fputs("      <system-out>", out);
		put_escaped(out, c->system_out);
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static void write_xml(struct xb_report_junit *r, const struct xb_replay_summary *sum, FILE *out)
{
	size_t tests = 0, failures = 0;
	for (size_t i = 0; i < r->nsuites; i++)
		tests += r->suites[i].n, failures += r->suites[i].failures;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"exitbench replay ", out);
	put_escaped(out, r->trace);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.6f\">\n", tests, failures,
		sum ? sum->seconds : 0.0);
	for (size_t i = 0; i < r->nsuites; i++) {
		const struct suite *s = &r->suites[i];
		char fallback[32];
		snprintf(fallback, sizeof(fallback), "module %zu", i + 1);
		const char *name = s->name ? s->name : fallback;
		fprintf(out, "  <testsuite name=\"");
		put_escaped(out, name);
		fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.6f\">\n", s->n,
			s->failures, s->seconds);
		for (size_t k = 0; k < s->n; k++)
			write_case(out, name, &s->cases[k]);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
}

int xb_report_junit_finish(struct xb_report_junit *r, const struct xb_replay_summary *s, FILE *out)
{
	int rc = 0;
	if (out) {
		write_xml(r, s, out);
		rc = ferror(out) || r->oom ? -1 : 0;
	}
	for (size_t i = 0; i < r->nsuites; i++) {
		for (size_t k = 0; k < r->suites[i].n; k++) {
			struct testcase *c = &r->suites[i].cases[k];
			free(c->name);
			free(c->failure_message);
			free(c->failure_text);
			free(c->system_out);
		}
		free(r->suites[i].cases);
		free(r->suites[i].name);
	}
	free(r->suites);
	free(r->trace);
	free(r);
	return rc;
}
