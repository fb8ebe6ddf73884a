/*
 * Livepatch test_klp_livepatch, second compilation unit, built with -g (so .rela.debug_* sections
 * refer to the annotation array) and -ffunction-sections.  It annotates vmlinux again with the
 * same symbol and position as lp_main.c: after `ld -r` both arrays share one
 * .klp.module_relocs.vmlinux section.  It also carries a __jump_table entry for a vmlinux
 * static key.
 */
#include "klp_test.h"

extern int state_show(void);
extern char *saved_command_line;
extern struct static_key tracepoint_printk_key;  /* vmlinux static key: allowed in __jump_table */
extern char homonym_string[];

KLP_MODULE_RELOC(vmlinux) vmlinux_relocs_extra[] = {
	KLP_SYMPOS(state_show, 1),
};

int lp_extra_state(void)
{
	return state_show();
}

int lp_extra_key(void)
{
	if (klp_static_branch(&tracepoint_printk_key))
		printk("(3) %s\n", saved_command_line);
	return homonym_string[0];
}
