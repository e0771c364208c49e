/*
 * filepublish's platform layer: the few file-system operations the module
 * needs, with one implementation per platform (atomic_file_posix.c,
 * atomic_file_win32.c). Paths are UTF-8. Every failure is an HRESULT:
 * HRESULT_FROM_WIN32 of the Windows error, or of the Windows error that
 * matches the errno on Linux.
 */
#ifndef XB_MODULES_FILEPUBLISH_ATOMIC_FILE_H
#define XB_MODULES_FILEPUBLISH_ATOMIC_FILE_H

#include <stddef.h>

#include "exitbench.h"

/* Whether path is absolute: "/..." on Linux; "X:\...", "X:/..." or "\\server\..." on Windows. */
int fp_path_is_absolute(const char *path);

/* dir and name joined with the platform's separator (none added after a trailing one). New; NULL without memory. */
char *fp_path_join(const char *dir, const char *name);

/*
 * S_OK when path is an existing directory; HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)
 * when nothing is there, HRESULT_FROM_WIN32(ERROR_DIRECTORY) when it is not a
 * directory, or the error that prevented the check.
 */
HRESULT fp_directory_check(const char *path);

/*
 * The whole content of the regular file at path: S_OK with *data new (free
 * it; never NULL) and *len; S_FALSE with *data NULL when there is no such
 * file; HRESULT_FROM_WIN32(ERROR_FILE_EXISTS) when the name is taken by
 * something that is not a regular file (a directory, a symbolic link, a
 * device), which is never followed or read; another failure otherwise.
 */
HRESULT fp_file_read(const char *path, unsigned char **data, size_t *len);

/*
 * Writes data as dir/name, atomically: into a new temporary file in dir
 * (".<name>.<unique>.tmp"), flushed to the disk, then renamed. With
 * replace 0 an existing dir/name is never replaced: the rename fails with
 * HRESULT_FROM_WIN32(ERROR_FILE_EXISTS) (POSIX link(), Windows MoveFileExW
 * without MOVEFILE_REPLACE_EXISTING). With replace 1 it is replaced in one
 * step (rename(), MOVEFILE_REPLACE_EXISTING). Either dir/name is the whole
 * of data or it is what it was; the temporary file is removed on every
 * path (only a crash can leave one behind).
 */
HRESULT fp_file_write_atomic(const char *dir, const char *name, const void *data, size_t len, int replace);

/* One process-wide lock around a read-decide-replace sequence. */
void fp_lock(void);
void fp_unlock(void);

#endif
