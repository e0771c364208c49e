/* The text reporter (report.h). */
#include <string.h>
#include <time.h>

#include "report.h"

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_progress(struct xb_report_text *t)
{
	if (t->progress && t->last_progress > 0) {
		fputs("\r\033[K", t->progress);
		t->last_progress = 0;
	}
}

static void module_ready(void *ctx, size_t i, const struct xb_module_info *m)
{
	struct xb_report_text *t = ctx;
	clear_progress(t);
	fprintf(t->out, "module %zu: %s\n  %s %s, %s, description \"%s\", mask 0x%03lX\n", i + 1,
		m->path ? m->path : "(no library)", m->progid ? m->progid : "(no ProgID)",
		m->clsid ? m->clsid : "(no CLSID)", m->is_exit2 ? "ICertExit2" : "ICertExit",
		m->description ? m->description : "(none)", (unsigned long)(ULONG)m->mask);
}

static void print_record(struct xb_report_text *t, const struct xb_notification *n)
{
	char code[XB_HRESULT_BUFSIZE], name[160];
	const char *verdict = FAILED(n->hr) ? "FAIL" : n->nviolations ? "VIOLATION" : n->nwarnings ? "WARN" : "ok";
	xb_report_record_name(n, name, sizeof(name));
	fprintf(t->out, "%-9s %s: %s, %zu server call%s, %.3f ms\n", verdict, name, xb_hresult_format(n->hr, code),
		n->calls, n->calls == 1 ? "" : "s", n->seconds * 1e3);
	for (size_t i = 0; i < n->nviolations; i++)
		fprintf(t->out, "          violation: %s\n", n->violations[i]);
	for (size_t i = 0; i < n->nwarnings; i++)
		fprintf(t->out, "          warning: %s\n", n->warnings[i]);
	for (size_t i = 0; i < n->ninjected; i++)
		fprintf(t->out, "          injected: %s\n", n->injected[i]);
	for (size_t i = 0; i < n->nbacktrace; i++)
		fprintf(t->out, "          backtrace: %s\n", n->backtrace[i]);
}

static void notification(void *ctx, const struct xb_notification *n)
{
	struct xb_report_text *t = ctx;
	t->seen++;
	if (t->verbose || FAILED(n->hr) || n->nviolations || n->nwarnings) {
		clear_progress(t);
		print_record(t, n);
	}
	if (t->progress) {
		double now = seconds_now();
		if (now - t->last_progress >= 0.2) {
			fprintf(t->progress, "\r%zu notifications...", t->seen);
			fflush(t->progress);
			t->last_progress = now;
		}
	}
}

static void skipped(void *ctx, const xb_error *err)
{
	struct xb_report_text *t = ctx;
	clear_progress(t);
	fprintf(t->out, "SKIPPED   %s:%d:%d: %s\n", err->source, err->line, err->column, err->text);
}

void xb_report_text_sink(struct xb_report_text *t, struct xb_replay_sink *sink)
{
	sink->ctx = t;
	sink->module_ready = module_ready;
	sink->notification = notification;
	sink->skipped = skipped;
}

void xb_report_text_summary(struct xb_report_text *t, const struct xb_replay_summary *s, int strict)
{
	char kind[32];
	clear_progress(t);
	fprintf(t->out, "events: %zu", s->events);
	const char *sep = " (";
	for (int i = 0; i < 10; i++) {
		if (!s->events_by_kind[i])
			continue;
		fprintf(t->out, "%s%s %zu", sep, xb_report_kind_name((LONG)1 << i, kind), s->events_by_kind[i]);
		sep = ", ";
	}
	fputs(*sep == ',' ? ")\n" : "\n", t->out);
	fprintf(t->out, "notifications: %zu, failures: %zu, violations: %zu, warnings: %zu\n", s->notifications,
		s->failures, s->violations, s->warnings);
	if (s->injected || s->inject_random) {
		fprintf(t->out, "faults injected: %zu", s->injected);
		if (s->inject_random)
			fprintf(t->out, " (random seed %llu: add seed=%llu to --inject to repeat)",
				(unsigned long long)s->inject_seed, (unsigned long long)s->inject_seed);
		fputc('\n', t->out);
	}
	if (s->not_delivered)
		fprintf(t->out, "not delivered: %zu notification%s (the module had crashed or hung)\n", s->not_delivered,
			s->not_delivered == 1 ? "" : "s");
	if (s->skipped || s->blank_lines)
		fprintf(t->out, "skipped malformed events: %zu, blank lines: %zu\n", s->skipped, s->blank_lines);
	fprintf(t->out, "time: %.3f s", s->seconds);
	if (s->seconds > 0 && s->events)
		fprintf(t->out, " (%.0f events/s)", (double)s->events / s->seconds);
	fprintf(t->out, "\nresult: %s\n", xb_report_passed(s, strict) ? "PASS" : "FAIL");
}
