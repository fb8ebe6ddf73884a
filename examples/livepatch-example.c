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
 * Its klp_patch / klp_object / klp_func tables say what it patches (state_show #2 and s_next #1 of vmlinux): the
 * inspector reads them to suggest a copy (s_start #1 is in kallsyms.c, like the patched s_next #1).
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

void *livepatch_s_next(void *m, void *v, long long *pos)
{
#ifndef KLP_EXAMPLE_WITHOUT_MISSING
	if (klp_example_missing_helper((int)*pos) < 0)
		return 0;
#endif
	++*pos;
	return v ? s_start(m, pos) : 0;
}

int livepatch_xfs_sync(void *mp)
{
	init_once(mp);
	return xfs_log_force(mp, 0);
}

/*
 * The tables a livepatch hands to klp_enable_patch(). The first fields are those of <linux/livepatch.h>; the
 * arrays stand in for the kernel-internal rest (kobjects, lists), whose size depends on the configuration.
 * __this_module is defined by modpost's .mod.c in a real module; here it is defined so that nothing is missing.
 */
struct module { char opaque[64]; };
struct module __this_module __attribute__((section(".gnu.linkonce.this_module")));
struct klp_func { const char *old_name; void *new_func; unsigned long old_sympos; void *internal[16]; };
struct klp_object { const char *name; struct klp_func *funcs; void *callbacks[5]; void *internal[16]; };
struct klp_patch { struct module *mod; struct klp_object *objs; void *states; _Bool replace; void *internal[16]; };

static struct klp_func vmlinux_funcs[] = {
	{ .old_name = "state_show", .new_func = livepatch_state_show, .old_sympos = 2 },
	{ .old_name = "s_next", .new_func = livepatch_s_next, .old_sympos = 1 },
	{ }
};
static struct klp_object objs[] = { { .name = 0, .funcs = vmlinux_funcs }, { } };
struct klp_patch klp_example_patch = { .mod = &__this_module, .objs = objs };
