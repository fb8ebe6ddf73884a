/*
 * The "minimal version" annotation style (reference §9, DECISIONS 5): the undefined symbol's own
 * name carries livepatched object, symbol object, name and position.  The ',' and the trailing
 * '.<pos>' separators both occur.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern char *klp_min_cmdline __asm__("\".klp.sym.rela.vmlinux.vmlinux.saved_command_line,0\"");
extern char klp_min_homonym[] __asm__(".klp.sym.rela.test_klp_convert_mod.test_klp_convert_mod.homonym_string.2");

int lp_minimal(void)
{
	printk("%s %s\n", klp_min_cmdline, klp_min_homonym);
	return 0;
}
