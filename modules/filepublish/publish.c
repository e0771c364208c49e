/* Publishing one file (publish.h) over the platform layer (atomic_file.h). */
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "publish.h"

#define FILE_EXISTS HRESULT_FROM_WIN32(ERROR_FILE_EXISTS)

/* What is at path compared with data: S_FALSE the same bytes, S_OK absent, FILE_EXISTS different (old kept in *old). */
static HRESULT compare(const char *path, const unsigned char *data, size_t len, unsigned char **old, size_t *old_len)
{
	HRESULT hr = fp_file_read(path, old, old_len);
	if (hr == S_FALSE)
		return S_OK;
	if (FAILED(hr))
		return hr;
	if (*old_len == len && (len == 0 || !memcmp(*old, data, len)))
		return S_FALSE;
	return FILE_EXISTS;
}

HRESULT fp_publish(const char *dir, const char *name, const unsigned char *data, size_t len, fp_replace_rule rule,
		   void *ctx)
{
	HRESULT hr = fp_directory_check(dir);
	if (FAILED(hr))
		return hr;
	char *path = fp_path_join(dir, name);
	if (!path)
		return E_OUTOFMEMORY;
	unsigned char *old = NULL;
	size_t old_len = 0;
	if (rule)
		fp_lock();
	hr = compare(path, data, len, &old, &old_len);
	if (hr == S_OK) {
		/* Nothing there: create it, never replacing one that appears meanwhile. */
		hr = fp_file_write_atomic(dir, name, data, len, 0);
		if (hr == FILE_EXISTS) {
			free(old);
			old = NULL;
			hr = compare(path, data, len, &old, &old_len);
			if (hr == S_OK) /* gone again: leave it to the next event rather than loop */
				hr = FILE_EXISTS;
		}
	} else if (hr == FILE_EXISTS && rule && old) {
		hr = rule(ctx, path, old, old_len, data, len);
		if (hr == S_OK)
			hr = fp_file_write_atomic(dir, name, data, len, 1);
	}
	if (rule)
		fp_unlock();
	free(old);
	free(path);
	return hr;
}
