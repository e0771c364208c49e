/* com_classes: to be written. */
#include "exitbench.h"
