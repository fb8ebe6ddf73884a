// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 1: a non-exported vmlinux global variable, resolved automatically (no annotation).
 * saved_command_line (init/main.c) is not exported: the link leaves it undefined and klp-convert must turn
 * it into .klp.sym.vmlinux.saved_command_line,0. Effect: /proc/cmdline prints it behind an "s1" tag.
 */
#include <linux/seq_file.h>
#include "e2e_livepatch.h"

extern char *saved_command_line;

static int e2e_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "s1 saved_command_line=%s\n", saved_command_line);
	return 0;
}

E2E_LIVEPATCH(NULL, "cmdline_proc_show", e2e_cmdline_proc_show);
