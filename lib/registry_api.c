/* registry_api: to be written. */
#include "exitbench.h"
