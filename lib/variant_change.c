/* variant_change: to be written. */
#include "exitbench.h"
