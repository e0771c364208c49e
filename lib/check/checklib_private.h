/*
 * What the parts of libexitbench-check share: the objects behind the
 * opaque types of exitbench/check.h. Not installed.
 */
#ifndef XB_CHECKLIB_CHECKLIB_PRIVATE_H
#define XB_CHECKLIB_CHECKLIB_PRIVATE_H

#include <stdio.h>

#include "exitbench/check.h"

#include "contract.h"
#include "deliver.h"
#include "engine.h"
#include "inject.h"
#include "loader.h"
#include "replay.h"
#include "trace.h"

struct xb_check_event {
	struct xb_event given; /* only what the test set: derivation is per delivery, on a copy */
	char *error;           /* the first setter failure, or NULL */
	HRESULT error_hr;
};

/* A --set value and the module it is for (NULL: every module). */
struct config_value {
	char *module;
	struct xb_setting setting;
};

struct xb_check_ca {
	char *name;
	struct xb_props props;   /* context-0 properties given before the engine existed */
	struct xb_props pending; /* given since: the next delivery carries them as a CA update */
	struct config_value *config;
	size_t nconfig;
	char **inject;
	size_t ninject;
	struct xb_injector *injector;
	struct xb_engine *engine; /* made when the first module loads */
	struct xb_contract *contract;
	struct xb_check_module *modules; /* loaded on this CA and not yet freed */
	size_t nmodules;                 /* ever loaded: the next one's index */
	size_t deliveries;
	char *error;
};

/* One ICertServerExit call as the result lists it. */
struct call {
	char *text;  /* "GetCertificateProperty(SerialNumber): S_OK (0x00000000)" */
	char *name;  /* what a Get* call asked for, or NULL */
};

struct xb_check_result {
	struct xb_notification n;
	struct call *calls;
	size_t ncalls, cap;
};

struct xb_check_module {
	struct xb_check_ca *ca;
	struct xb_check_module *next;
	size_t index;             /* its records' module (struct xb_notification): the contract keeps each module's BSTRs apart */
	struct xb_module *m;      /* NULL when loading failed */
	char *given;              /* the path or CLSID text the test gave */
	HRESULT status;           /* S_OK, the load's failure, Initialize's */
	char *error;              /* why loading failed */
	char *location;           /* its ModuleRegistryLocation */
	LONG mask;
	int unloaded;
	DWORD cookie;             /* CoRegisterClassObject of a factory module */
	int registered;
	struct xb_check_result *results;
	size_t nresults, cap;
	char *refusal;            /* why the last xb_check_notify did not call Notify */
	char *why;                /* the last expectation's message */
};

/* printf into a new string (NULL when out of memory). */
char *xb_checklib_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An xb_error as one line: "source: text" (new string). */
char *xb_checklib_error_text(const xb_error *err);

/* Makes the CA's engine, contract and injector if not yet made. S_OK, or a failure with ca->error set. */
HRESULT xb_checklib_ca_start(struct xb_check_ca *ca);
/* The CA's name as module keys use it: SanitizedCAName as the engine derived it. New string. */
char *xb_checklib_ca_key_name(struct xb_check_ca *ca);
/* Writes the CA's configuration values for module name into location. */
HRESULT xb_checklib_ca_write_config(struct xb_check_ca *ca, const char *name, const char *location);
/* Copies the pending CA updates into ev->ca and forgets them. */
HRESULT xb_checklib_ca_take_pending(struct xb_check_ca *ca, struct xb_event *ev);

/* The engine's observer: feeds the contract and records the call into the result being made. */
void xb_checklib_observe(void *ctx, const struct xb_server_call *call);

/* A copy of the event's given values, ready to derive and deliver (xb_event_free it). */
HRESULT xb_checklib_event_copy(const struct xb_check_event *ev, struct xb_event *out);

/* Sets *slot to a new string (freeing the old); out of memory leaves NULL. */
void xb_checklib_set_text(char **slot, char *text);

#endif
