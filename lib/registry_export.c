/* registry_export: to be written. */
#include "exitbench.h"
