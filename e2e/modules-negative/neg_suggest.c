// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Case e1 (issue 12): the patch's own klp_func table points at the copy it means. The replaced function,
 * kallsyms_open, is a unique static of kernel/kallsyms.c; s_start has several static copies in vmlinux
 * (5 in Debian's 6.1, 4 in 6.12) and one of them, kernel/kallsyms.c's, sits a few symbols from
 * kallsyms_open in kallsyms. Without KLP_SYMPOS klp-convert must refuse it (so it lives here, where make
 * must fail: k2), and `klp-convert list --json` must suggest that neighbouring copy. Never loaded.
 */
#include <linux/fs.h>
#include <linux/seq_file.h>
#include "e2e_livepatch.h"

extern void *s_start(struct seq_file *m, loff_t *pos);

static int e2e_kallsyms_open(struct inode *inode, struct file *file)
{
	pr_info("e1 s_start=%px\n", s_start);
	return -EPERM;
}

E2E_LIVEPATCH(NULL, "kallsyms_open", e2e_kallsyms_open);
