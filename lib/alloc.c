/* alloc: to be written. */
#include "exitbench.h"
