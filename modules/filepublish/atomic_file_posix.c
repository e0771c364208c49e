/* atomic_file.h on POSIX: open/write/fsync, link() or rename(), fsync of the directory. */
#define _GNU_SOURCE /* renameat2 and RENAME_NOREPLACE, where glibc has them */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

#ifndef ERROR_WRITE_PROTECT
# define ERROR_WRITE_PROTECT 19
#endif
#ifndef ERROR_DISK_QUOTA_EXCEEDED
# define ERROR_DISK_QUOTA_EXCEEDED 1295
#endif
#ifndef ERROR_CANT_RESOLVE_FILENAME
# define ERROR_CANT_RESOLVE_FILENAME 1921
#endif

/* errno to the Windows error a module reports for it; table order is lookup order. */
static const struct {
	int errnum;
	DWORD win32;
} errno_map[] = {
    {ENOENT, ERROR_PATH_NOT_FOUND},       {ENOTDIR, ERROR_DIRECTORY},        {EACCES, ERROR_ACCESS_DENIED},
    {EPERM, ERROR_ACCESS_DENIED},         {EEXIST, ERROR_FILE_EXISTS},       {ENOSPC, ERROR_DISK_FULL},
    {EDQUOT, ERROR_DISK_QUOTA_EXCEEDED},  {EROFS, ERROR_WRITE_PROTECT},      {ENAMETOOLONG, ERROR_FILENAME_EXCED_RANGE},
    {ELOOP, ERROR_CANT_RESOLVE_FILENAME}, {EISDIR, ERROR_FILE_EXISTS},       {EMFILE, ERROR_TOO_MANY_OPEN_FILES},
    {ENFILE, ERROR_TOO_MANY_OPEN_FILES},  {ENOMEM, ERROR_NOT_ENOUGH_MEMORY}, {EIO, ERROR_WRITE_FAULT},
    {EINVAL, ERROR_INVALID_PARAMETER},
};

static HRESULT hr_from_errno(int e)
{
	for (size_t i = 0; i < sizeof(errno_map) / sizeof(errno_map[0]); i++)
		if (errno_map[i].errnum == e)
			return HRESULT_FROM_WIN32(errno_map[i].win32);
	return E_FAIL;
}

int fp_path_is_absolute(const char *path)
{
	return path && path[0] == '/';
}

char *fp_path_join(const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	int sep = d && dir[d - 1] != '/';
	char *out = malloc(d + (size_t)sep + n + 1);
	if (!out)
		return NULL;
	memcpy(out, dir, d);
	if (sep)
		out[d] = '/';
	memcpy(out + d + sep, name, n + 1);
	return out;
}

HRESULT fp_directory_check(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return hr_from_errno(errno);
	return S_ISDIR(st.st_mode) ? S_OK : HRESULT_FROM_WIN32(ERROR_DIRECTORY);
}

HRESULT fp_file_read(const char *path, unsigned char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	/* Neither follow a link nor block on a FIFO planted under the name. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && errno == ELOOP)
		return HRESULT_FROM_WIN32(ERROR_FILE_EXISTS); /* the name is a symbolic link */
	if (fd < 0)
		return errno == ENOENT ? S_FALSE : hr_from_errno(errno);
	struct stat st;
	HRESULT hr = S_OK;
	if (fstat(fd, &st) != 0)
		hr = hr_from_errno(errno);
	else if (!S_ISREG(st.st_mode))
		hr = HRESULT_FROM_WIN32(ERROR_FILE_EXISTS);
	else if ((uintmax_t)st.st_size >= SIZE_MAX)
		hr = E_OUTOFMEMORY;
	size_t size = SUCCEEDED(hr) ? (size_t)st.st_size : 0, got = 0;
	unsigned char *buf = SUCCEEDED(hr) ? malloc(size + 1) : NULL;
	if (SUCCEEDED(hr) && !buf)
		hr = E_OUTOFMEMORY;
	/* Read one byte more than the size: a file that grew meanwhile is read as it is now. */
	while (SUCCEEDED(hr)) {
		if (got == size + 1) {
			unsigned char *grown = realloc(buf, 2 * size + 2);
			if (!grown) {
				hr = E_OUTOFMEMORY;
				break;
			}
			buf = grown;
			size = 2 * size + 1;
		}
		ssize_t r = read(fd, buf + got, size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			hr = hr_from_errno(errno);
		else if (r == 0)
			break;
		else
			got += (size_t)r;
	}
	close(fd);
	if (FAILED(hr)) {
		free(buf);
		return hr;
	}
	*data = buf;
	*len = got;
	return S_OK;
}

static HRESULT write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return hr_from_errno(errno);
		p += w;
		len -= (size_t)w;
	}
	return S_OK;
}

/* Makes the directory entries just changed durable. A file system that cannot sync a directory says EINVAL. */
static HRESULT sync_directory(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hr_from_errno(errno);
	HRESULT hr = fsync(fd) == 0 || errno == EINVAL ? S_OK : hr_from_errno(errno);
	close(fd);
	return hr;
}

/* tmp to path without replacing: link() where the file system has hard links, else renameat2(RENAME_NOREPLACE). */
static int rename_noreplace(const char *tmp, const char *path)
{
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
#ifdef RENAME_NOREPLACE
	if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == ENOSYS)
		return renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
#endif
	return -1;
}

HRESULT fp_file_write_atomic(const char *dir, const char *name, const void *data, size_t len, int replace)
{
	static unsigned long counter;
	char *path = fp_path_join(dir, name);
	char *tmp = NULL;
	int fd = -1;
	HRESULT hr = path ? S_OK : E_OUTOFMEMORY;
	for (int attempt = 0; SUCCEEDED(hr) && fd < 0 && attempt < 100; attempt++) {
		char unique[64];
		snprintf(unique, sizeof(unique), ".%ld.%lu.tmp", (long)getpid(),
			 __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
		size_t n = strlen(name) + strlen(unique) + 2;
		char *hidden = malloc(n);
		if (!hidden) {
			hr = E_OUTOFMEMORY;
			break;
		}
		snprintf(hidden, n, ".%s%s", name, unique);
		free(tmp);
		tmp = fp_path_join(dir, hidden);
		free(hidden);
		if (!tmp) {
			hr = E_OUTOFMEMORY;
			break;
		}
		/* O_EXCL: never reuse or follow anything already there. 0644: certificates and CRLs are public. */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0 && errno != EEXIST)
			hr = hr_from_errno(errno);
	}
	if (SUCCEEDED(hr) && fd < 0)
		hr = HRESULT_FROM_WIN32(ERROR_FILE_EXISTS);
	if (fd >= 0) {
		hr = write_all(fd, data, len);
		if (SUCCEEDED(hr) && fsync(fd) != 0)
			hr = hr_from_errno(errno);
		if (close(fd) != 0 && SUCCEEDED(hr))
			hr = hr_from_errno(errno);
		if (SUCCEEDED(hr)) {
			int done = replace ? rename(tmp, path) : rename_noreplace(tmp, path);
			if (done != 0)
				hr = hr_from_errno(errno);
			else
				hr = sync_directory(dir);
		}
		/* After a rename or a link it is gone or a second name; otherwise the leftover. */
		if (unlink(tmp) != 0 && errno != ENOENT && SUCCEEDED(hr))
			hr = hr_from_errno(errno);
	}
	free(tmp);
	free(path);
	return hr;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void fp_lock(void)
{
	pthread_mutex_lock(&lock);
}

void fp_unlock(void)
{
	pthread_mutex_unlock(&lock);
}
