/* A whole file into memory, for the programs that walk the test vectors. */
#ifndef XB_TESTS_ROBUSTNESS_READ_ALL_H
#define XB_TESTS_ROBUSTNESS_READ_ALL_H

#include <stddef.h>

/* The file's bytes (new: free() them, one spare byte after *len), or NULL when it cannot be read. */
unsigned char *read_all(const char *path, size_t *len);

#endif
