/* com_inproc: to be written. */
#include "exitbench.h"
