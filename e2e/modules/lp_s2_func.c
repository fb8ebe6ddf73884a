// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 2: a unique static vmlinux function called from the patch.
 * version_proc_show is static in fs/proc/version.c and has one copy in kallsyms. Effect: /proc/execdomains
 * prints an "s2" tag followed by the kernel's /proc/version text, produced by the call.
 */
#include <linux/seq_file.h>
#include "e2e_livepatch.h"

extern int version_proc_show(struct seq_file *m, void *v);

static int e2e_execdomains_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "s2 version_proc_show says: ");
	return version_proc_show(m, v);
}

E2E_LIVEPATCH(NULL, "execdomains_proc_show", e2e_execdomains_proc_show);
