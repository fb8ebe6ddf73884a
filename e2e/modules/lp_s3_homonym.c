// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 3: homonymous static vmlinux functions chosen by position.
 * Debian's 6.1 vmlinux has several static init_once and s_start functions. The annotation names the
 * 2nd init_once and the 4th s_start in kallsyms order; the host compares the addresses printed here with
 * the 2nd/4th entries of the guest's /proc/kallsyms. Effect: /proc/uptime prints both addresses.
 */
#include <linux/seq_file.h>
#include <klp_annotations.h>
#include "e2e_livepatch.h"

extern void init_once(void *foo);
extern void *s_start(struct seq_file *m, loff_t *pos);

KLP_MODULE_RELOC(vmlinux) e2e_s3_vmlinux_relocs[] = {
	KLP_SYMPOS(init_once, 2),
	KLP_SYMPOS(s_start, 4),
};

static int e2e_uptime_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "s3 init_once,2=%px s_start,4=%px\n", init_once, s_start);
	return 0;
}

E2E_LIVEPATCH(NULL, "uptime_proc_show", e2e_uptime_proc_show);
