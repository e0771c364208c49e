/*
 * The CA of the Check helpers (exitbench/check.h): the engine of
 * `exitbench replay` with its contract checks and fault injection, made
 * when the first module loads so that every property set before is part
 * of the CA from the start.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ca_props.h"
#include "checklib_private.h"

/* One CA per process: its engine serves CLSID_CCertServerExit for every module. */
static atomic_int ca_alive;

char *xb_checklib_format(const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	return s;
}

char *xb_checklib_error_text(const xb_error *err)
{
	char code[XB_HRESULT_BUFSIZE];
	const char *text = err->text[0] ? err->text : xb_hresult_format(err->code, code);
	return err->source[0] ? xb_checklib_format("%s: %s", err->source, text) : xb_checklib_format("%s", text);
}

void xb_checklib_set_text(char **slot, char *text)
{
	free(*slot);
	*slot = text;
}

static HRESULT ca_fail(struct xb_check_ca *ca, HRESULT hr, const xb_error *err)
{
	xb_checklib_set_text(&ca->error, err ? xb_checklib_error_text(err) : NULL);
	return hr;
}

XB_EXPORT xb_check_ca *xb_check_ca_new(const char *name)
{
	if (!name)
		return NULL;
	int none = 0;
	if (!atomic_compare_exchange_strong(&ca_alive, &none, 1))
		return NULL;
	struct xb_check_ca *ca = calloc(1, sizeof(*ca));
	if (!ca || !(ca->name = strdup(name))) {
		free(ca);
		atomic_store(&ca_alive, 0);
		return NULL;
	}
	return ca;
}

XB_EXPORT const char *xb_check_ca_error(const xb_check_ca *ca)
{
	return ca ? ca->error : NULL;
}

/* Before the engine exists a value is part of the CA; afterwards an update for the next delivery. */
static struct xb_props *ca_target(struct xb_check_ca *ca, const char *name)
{
	if (!ca || !name || !*name)
		return NULL;
	return ca->engine ? &ca->pending : &ca->props;
}

XB_EXPORT HRESULT xb_check_ca_set_long(xb_check_ca *ca, const char *name, LONG value)
{
	struct xb_props *p = ca_target(ca, name);
	return p ? xb_props_put_long(p, name, value, XB_PUT_REPLACE) : E_INVALIDARG;
}

XB_EXPORT HRESULT xb_check_ca_set_string(xb_check_ca *ca, const char *name, const char *value)
{
	struct xb_props *p = ca_target(ca, name);
	return p && value ? xb_props_put_string(p, name, value, XB_PUT_REPLACE) : E_INVALIDARG;
}

XB_EXPORT HRESULT xb_check_ca_set_date(xb_check_ca *ca, const char *name, DATE value)
{
	struct xb_props *p = ca_target(ca, name);
	return p ? xb_props_put_date(p, name, value, XB_PUT_REPLACE) : E_INVALIDARG;
}

XB_EXPORT HRESULT xb_check_ca_set_binary(xb_check_ca *ca, const char *name, const void *bytes, size_t len)
{
	struct xb_props *p = ca_target(ca, name);
	return p && (bytes || !len) ? xb_props_put_binary(p, name, bytes ? bytes : "", len, XB_PUT_REPLACE)
				    : E_INVALIDARG;
}

/* Whether a configuration value for `module` (NULL: all) is meant for the module called name. */
static int config_for(const struct config_value *c, const char *name)
{
	return !c->module || (name && !strcasecmp(c->module, name));
}

HRESULT xb_checklib_ca_write_config(struct xb_check_ca *ca, const char *name, const char *location)
{
	struct xb_setting *mine = calloc(ca->nconfig + 1, sizeof(*mine));
	if (!mine)
		return E_OUTOFMEMORY;
	size_t n = 0;
	for (size_t i = 0; i < ca->nconfig; i++)
		if (config_for(&ca->config[i], name))
			mine[n++] = ca->config[i].setting; /* borrowed for the write */
	xb_error err;
	xb_error_init(&err, location);
	HRESULT hr = n ? xb_settings_write(location, mine, n, &err) : S_OK;
	free(mine);
	return FAILED(hr) ? ca_fail(ca, hr, &err) : S_OK;
}

XB_EXPORT HRESULT xb_check_ca_set_config(xb_check_ca *ca, const char *module, const char *name, const char *value)
{
	if (!ca || !name || !value)
		return E_INVALIDARG;
	char *text = xb_checklib_format("%s=%s", name, value);
	if (!text)
		return E_OUTOFMEMORY;
	xb_error err;
	xb_error_init(&err, NULL);
	struct config_value c = {0};
	HRESULT hr = xb_setting_parse(text, &c.setting, &err);
	free(text);
	if (FAILED(hr))
		return ca_fail(ca, hr, &err);
	struct config_value *grown = realloc(ca->config, (ca->nconfig + 1) * sizeof(*grown));
	if (!grown || (module && !(c.module = strdup(module)))) {
		xb_setting_free(&c.setting);
		ca->config = grown ? grown : ca->config;
		return E_OUTOFMEMORY;
	}
	ca->config = grown;
	ca->config[ca->nconfig++] = c;
	/* A module already loaded reads its key when it likes: write there now too. */
	for (struct xb_check_module *m = ca->modules; m && SUCCEEDED(hr); m = m->next) {
		if (!m->location || !config_for(&c, xb_check_module_name(m)))
			continue;
		xb_error_init(&err, m->location);
		hr = xb_settings_write(m->location, &c.setting, 1, &err);
		if (FAILED(hr))
			ca_fail(ca, hr, &err);
	}
	return hr;
}

XB_EXPORT HRESULT xb_check_ca_inject(xb_check_ca *ca, const char *spec)
{
	if (!ca || !spec)
		return E_INVALIDARG;
	char **grown = realloc(ca->inject, (ca->ninject + 1) * sizeof(*grown));
	if (!grown)
		return E_OUTOFMEMORY;
	ca->inject = grown;
	if (!(grown[ca->ninject] = strdup(spec)))
		return E_OUTOFMEMORY;
	/* The injector is made anew from every spec so far: rules are matched in the order given. */
	struct xb_injector *in = NULL;
	xb_error err;
	xb_error_init(&err, spec);
	HRESULT hr = xb_injector_new((const char *const *)ca->inject, ca->ninject + 1, &in, &err);
	if (FAILED(hr)) {
		free(grown[ca->ninject]);
		return ca_fail(ca, hr, &err);
	}
	ca->ninject++;
	if (ca->engine)
		xb_engine_set_injector(ca->engine, in);
	xb_injector_free(ca->injector);
	ca->injector = in;
	return S_OK;
}

HRESULT xb_checklib_ca_start(struct xb_check_ca *ca)
{
	if (ca->engine)
		return S_OK;
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_engine_new(ca->name, &ca->props, &ca->engine, &err);
	if (FAILED(hr))
		return ca_fail(ca, hr, &err);
	hr = xb_contract_new(&ca->contract);
	if (FAILED(hr)) {
		xb_engine_free(ca->engine);
		ca->engine = NULL;
		return ca_fail(ca, hr, NULL);
	}
	xb_engine_set_observer(ca->engine, xb_checklib_observe, ca);
	xb_engine_set_injector(ca->engine, ca->injector);
	return S_OK;
}

char *xb_checklib_ca_key_name(struct xb_check_ca *ca)
{
	if (!ca->engine)
		return xb_sanitize_ca_name(ca->name);
	const struct xb_props *props = xb_engine_lock_ca(ca->engine);
	const struct xb_prop *p = xb_props_find(props, "SanitizedCAName");
	char *name = strdup(p && p->value.type == PROPTYPE_STRING && p->value.text[0] ? p->value.text : ca->name);
	xb_engine_unlock(ca->engine);
	return name;
}

HRESULT xb_checklib_ca_take_pending(struct xb_check_ca *ca, struct xb_event *ev)
{
	if (!ca->pending.n)
		return S_OK;
	HRESULT hr = xb_props_copy(&ev->ca, &ca->pending);
	if (SUCCEEDED(hr))
		xb_props_free(&ca->pending);
	return hr;
}

XB_EXPORT void xb_check_ca_free(xb_check_ca *ca)
{
	if (!ca)
		return;
	while (ca->modules)
		xb_check_module_free(ca->modules);
	if (ca->engine) {
		xb_engine_set_observer(ca->engine, NULL, NULL);
		xb_engine_set_injector(ca->engine, NULL);
	}
	xb_contract_free(ca->contract);
	xb_contract_thread_exit();
	xb_engine_free(ca->engine);
	xb_injector_free(ca->injector);
	for (size_t i = 0; i < ca->ninject; i++)
		free(ca->inject[i]);
	free(ca->inject);
	for (size_t i = 0; i < ca->nconfig; i++) {
		free(ca->config[i].module);
		xb_setting_free(&ca->config[i].setting);
	}
	free(ca->config);
	xb_props_free(&ca->props);
	xb_props_free(&ca->pending);
	free(ca->name);
	free(ca->error);
	free(ca);
	atomic_store(&ca_alive, 0);
}
