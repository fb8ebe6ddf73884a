// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 5: data relocations to non-exported vmlinux targets.
 *  - e2e_s5_fptr (writable data, .data): a function pointer to the static filesystems_proc_show;
 *  - e2e_s5_cmdline_ref (const, .rodata or .data.rel.ro): a pointer to the non-exported saved_command_line.
 * Their relocations live in .rela.data / .rela.rodata, not in .rela.text. OPTIMIZER_HIDE_VAR keeps the
 * compiler from folding the initialisers into the code (which would turn them back into text relocations).
 * Effect: /proc/loadavg prints the command line through the const pointer, then the filesystem list
 * through the function pointer.
 */
#include <linux/seq_file.h>
#include "e2e_livepatch.h"

extern int filesystems_proc_show(struct seq_file *m, void *v);
extern char *saved_command_line;

int (*e2e_s5_fptr)(struct seq_file *m, void *v) = filesystems_proc_show;
char **const e2e_s5_cmdline_ref = &saved_command_line;

static int e2e_loadavg_proc_show(struct seq_file *m, void *v)
{
	int (**fp)(struct seq_file *, void *) = &e2e_s5_fptr;
	char **const *ref = &e2e_s5_cmdline_ref;

	OPTIMIZER_HIDE_VAR(fp);
	OPTIMIZER_HIDE_VAR(ref);
	seq_printf(m, "s5 rodata pointer gives cmdline=%s\n", **ref);
	seq_puts(m, "s5 data function pointer gives:\n");
	return (*fp)(m, v);
}

E2E_LIVEPATCH(NULL, "loadavg_proc_show", e2e_loadavg_proc_show);
