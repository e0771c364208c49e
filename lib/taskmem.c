/* taskmem: to be written. */
#include "exitbench.h"
