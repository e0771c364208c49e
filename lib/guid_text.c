/* guid_text: to be written. */
#include "exitbench.h"
