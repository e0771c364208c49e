/* utf: to be written. */
#include "exitbench.h"
