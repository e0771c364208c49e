/* The TAP report (report.h): TAP version 13, a test point per result, YAML details for bad ones. */
#include "report.h"

static void yaml_lines(FILE *out, const char *key, char **items, size_t n)
{
	if (!n)
		return;
	fprintf(out, "  %s:\n", key);
	for (size_t i = 0; i < n; i++) {
		fputs("    - \"", out);
		for (const char *c = items[i]; *c; c++)
			fputs(*c == '"' ? "\\\"" : *c == '\\' ? "\\\\" : (char[2]){*c, 0}, out);
		fputs("\"\n", out);
	}
}

static void notification(void *ctx, const struct xb_notification *n)
{
	struct xb_report_tap *t = ctx;
	char name[160], code[XB_HRESULT_BUFSIZE];
	if (t->n++ == 0)
		fputs("TAP version 13\n", t->out);
	xb_report_record_name(n, name, sizeof(name));
	int bad = xb_report_record_failed(n, t->strict);
	fprintf(t->out, "%s %zu - %s\n", bad ? "not ok" : "ok", t->n, name);
	if (!bad && !n->nwarnings)
		return;
	fprintf(t->out, "  ---\n  hr: \"%s\"\n  calls: %zu\n", xb_hresult_format(n->hr, code), n->calls);
	yaml_lines(t->out, "violations", n->violations, n->nviolations);
	yaml_lines(t->out, "warnings", n->warnings, n->nwarnings);
	yaml_lines(t->out, "injected", n->injected, n->ninjected);
	yaml_lines(t->out, "backtrace", n->backtrace, n->nbacktrace);
	fputs("  ...\n", t->out);
}

static void skipped(void *ctx, const xb_error *err)
{
	struct xb_report_tap *t = ctx;
	if (t->n == 0)
		fputs("TAP version 13\n", t->out);
	fprintf(t->out, "# skipped %s:%d:%d: %s\n", err->source, err->line, err->column, err->text);
}

void xb_report_tap_sink(struct xb_report_tap *t, struct xb_replay_sink *sink)
{
	sink->ctx = t;
	sink->module_ready = NULL;
	sink->notification = notification;
	sink->skipped = skipped;
}

void xb_report_tap_finish(struct xb_report_tap *t, const struct xb_replay_summary *s)
{
	if (t->n == 0)
		fputs("TAP version 13\n", t->out);
	fprintf(t->out, "1..%zu\n", t->n);
	if (s && s->skipped)
		fprintf(t->out, "# %zu malformed event%s skipped\n", s->skipped, s->skipped == 1 ? "" : "s");
}
