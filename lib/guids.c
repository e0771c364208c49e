/* guids: to be written. */
#include "exitbench.h"
