/* hresult: to be written. */
#include "exitbench.h"
