/* Ambiguous and missing symbols, data relocations, a weak undefined symbol: a conversion that must fail cleanly. */
#include "klp.h"
extern int init_once(void);
extern int no_such_symbol(void);
extern int maybe(void) __attribute__((weak));
int *p = (int *)&init_once;
int h(void) { return init_once() + no_such_symbol() + (maybe ? maybe() : 0); }
