// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 6: a non-exported vmlinux static key used through static_branch_unlikely().
 * The jump-table entry for the branch refers to tracepoint_printk_key (kernel/trace/trace.c), so klp-convert
 * must produce a .klp.rela.vmlinux.__jump_table section (applied before jump labels are initialised).
 * The guest boots with tp_printk (key on) and flips it through /proc/sys/kernel/tracepoint_printk: the
 * branch must follow the key both ways. Effect: /proc/softirqs prints the branch and the key state.
 */
#include <linux/seq_file.h>
#include <linux/jump_label.h>
#include "e2e_livepatch.h"

extern struct static_key_false tracepoint_printk_key;

static int e2e_show_softirqs(struct seq_file *p, void *v)
{
	const char *branch = "false";

	if (static_branch_unlikely(&tracepoint_printk_key))
		branch = "true";
	seq_printf(p, "s6 branch=%s key=%d\n", branch, static_key_enabled(&tracepoint_printk_key) ? 1 : 0);
	return 0;
}

E2E_LIVEPATCH(NULL, "show_softirqs", e2e_show_softirqs);
