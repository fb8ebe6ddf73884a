/* The "minimal version" style: the symbol already carries .klp.sym.rela.<patched>.<object>.<name>.<pos> (the v3 spelling: a comma does not survive gas). */
#include "klp.h"
extern int init_once_2(void) __asm__(".klp.sym.rela.vmlinux.vmlinux.init_once.2");
extern char saved_command_line[];
int g(void) { return init_once_2() + saved_command_line[1]; }
