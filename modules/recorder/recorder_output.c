/*
 * The recorder's output: one durable append per call (one write of whole
 * lines, then fsync or FlushFileBuffers) and the lock that puts concurrent
 * Notify calls one after another. The file is opened for each append, so
 * that a file moved away (rotated) is started again, and a directory that
 * appears later is used from then on. The system calls differ; what the
 * recorder sees does not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

#if !defined(XB_WINDOWS)
# include <errno.h>
# include <fcntl.h>
# include <sys/stat.h>
# include <unistd.h>
#endif

/* ---- the lock --------------------------------------------------------------- */

#if defined(XB_WINDOWS)

void rec_lock_init(struct rec_lock *lock)
{
	InitializeCriticalSection(&lock->section);
}

void rec_lock_enter(struct rec_lock *lock)
{
	EnterCriticalSection(&lock->section);
}

void rec_lock_leave(struct rec_lock *lock)
{
	LeaveCriticalSection(&lock->section);
}

void rec_lock_destroy(struct rec_lock *lock)
{
	DeleteCriticalSection(&lock->section);
}

#else

void rec_lock_init(struct rec_lock *lock)
{
	pthread_mutex_init(&lock->mutex, NULL);
}

void rec_lock_enter(struct rec_lock *lock)
{
	pthread_mutex_lock(&lock->mutex);
}

void rec_lock_leave(struct rec_lock *lock)
{
	pthread_mutex_unlock(&lock->mutex);
}

void rec_lock_destroy(struct rec_lock *lock)
{
	pthread_mutex_destroy(&lock->mutex);
}

#endif

/* ---- the file ---------------------------------------------------------------- */

#if defined(XB_WINDOWS)

/* The last Win32 error as an HRESULT, with what failed in why. */
static HRESULT last_error(const char *what, char *why, size_t why_size)
{
	DWORD e = GetLastError();
	snprintf(why, why_size, "%s failed (Win32 error %lu)", what, (unsigned long)e);
	return e ? HRESULT_FROM_WIN32(e) : E_FAIL;
}

HRESULT rec_file_open(const char *path, struct rec_file *file, char *why, size_t why_size)
{
	OLECHAR *wide = NULL;
	file->handle = INVALID_HANDLE_VALUE;
	why[0] = 0;
	HRESULT hr = xb_utf8_to_utf16(path, XB_NUL_TERMINATED, &wide, NULL, NULL);
	if (FAILED(hr)) {
		snprintf(why, why_size, "the path is not UTF-8");
		return hr;
	}
	/* Readers may look at the trace while the CA writes it; nobody else should write it. */
	HANDLE h = CreateFileW(wide, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
			       OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	free(wide);
	if (h == INVALID_HANDLE_VALUE)
		return last_error("CreateFileW", why, why_size);
	LARGE_INTEGER size;
	if (GetFileType(h) != FILE_TYPE_DISK) {
		CloseHandle(h);
		snprintf(why, why_size, "not a file on a disk");
		return HRESULT_FROM_WIN32(ERROR_INVALID_NAME);
	}
	if (!GetFileSizeEx(h, &size)) {
		hr = last_error("GetFileSizeEx", why, why_size);
		CloseHandle(h);
		return hr;
	}
	file->handle = h;
	file->size = (uint64_t)size.QuadPart;
	file->ends_in_line = 1;
	if (file->size) {
		LARGE_INTEGER at;
		char last = 0;
		DWORD got = 0;
		at.QuadPart = size.QuadPart - 1;
		if (!SetFilePointerEx(h, at, NULL, FILE_BEGIN) || !ReadFile(h, &last, 1, &got, NULL) || got != 1) {
			hr = last_error("ReadFile", why, why_size);
			rec_file_close(file);
			return hr;
		}
		file->ends_in_line = last == '\n';
	}
	return S_OK;
}

/* Cuts the file back to its size at open; 0 when it could not. */
static int cut_back(struct rec_file *file)
{
	LARGE_INTEGER at;
	at.QuadPart = (LONGLONG)file->size;
	return SetFilePointerEx(file->handle, at, NULL, FILE_BEGIN) && SetEndOfFile(file->handle);
}

HRESULT rec_file_append(struct rec_file *file, const char *text, size_t len, char *why, size_t why_size)
{
	LARGE_INTEGER at;
	DWORD written = 0;
	HRESULT hr;
	why[0] = 0;
	if (len > 0xFFFFFFFFu) {
		snprintf(why, why_size, "a line of %lu MB", (unsigned long)(len >> 20));
		return HRESULT_FROM_WIN32(ERROR_DISK_FULL);
	}
	at.QuadPart = (LONGLONG)file->size;
	if (!SetFilePointerEx(file->handle, at, NULL, FILE_BEGIN))
		return last_error("SetFilePointerEx", why, why_size);
	if (!WriteFile(file->handle, text, (DWORD)len, &written, NULL)) {
		hr = last_error("WriteFile", why, why_size);
	} else if (written != len) {
		snprintf(why, why_size, "WriteFile wrote %lu of %lu bytes", (unsigned long)written, (unsigned long)len);
		hr = HRESULT_FROM_WIN32(ERROR_DISK_FULL);
	} else if (!FlushFileBuffers(file->handle)) {
		hr = last_error("FlushFileBuffers", why, why_size);
	} else {
		return S_OK;
	}
	if (!cut_back(file)) {
		size_t used = strlen(why);
		snprintf(why + used, why_size - used, "; the partial line could not be removed (Win32 error %lu)",
			 (unsigned long)GetLastError());
	}
	return hr;
}

void rec_file_close(struct rec_file *file)
{
	if (file->handle != INVALID_HANDLE_VALUE)
		CloseHandle(file->handle);
	file->handle = INVALID_HANDLE_VALUE;
}

#else

/* errno as the Win32 error Windows gives in its place, so a CA sees the same HRESULTs from both builds. */
static HRESULT from_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
	case EACCES:
	case EPERM:
	case EROFS:
	case EISDIR:
		return HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED);
	case ENOSPC:
	case EFBIG:
#if defined(EDQUOT)
	case EDQUOT:
#endif
		return HRESULT_FROM_WIN32(ERROR_DISK_FULL);
	case ENAMETOOLONG:
		return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
	case EMFILE:
	case ENFILE:
		return HRESULT_FROM_WIN32(ERROR_TOO_MANY_OPEN_FILES);
	case ENOMEM:
		return E_OUTOFMEMORY;
	default:
		return HRESULT_FROM_WIN32(ERROR_WRITE_FAULT);
	}
}

static HRESULT failed(const char *what, int e, char *why, size_t why_size)
{
	snprintf(why, why_size, "%s: %s", what, strerror(e));
	return from_errno(e);
}

HRESULT rec_file_open(const char *path, struct rec_file *file, char *why, size_t why_size)
{
	struct stat st;
	why[0] = 0;
	/* 0600: a trace holds what the CA holds (requests, archived keys); it is nobody else's to read. */
	int fd;
	do
		fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return failed("open", errno, why, why_size);
	if (fstat(fd, &st) < 0) {
		HRESULT hr = failed("fstat", errno, why, why_size);
		close(fd);
		return hr;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(why, why_size, "not a regular file");
		return HRESULT_FROM_WIN32(ERROR_INVALID_NAME);
	}
	file->fd = fd;
	file->path = path;
	file->size = (uint64_t)st.st_size;
	file->ends_in_line = 1;
	if (st.st_size > 0) {
		char last = 0;
		ssize_t got = pread(fd, &last, 1, st.st_size - 1);
		if (got != 1) {
			HRESULT hr = failed("pread", got < 0 ? errno : EIO, why, why_size);
			rec_file_close(file);
			return hr;
		}
		file->ends_in_line = last == '\n';
	}
	return S_OK;
}

/* fsync of the directory holding path: what makes a new file's name durable on POSIX. */
static int sync_directory(const char *path, int *error)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;
	char *dir = malloc(n + 1);
	if (!dir) {
		*error = ENOMEM;
		return 0;
	}
	if (!slash)
		memcpy(dir, ".", 2);
	else if (n == 0)
		memcpy(dir, "/", 2);
	else {
		memcpy(dir, path, n);
		dir[n] = 0;
	}
	int fd = open(dir, O_RDONLY | O_CLOEXEC);
	free(dir);
	int ok = fd >= 0 && (fsync(fd) == 0 || errno == EINVAL); /* EINVAL: a file system without it */
	*error = errno;
	if (fd >= 0)
		close(fd);
	return ok;
}

HRESULT rec_file_append(struct rec_file *file, const char *text, size_t len, char *why, size_t why_size)
{
	HRESULT hr;
	ssize_t n;
	int e = 0;
	why[0] = 0;
	do
		n = write(file->fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		hr = failed("write", errno, why, why_size);
	} else if ((size_t)n != len) {
		/* a regular file takes less only when it cannot grow (disk full, quota, file size limit) */
		snprintf(why, why_size, "write: %zd of %zu bytes written (disk full?)", n, len);
		hr = HRESULT_FROM_WIN32(ERROR_DISK_FULL);
	} else if (fsync(file->fd) < 0) {
		hr = failed("fsync", errno, why, why_size);
	} else if (file->size == 0 && !sync_directory(file->path, &e)) {
		hr = failed("fsync of the directory", e, why, why_size);
	} else {
		return S_OK;
	}
	if (ftruncate(file->fd, (off_t)file->size) < 0) {
		size_t used = strlen(why);
		snprintf(why + used, why_size - used, "; the partial line could not be removed: %s", strerror(errno));
	}
	return hr;
}

void rec_file_close(struct rec_file *file)
{
	if (file->fd >= 0)
		close(file->fd);
	file->fd = -1;
}

#endif
