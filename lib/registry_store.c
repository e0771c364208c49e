/* The emulated registry's tree (see registry_private.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry_private.h"

pthread_mutex_t xb_reg_lock = PTHREAD_MUTEX_INITIALIZER;

#define REG_MAX_KEY_NAME 255 /* characters, as Windows */

static OLECHAR empty_name[1];
static struct reg_key root_classes = {.name = empty_name, .refs = 1};
static struct reg_key root_machine = {.name = empty_name, .refs = 1};

/*
 * HKEY_CLASSES_ROOT is its own tree here; on Windows it is a merged view of
 * HKLM\Software\Classes and the user's classes. Modules register under
 * HKCR and the engine reads HKCR, so a separate tree behaves the same for
 * them. HKEY_CURRENT_USER and HKEY_USERS are not emulated.
 */
struct reg_key *reg_root(HKEY hkey)
{
	if (hkey == HKEY_CLASSES_ROOT)
		return &root_classes;
	if (hkey == HKEY_LOCAL_MACHINE)
		return &root_machine;
	return NULL;
}

const char *reg_root_name(HKEY hkey)
{
	if (hkey == HKEY_CLASSES_ROOT)
		return "HKEY_CLASSES_ROOT";
	if (hkey == HKEY_LOCAL_MACHINE)
		return "HKEY_LOCAL_MACHINE";
	return NULL;
}

/*
 * Every HKEY handed out, sorted by address. A handle is looked up here
 * before it is dereferenced, so a closed handle or a stray pointer is
 * ERROR_INVALID_HANDLE rather than a read of freed or unmapped memory. As
 * on Windows, a handle value may come back from a later open once closed.
 */
static struct HKEY__ **handles;
static size_t nhandles, handles_cap;

/* Index of h in handles, or where it would go (*found = 0). */
static size_t handle_index(HKEY h, int *found)
{
	size_t lo = 0, hi = nhandles;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)handles[mid] == (uintptr_t)h) {
			*found = 1;
			return mid;
		}
		if ((uintptr_t)handles[mid] < (uintptr_t)h)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

LSTATUS reg_handle_open(struct reg_key *key, HKEY *out)
{
	if (nhandles == handles_cap) {
		size_t cap = handles_cap ? 2 * handles_cap : 16;
		struct HKEY__ **grown = realloc(handles, cap * sizeof(*grown));
		if (!grown)
			return ERROR_NOT_ENOUGH_MEMORY;
		handles = grown;
		handles_cap = cap;
	}
	struct HKEY__ *h = malloc(sizeof(*h));
	if (!h)
		return ERROR_NOT_ENOUGH_MEMORY;
	h->magic = REG_HANDLE_MAGIC;
	h->key = key;
	reg_key_ref(key);
	int found;
	size_t at = handle_index(h, &found);
	memmove(handles + at + 1, handles + at, (nhandles - at) * sizeof(*handles));
	handles[at] = h;
	nhandles++;
	*out = h;
	return ERROR_SUCCESS;
}

LSTATUS reg_handle_close(HKEY hkey)
{
	int found;
	size_t at = handle_index(hkey, &found);
	if (!found)
		return ERROR_INVALID_HANDLE;
	memmove(handles + at, handles + at + 1, (nhandles - at - 1) * sizeof(*handles));
	if (--nhandles == 0) {
		free(handles);
		handles = NULL;
		handles_cap = 0;
	}
	hkey->magic = 0;
	reg_key_unref(hkey->key);
	free(hkey);
	return ERROR_SUCCESS;
}

struct reg_key *reg_key_from_handle(HKEY hkey, LSTATUS *status)
{
	struct reg_key *key = reg_root(hkey);
	if (key)
		return key;
	/* HKEY_CURRENT_USER, HKEY_USERS, NULL, closed handles and stray pointers. */
	int found;
	handle_index(hkey, &found);
	if (!found || hkey->magic != REG_HANDLE_MAGIC) {
		*status = ERROR_INVALID_HANDLE;
		return NULL;
	}
	if (hkey->key->deleted) {
		*status = ERROR_KEY_DELETED;
		return NULL;
	}
	return hkey->key;
}

/*
 * Subkey order: names compared as Windows sorts them, upper-cased (so "_"
 * comes after the letters, as in a hive). Only a-z fold, as for
 * xb_utf16_icmp, which gives the same equality but folds to lower case and
 * so a different order for [ \ ] ^ _ and `.
 */
static unsigned int upper(OLECHAR c)
{
	return c >= u'a' && c <= u'z' ? (unsigned int)c - (u'a' - u'A') : c;
}

/* Compares (a, alen) with a NUL-terminated b. */
static int name_cmp(const OLECHAR *a, size_t alen, const OLECHAR *b)
{
	for (size_t i = 0; i < alen; i++) {
		if (!b[i])
			return 1;
		unsigned int x = upper(a[i]), y = upper(b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return b[alen] ? -1 : 0;
}

/* Index of the child named (name, len), or where it would be inserted (*found = 0). */
static size_t child_index(const struct reg_key *key, const OLECHAR *name, size_t len, int *found)
{
	size_t lo = 0, hi = key->nchildren;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(name, len, key->children[mid]->name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return lo;
}

void reg_key_touch(struct reg_key *key)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* FILETIME: 100 ns intervals since 1601-01-01. */
	uint64_t ft = ((uint64_t)ts.tv_sec + 11644473600u) * 10000000u + (uint64_t)ts.tv_nsec / 100u;
	key->written.dwLowDateTime = (DWORD)ft;
	key->written.dwHighDateTime = (DWORD)(ft >> 32);
}

static struct reg_key *child_create(struct reg_key *parent, size_t at, const OLECHAR *name, size_t len)
{
	if (parent->nchildren == parent->children_cap) {
		size_t cap = parent->children_cap ? 2 * parent->children_cap : 4;
		struct reg_key **grown = realloc(parent->children, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		parent->children = grown;
		parent->children_cap = cap;
	}
	struct reg_key *key = calloc(1, sizeof(*key));
	OLECHAR *copy = malloc((len + 1) * sizeof(OLECHAR));
	if (!key || !copy) {
		free(key);
		free(copy);
		return NULL;
	}
	memcpy(copy, name, len * sizeof(OLECHAR));
	copy[len] = 0;
	key->name = copy;
	key->parent = parent;
	key->refs = 1; /* the tree's */
	reg_key_touch(key);
	memmove(parent->children + at + 1, parent->children + at, (parent->nchildren - at) * sizeof(*parent->children));
	parent->children[at] = key;
	parent->nchildren++;
	reg_key_touch(parent);
	return key;
}

/*
 * Windows' path rules (Wine's conformance tests record them): a leading
 * backslash is ERROR_BAD_PATHNAME, a run of backslashes inside or at the
 * end separates like one ("Subkey4\\\\" opens Subkey4), and a component
 * longer than 255 characters is ERROR_INVALID_PARAMETER.
 */
LSTATUS reg_walk(struct reg_key *key, const OLECHAR *path, int create, struct reg_key **out, int *created)
{
	if (created)
		*created = 0;
	if (!path || !*path) {
		*out = key;
		return ERROR_SUCCESS;
	}
	if (*path == u'\\')
		return ERROR_BAD_PATHNAME;
	const OLECHAR *p = path;
	while (*p) {
		const OLECHAR *end = p;
		while (*end && *end != u'\\')
			end++;
		size_t len = (size_t)(end - p);
		if (len > REG_MAX_KEY_NAME)
			return ERROR_INVALID_PARAMETER;
		int found;
		size_t at = child_index(key, p, len, &found);
		if (found) {
			key = key->children[at];
			if (created)
				*created = 0;
		} else if (create) {
			key = child_create(key, at, p, len);
			if (!key)
				return ERROR_NOT_ENOUGH_MEMORY;
			if (created)
				*created = 1;
		} else {
			return ERROR_FILE_NOT_FOUND;
		}
		while (*end == u'\\')
			end++;
		p = end;
	}
	*out = key;
	return ERROR_SUCCESS;
}

void reg_key_ref(struct reg_key *key)
{
	key->refs++;
}

static void value_free(struct reg_value *v)
{
	free(v->name);
	free(v->data);
	free(v);
}

/* Frees every value and the value array (a key without values holds no memory for them). */
static void clear_values(struct reg_key *key)
{
	for (size_t i = 0; i < key->nvalues; i++)
		value_free(key->values[i]);
	free(key->values);
	key->values = NULL;
	key->nvalues = key->values_cap = 0;
}

void reg_key_unref(struct reg_key *key)
{
	if (key == &root_classes || key == &root_machine)
		return;
	if (--key->refs)
		return;
	clear_values(key);
	free(key->children);
	free(key->name);
	free(key);
}

void reg_key_delete(struct reg_key *key)
{
	while (key->nchildren)
		reg_key_delete(key->children[key->nchildren - 1]);
	struct reg_key *parent = key->parent;
	if (parent) {
		int found;
		size_t at = child_index(parent, key->name, xb_utf16_len(key->name), &found);
		if (found) {
			memmove(parent->children + at, parent->children + at + 1,
				(parent->nchildren - at - 1) * sizeof(*parent->children));
			parent->nchildren--;
			reg_key_touch(parent);
		}
	}
	key->parent = NULL;
	key->deleted = 1;
	reg_key_unref(key); /* the tree's reference */
}

void reg_key_delete_contents(struct reg_key *key)
{
	while (key->nchildren)
		reg_key_delete(key->children[key->nchildren - 1]);
	free(key->children);
	key->children = NULL;
	key->children_cap = 0;
	clear_values(key);
	reg_key_touch(key);
}

struct reg_value *reg_value_find(struct reg_key *key, const OLECHAR *name)
{
	static const OLECHAR none[1];
	if (!name)
		name = none;
	for (size_t i = 0; i < key->nvalues; i++)
		if (!xb_utf16_icmp(key->values[i]->name, name))
			return key->values[i];
	return NULL;
}

LSTATUS reg_value_set(struct reg_key *key, const OLECHAR *name, DWORD type, const BYTE *data, DWORD size)
{
	BYTE *copy = malloc(size ? size : 1);
	if (!copy)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (size)
		memcpy(copy, data, size);
	struct reg_value *v = reg_value_find(key, name);
	if (!v) {
		if (key->nvalues == key->values_cap) {
			size_t cap = key->values_cap ? 2 * key->values_cap : 4;
			struct reg_value **grown = realloc(key->values, cap * sizeof(*grown));
			if (!grown) {
				free(copy);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
			key->values = grown;
			key->values_cap = cap;
		}
		size_t len = name ? xb_utf16_len(name) : 0;
		v = calloc(1, sizeof(*v));
		OLECHAR *vname = malloc((len + 1) * sizeof(OLECHAR));
		if (!v || !vname) {
			free(v);
			free(vname);
			free(copy);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		if (len)
			memcpy(vname, name, len * sizeof(OLECHAR));
		vname[len] = 0;
		v->name = vname;
		key->values[key->nvalues++] = v;
	} else {
		free(v->data);
	}
	v->type = type;
	v->size = size;
	v->data = copy;
	reg_key_touch(key);
	return ERROR_SUCCESS;
}

LSTATUS reg_value_delete(struct reg_key *key, const OLECHAR *name)
{
	struct reg_value *v = reg_value_find(key, name);
	if (!v)
		return ERROR_FILE_NOT_FOUND;
	size_t i = 0;
	while (key->values[i] != v)
		i++;
	memmove(key->values + i, key->values + i + 1, (key->nvalues - i - 1) * sizeof(*key->values));
	key->nvalues--;
	value_free(v);
	reg_key_touch(key);
	return ERROR_SUCCESS;
}
