/* error: to be written. */
#include "exitbench.h"
