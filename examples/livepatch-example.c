/*
 * livepatch-example.c: the livepatch bundled with `klp-convert tui`. It references kernel symbols the way a
 * real livepatch does, so the inspector has one of each kind to show:
 *   automatic   saved_command_line (vmlinux), xfs_log_force (module xfs): unique in symbols.klp
 *   annotated   state_show: three copies in vmlinux, KLP_SYMPOS(state_show, 2) below
 *   ambiguous   init_once (vmlinux and nfs), s_start (vmlinux): homonyms, pick one in the inspector
 *   not found   klp_example_missing_helper: in no object of symbols.klp
 *   exported    printk: exported by vmlinux, resolved by the module loader
 * Built with -DKLP_EXAMPLE_WITHOUT_MISSING it has no missing symbol, so it converts once init_once and s_start
 * are chosen (the tests do that).
 */
#include "klp_macros.h"

MODULE_INFO(livepatch, "Y");

int printk(const char *fmt, ...);

extern char *saved_command_line;
extern int xfs_log_force(void *mp, unsigned int flags);
extern long state_show(void *kobj, void *attr, char *buf);
extern void init_once(void *foo);
extern void *s_start(void *m, long long *pos);
extern int klp_example_missing_helper(int);

KLP_MODULE_RELOC(vmlinux) vmlinux_relocs[] = {
	KLP_SYMPOS(state_show, 2),
};

/* A const function pointer in .rodata: picking the nfs copy of init_once shows the read-only warning. */
void (*const klp_example_ctor)(void *) = init_once;

long livepatch_state_show(void *kobj, void *attr, char *buf)
{
	printk("livepatched: %s\n", saved_command_line);
	return state_show(kobj, attr, buf);
}

void *livepatch_s_start(void *m, long long *pos)
{
#ifndef KLP_EXAMPLE_WITHOUT_MISSING
	if (klp_example_missing_helper((int)*pos) < 0)
		return 0;
#endif
	return s_start(m, pos);
}

int livepatch_xfs_sync(void *mp)
{
	init_once(mp);
	return xfs_log_force(mp, 0);
}
