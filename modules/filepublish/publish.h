/*
 * Publishing one file under filepublish's rules: written whole or not at
 * all (atomic_file.h), and never over a different file unless the caller's
 * rule says the one there may be replaced (a CRL by a newer CRL).
 */
#ifndef XB_MODULES_FILEPUBLISH_PUBLISH_H
#define XB_MODULES_FILEPUBLISH_PUBLISH_H

#include <stddef.h>

#include "exitbench.h"

/*
 * Asked when path holds bytes other than the new ones: S_OK lets the new
 * file replace it; S_FALSE keeps it as the newer one (nothing is wrong); a
 * failure keeps it and is what fp_publish returns. The rule logs why it
 * keeps a file. Both buffers are borrowed for the call.
 */
typedef HRESULT (*fp_replace_rule)(void *ctx, const char *path, const unsigned char *old, size_t old_len,
				   const unsigned char *data, size_t len);

/*
 * Publishes data as dir/name (name already checked by names.h):
 *   S_OK      written (new, or replacing what the rule allowed);
 *   S_FALSE   nothing written, nothing wrong: the file already holds
 *             exactly these bytes (a trace replayed twice publishes nothing
 *             twice), or the rule kept it as newer;
 *   HRESULT_FROM_WIN32(ERROR_FILE_EXISTS)  another file is there and no
 *             rule (rule NULL) lets it be replaced: it is left untouched;
 *   the rule's failure, or the file system's (the directory missing:
 *   HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)); nothing changed.
 * With a rule, the read-decide-replace sequence holds fp_lock so that two
 * Notify calls cannot both decide on the same old file.
 */
HRESULT fp_publish(const char *dir, const char *name, const unsigned char *data, size_t len, fp_replace_rule rule,
		   void *ctx);

#endif
