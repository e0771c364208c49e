/*
 * The trace names of the EXITEVENT_* kinds (trace.h), apart from the
 * reader: exitbench-host.exe needs them for fault injection's event=
 * rules (inject.c) and has no JSON library. Portable C.
 */
#include <string.h>

#include "trace.h"

static const struct {
	const char *name;
	LONG kind;
} kinds[] = {
	{"certissued", EXITEVENT_CERTISSUED},
	{"certpending", EXITEVENT_CERTPENDING},
	{"certdenied", EXITEVENT_CERTDENIED},
	{"certrevoked", EXITEVENT_CERTREVOKED},
	{"certretrievepending", EXITEVENT_CERTRETRIEVEPENDING},
	{"crlissued", EXITEVENT_CRLISSUED},
	{"shutdown", EXITEVENT_SHUTDOWN},
	{"startup", EXITEVENT_STARTUP},
	{"certimported", EXITEVENT_CERTIMPORTED},
};

LONG xb_event_kind_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return kinds[i].kind;
	return 0;
}

const char *xb_event_kind_name(LONG kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return NULL;
}
