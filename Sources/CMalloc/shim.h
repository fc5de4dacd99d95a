// glibc's malloc tuning (mallopt), which Swift's Glibc module does not export. Nothing to link: it is in libc.
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
