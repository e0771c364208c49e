#ifndef XB_LIB_COM_PRIVATE_H
#define XB_LIB_COM_PRIVATE_H
#endif
