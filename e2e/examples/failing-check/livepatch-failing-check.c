// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/cmdline shows the saved command line followed by " failing-check=patched" (saved_command_line is
 * not exported: klp-convert resolves it). The patch works; the guest script's second check does not.
 */
#include <linux/seq_file.h>
#include "e2e_livepatch.h"

extern char *saved_command_line;

static int failing_check_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s failing-check=patched\n", saved_command_line);
	return 0;
}

E2E_LIVEPATCH(NULL, "cmdline_proc_show", failing_check_cmdline_proc_show);
