/* What every reporter shares (report.h): names, verdicts, the fan-out. */
#include <string.h>

#include "report.h"
#include "trace.h"

const char *xb_report_kind_name(LONG kind, char buf[32])
{
	const char *name = xb_event_kind_name(kind);
	if (name)
		return name;
	snprintf(buf, 32, "event 0x%lX", (unsigned long)(ULONG)kind);
	return buf;
}

int xb_report_passed(const struct xb_replay_summary *s, int strict)
{
	return !s->failures && !s->violations && !(strict && s->warnings);
}

int xb_report_record_failed(const struct xb_notification *n, int strict)
{
	return FAILED(n->hr) || n->nviolations || (strict && n->nwarnings);
}

void xb_report_record_name(const struct xb_notification *n, char *buf, size_t size)
{
	char kind[32];
	int used = snprintf(buf, size, "module %zu %s", n->module + 1, n->method);
	if (used < 0 || (size_t)used >= size || strcmp(n->method, "Notify"))
		return;
	if (n->event)
		snprintf(buf + used, size - (size_t)used, " %s (event %zu, line %zu)", xb_report_kind_name(n->kind, kind),
			 n->event, n->line);
	else
		snprintf(buf + used, size - (size_t)used, " %s (at the end of the trace)",
			 xb_report_kind_name(n->kind, kind));
}

static void fan_module(void *ctx, size_t i, const struct xb_module_info *m)
{
	const struct xb_report_fanout *f = ctx;
	for (size_t k = 0; k < f->n; k++)
		if (f->sinks[k]->module_ready)
			f->sinks[k]->module_ready(f->sinks[k]->ctx, i, m);
}

static void fan_notification(void *ctx, const struct xb_notification *n)
{
	const struct xb_report_fanout *f = ctx;
	for (size_t k = 0; k < f->n; k++)
		if (f->sinks[k]->notification)
			f->sinks[k]->notification(f->sinks[k]->ctx, n);
}

static void fan_skipped(void *ctx, const xb_error *err)
{
	const struct xb_report_fanout *f = ctx;
	for (size_t k = 0; k < f->n; k++)
		if (f->sinks[k]->skipped)
			f->sinks[k]->skipped(f->sinks[k]->ctx, err);
}

void xb_report_fanout_sink(struct xb_report_fanout *f, struct xb_replay_sink *sink)
{
	sink->ctx = f;
	sink->module_ready = fan_module;
	sink->notification = fan_notification;
	sink->skipped = fan_skipped;
}
