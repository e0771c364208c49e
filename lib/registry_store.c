/* registry_store: to be written. */
#include "exitbench.h"
