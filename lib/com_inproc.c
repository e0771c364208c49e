/*
 * In-process servers found through the registry, as COM finds them:
 * HKCR\CLSID\{clsid}\InprocServer32 names the library (REG_SZ, or
 * REG_EXPAND_SZ expanded), which is dlopen()ed once and kept until
 * CoFreeUnusedLibraries finds its DllCanUnloadNow saying S_OK.
 *
 * Modules are never called with the lock held: a library in use is marked
 * busy so that it cannot be unloaded under a caller.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "com_private.h"

struct library {
	char *path;
	void *handle;
	LPFNGETCLASSOBJECT get_class_object;
	LPFNCANUNLOADNOW can_unload_now;
	unsigned busy;
	struct library *next;
};

static pthread_mutex_t libraries_lock = PTHREAD_MUTEX_INITIALIZER;
static struct library *libraries;

/* The InprocServer32 path of rclsid as new UTF-8, or the HRESULT COM gives. */
static HRESULT server_path(REFCLSID rclsid, char **path)
{
	OLECHAR key[80];
	static const OLECHAR prefix[] = u"CLSID\\";
	static const OLECHAR suffix[] = u"\\InprocServer32";
	size_t n = sizeof(prefix) / sizeof(OLECHAR) - 1;
	memcpy(key, prefix, n * sizeof(OLECHAR));
	StringFromGUID2(rclsid, key + n, 40);
	memcpy(key + n + 38, suffix, sizeof(suffix));

	DWORD size = 0;
	LSTATUS status = RegGetValueW(HKEY_CLASSES_ROOT, key, NULL, RRF_RT_REG_SZ, NULL, NULL, &size);
	if (status == ERROR_FILE_NOT_FOUND || status == ERROR_UNSUPPORTED_TYPE)
		return REGDB_E_CLASSNOTREG; /* no class key, no InprocServer32, or no usable default value */
	if (status != ERROR_SUCCESS)
		return REGDB_E_READREGDB;
	OLECHAR *wide = malloc(size + sizeof(OLECHAR));
	if (!wide)
		return E_OUTOFMEMORY;
	status = RegGetValueW(HKEY_CLASSES_ROOT, key, NULL, RRF_RT_REG_SZ, NULL, wide, &size);
	HRESULT hr = status == ERROR_SUCCESS ? xb_utf16_to_utf8(wide, XB_NUL_TERMINATED, path, NULL, NULL)
					     : REGDB_E_READREGDB;
	free(wide);
	if (SUCCEEDED(hr) && !**path) {
		free(*path);
		*path = NULL;
		hr = REGDB_E_CLASSNOTREG;
	}
	return hr;
}

/* The loaded library for path, loading it if needed; marked busy. Lock held. */
static HRESULT acquire_library(const char *path, struct library **out)
{
	for (struct library *l = libraries; l; l = l->next) {
		if (!strcmp(l->path, path)) {
			l->busy++;
			*out = l;
			return S_OK;
		}
	}
	void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle)
		return CO_E_DLLNOTFOUND;
	LPFNGETCLASSOBJECT get = (LPFNGETCLASSOBJECT)(uintptr_t)dlsym(handle, "DllGetClassObject");
	if (!get) {
		dlclose(handle);
		return CO_E_ERRORINDLL;
	}
	struct library *l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path))) {
		free(l);
		dlclose(handle);
		return E_OUTOFMEMORY;
	}
	l->handle = handle;
	l->get_class_object = get;
	l->can_unload_now = (LPFNCANUNLOADNOW)(uintptr_t)dlsym(handle, "DllCanUnloadNow");
	l->busy = 1;
	l->next = libraries;
	libraries = l;
	*out = l;
	return S_OK;
}

HRESULT xb_inproc_get_class_object(REFCLSID rclsid, REFIID riid, void **ppv)
{
	char *path = NULL;
	HRESULT hr = server_path(rclsid, &path);
	if (FAILED(hr))
		return hr;
	struct library *lib = NULL;
	pthread_mutex_lock(&libraries_lock);
	hr = acquire_library(path, &lib);
	pthread_mutex_unlock(&libraries_lock);
	free(path);
	if (FAILED(hr))
		return hr;
	hr = lib->get_class_object(rclsid, riid, ppv);
	if (FAILED(hr))
		*ppv = NULL;
	pthread_mutex_lock(&libraries_lock);
	lib->busy--;
	pthread_mutex_unlock(&libraries_lock);
	return hr;
}

void xb_inproc_free_unused(void)
{
	pthread_mutex_lock(&libraries_lock);
	for (struct library **p = &libraries; *p;) {
		struct library *l = *p;
		if (l->busy || !l->can_unload_now) {
			p = &l->next;
			continue;
		}
		/* Asked outside the lock; busy keeps the library where it is meanwhile. */
		l->busy++;
		pthread_mutex_unlock(&libraries_lock);
		HRESULT answer = l->can_unload_now();
		pthread_mutex_lock(&libraries_lock);
		l->busy--;
		if (answer == S_OK && !l->busy) {
			*p = l->next;
			dlclose(l->handle);
			free(l->path);
			free(l);
			p = &libraries; /* the list may have changed while unlocked */
		} else {
			p = &l->next;
		}
	}
	pthread_mutex_unlock(&libraries_lock);
}
