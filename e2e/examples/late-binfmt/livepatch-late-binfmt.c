// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * binfmt_misc's static bm_status_read() prints the address of binfmt_misc's static misc_format: a
 * .klp.rela.binfmt_misc.* relocation the kernel applies when binfmt_misc loads after the patch.
 */
#include <linux/fs.h>
#include <linux/binfmts.h>
#include "e2e_livepatch.h"

extern struct linux_binfmt misc_format;

static ssize_t late_bm_status_read(struct file *file, char __user *buf, size_t nbytes, loff_t *ppos)
{
	char s[80];
	int n = scnprintf(s, sizeof(s), "late-binfmt &misc_format=%px\n", &misc_format);

	return simple_read_from_buffer(buf, nbytes, ppos, s, n);
}

E2E_LIVEPATCH("binfmt_misc", "bm_status_read", late_bm_status_read);
