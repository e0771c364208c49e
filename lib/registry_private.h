/*
 * The emulated registry's store: a tree of keys per root, each key holding
 * its subkeys sorted by case-insensitive name (the order RegEnumKeyExW
 * gives) and its values in the order they were first set (RegEnumValueW's
 * order). One mutex guards the whole store; the reg_* functions here expect
 * it held. Keys are reference counted: the tree holds one reference and
 * every open HKEY another, so a handle to a deleted key stays valid memory
 * and answers ERROR_KEY_DELETED.
 */
#ifndef XB_LIB_REGISTRY_PRIVATE_H
#define XB_LIB_REGISTRY_PRIVATE_H

#include <pthread.h>
#include <stddef.h>

#include "exitbench.h"

struct reg_value {
	OLECHAR *name;  /* "" for the default value */
	DWORD type;
	DWORD size;
	BYTE *data;
};

struct reg_key {
	OLECHAR *name;
	struct reg_key *parent;
	struct reg_key **children;  /* sorted, case-insensitive */
	size_t nchildren, children_cap;
	struct reg_value **values;  /* insertion order */
	size_t nvalues, values_cap;
	unsigned refs;
	int deleted;
	FILETIME written;
};

/* What an HKEY returned by RegCreateKeyExW/RegOpenKeyExW points to. */
#define REG_HANDLE_MAGIC 0x78624B59u /* "xbKY" */
struct HKEY__ {
	uint32_t magic;
	struct reg_key *key;
};

extern pthread_mutex_t xb_reg_lock;

/*
 * The key behind hkey (a root or an open handle), or NULL with *status set:
 * ERROR_INVALID_HANDLE for anything that is neither (checked against the
 * table of open handles before any dereference), ERROR_KEY_DELETED.
 */
struct reg_key *reg_key_from_handle(HKEY hkey, LSTATUS *status);
/* The root key of a predefined HKEY, or NULL. */
struct reg_key *reg_root(HKEY hkey);
/* The root's display name ("HKEY_LOCAL_MACHINE"), or NULL. */
const char *reg_root_name(HKEY hkey);

/*
 * Walks a backslash-separated path below key; with create, makes missing
 * keys (*created tells whether the last one was new). Runs of backslashes
 * separate like one. Returns ERROR_SUCCESS, ERROR_FILE_NOT_FOUND,
 * ERROR_BAD_PATHNAME (leading backslash), ERROR_INVALID_PARAMETER (a name
 * over 255 characters) or ERROR_NOT_ENOUGH_MEMORY.
 */
LSTATUS reg_walk(struct reg_key *key, const OLECHAR *path, int create, struct reg_key **out, int *created);

/* A new handle to key in *out (holding a reference), registered as open. */
LSTATUS reg_handle_open(struct reg_key *key, HKEY *out);
/* Unregisters and frees an open handle; ERROR_INVALID_HANDLE if it is not one. */
LSTATUS reg_handle_close(HKEY hkey);

void reg_key_ref(struct reg_key *key);
void reg_key_unref(struct reg_key *key);
/* Detaches key and its subtree from the tree and marks them deleted. */
void reg_key_delete(struct reg_key *key);
/* Deletes every subkey (as reg_key_delete) and every value of key, which stays. */
void reg_key_delete_contents(struct reg_key *key);
void reg_key_touch(struct reg_key *key);

struct reg_value *reg_value_find(struct reg_key *key, const OLECHAR *name);
LSTATUS reg_value_set(struct reg_key *key, const OLECHAR *name, DWORD type, const BYTE *data, DWORD size);
LSTATUS reg_value_delete(struct reg_key *key, const OLECHAR *name);

#endif
