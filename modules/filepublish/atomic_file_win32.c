/* atomic_file.h on Windows: CreateFileW/WriteFile/FlushFileBuffers, then MoveFileExW. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

static HRESULT last_error(void)
{
	DWORD e = GetLastError();
	return e ? HRESULT_FROM_WIN32(e) : E_FAIL;
}

/* A UTF-8 path as a new wide string, or NULL (*hr says why). */
static WCHAR *wide(const char *path, HRESULT *hr)
{
	OLECHAR *w = NULL;
	*hr = xb_utf8_to_utf16(path, XB_NUL_TERMINATED, &w, NULL, NULL);
	return SUCCEEDED(*hr) ? (WCHAR *)w : NULL;
}

static int is_separator(char c)
{
	return c == '\\' || c == '/';
}

int fp_path_is_absolute(const char *path)
{
	if (!path)
		return 0;
	if (((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) && path[1] == ':' &&
	    is_separator(path[2]))
		return 1;
	return is_separator(path[0]) && is_separator(path[1]); /* \\server\share, \\?\... */
}

char *fp_path_join(const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	int sep = d && !is_separator(dir[d - 1]);
	char *out = malloc(d + (size_t)sep + n + 1);
	if (!out)
		return NULL;
	memcpy(out, dir, d);
	if (sep)
		out[d] = '\\';
	memcpy(out + d + sep, name, n + 1);
	return out;
}

HRESULT fp_directory_check(const char *path)
{
	HRESULT hr;
	WCHAR *w = wide(path, &hr);
	if (!w)
		return hr;
	DWORD attributes = GetFileAttributesW(w);
	hr = attributes == INVALID_FILE_ATTRIBUTES ? last_error() : S_OK;
	free(w);
	if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND))
		hr = HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
	if (SUCCEEDED(hr) && !(attributes & FILE_ATTRIBUTE_DIRECTORY))
		hr = HRESULT_FROM_WIN32(ERROR_DIRECTORY);
	return hr;
}

HRESULT fp_file_read(const char *path, unsigned char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	HRESULT hr;
	WCHAR *w = wide(path, &hr);
	if (!w)
		return hr;
	/* FILE_FLAG_OPEN_REPARSE_POINT: a symbolic link or junction is looked at, never followed. */
	HANDLE h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
			       FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		if (e == ERROR_FILE_NOT_FOUND)
			return S_FALSE;
		/* A directory cannot be opened this way: the name is taken by something else. */
		if (e == ERROR_ACCESS_DENIED) {
			HRESULT check = fp_directory_check(path);
			return check == S_OK ? HRESULT_FROM_WIN32(ERROR_FILE_EXISTS) : HRESULT_FROM_WIN32(e);
		}
		return e ? HRESULT_FROM_WIN32(e) : E_FAIL;
	}
	BY_HANDLE_FILE_INFORMATION info;
	LARGE_INTEGER size;
	unsigned char *buf = NULL;
	size_t got = 0;
	if (!GetFileInformationByHandle(h, &info) || !GetFileSizeEx(h, &size))
		hr = last_error();
	else if (GetFileType(h) != FILE_TYPE_DISK ||
		 (info.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)))
		hr = HRESULT_FROM_WIN32(ERROR_FILE_EXISTS);
	else if ((unsigned long long)size.QuadPart >= (unsigned long long)SIZE_MAX)
		hr = E_OUTOFMEMORY;
	else if (!(buf = malloc((size_t)size.QuadPart + 1)))
		hr = E_OUTOFMEMORY;
	while (SUCCEEDED(hr) && got < (size_t)size.QuadPart) {
		size_t want = (size_t)size.QuadPart - got;
		DWORD chunk = want > 0x40000000 ? 0x40000000 : (DWORD)want, r = 0;
		if (!ReadFile(h, buf + got, chunk, &r, NULL))
			hr = last_error();
		else if (r == 0)
			break; /* shrank meanwhile: what is there now */
		else
			got += r;
	}
	CloseHandle(h);
	if (FAILED(hr)) {
		free(buf);
		return hr;
	}
	*data = buf;
	*len = got;
	return S_OK;
}

/* Writes and flushes data into a new file at w (which must not exist). */
static HRESULT write_new(const WCHAR *w, const unsigned char *p, size_t len)
{
	HANDLE h = CreateFileW(w, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return last_error();
	HRESULT hr = S_OK;
	while (SUCCEEDED(hr) && len) {
		DWORD chunk = len > 0x40000000 ? 0x40000000 : (DWORD)len, written = 0;
		if (!WriteFile(h, p, chunk, &written, NULL))
			hr = last_error();
		p += written;
		len -= written;
	}
	if (SUCCEEDED(hr) && !FlushFileBuffers(h))
		hr = last_error();
	if (!CloseHandle(h) && SUCCEEDED(hr))
		hr = last_error();
	return hr;
}

HRESULT fp_file_write_atomic(const char *dir, const char *name, const void *data, size_t len, int replace)
{
	static volatile LONG counter;
	HRESULT hr = S_OK;
	char *path = fp_path_join(dir, name);
	WCHAR *wpath = path ? wide(path, &hr) : NULL, *wtmp = NULL;
	if (!path)
		hr = E_OUTOFMEMORY;
	for (int attempt = 0; SUCCEEDED(hr) && attempt < 100; attempt++) {
		char unique[64];
		snprintf(unique, sizeof(unique), ".%lu.%ld.tmp", (unsigned long)GetCurrentProcessId(),
			 (long)InterlockedIncrement(&counter));
		size_t n = strlen(name) + strlen(unique) + 2;
		char *hidden = malloc(n), *tmp = NULL;
		if (hidden) {
			snprintf(hidden, n, ".%s%s", name, unique);
			tmp = fp_path_join(dir, hidden);
		}
		free(wtmp);
		wtmp = tmp ? wide(tmp, &hr) : NULL;
		if (!tmp && SUCCEEDED(hr))
			hr = E_OUTOFMEMORY;
		free(hidden);
		free(tmp);
		if (FAILED(hr))
			break;
		hr = write_new(wtmp, data, len);
		if (hr != HRESULT_FROM_WIN32(ERROR_FILE_EXISTS) && hr != HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS))
			break;
		/* A temporary name in use: try the next one. */
		free(wtmp);
		wtmp = NULL;
		hr = S_OK;
	}
	if (SUCCEEDED(hr) && !wtmp)
		hr = HRESULT_FROM_WIN32(ERROR_FILE_EXISTS);
	if (SUCCEEDED(hr)) {
		/* Without MOVEFILE_REPLACE_EXISTING an existing target stops the move. */
		DWORD flags = MOVEFILE_WRITE_THROUGH | (replace ? MOVEFILE_REPLACE_EXISTING : 0);
		if (!MoveFileExW(wtmp, wpath, flags)) {
			hr = last_error();
			if (hr == HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS))
				hr = HRESULT_FROM_WIN32(ERROR_FILE_EXISTS);
		}
	}
	/* The temporary file, whatever happened: gone after a move, the leftover otherwise. */
	if (wtmp && !DeleteFileW(wtmp) && GetLastError() != ERROR_FILE_NOT_FOUND && SUCCEEDED(hr))
		hr = last_error();
	free(wtmp);
	free(wpath);
	free(path);
	return hr;
}

static SRWLOCK lock = SRWLOCK_INIT;

void fp_lock(void)
{
	AcquireSRWLockExclusive(&lock);
}

void fp_unlock(void)
{
	ReleaseSRWLockExclusive(&lock);
}
