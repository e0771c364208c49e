/* bstr: to be written. */
#include "exitbench.h"
