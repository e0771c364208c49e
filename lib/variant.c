/* variant: to be written. */
#include "exitbench.h"
