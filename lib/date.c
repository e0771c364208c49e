/* date: to be written. */
#include "exitbench.h"
