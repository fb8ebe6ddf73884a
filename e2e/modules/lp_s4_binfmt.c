// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 4: patch a stock Debian module's static function that reads the module's static data.
 * binfmt_misc's static bm_status_read() is replaced; the new one reads binfmt_misc's static `misc_format`
 * (its struct linux_binfmt, whose load_binary is binfmt_misc's static load_misc_binary) through a
 * .klp.rela.binfmt_misc.* relocation, applied when binfmt_misc is present: at patch load, or later when the
 * module loads; and vmlinux's non-exported saved_command_line (a .klp.rela.vmlinux.* relocation).
 * Effect: /proc/sys/fs/binfmt_misc/status prints the enabled state, &misc_format and its load_binary.
 *
 * Where binfmt_misc keeps the enabled state moved: a static `int enabled` up to 6.6 (6.1 reads it through
 * one more klp relocation), a per-user-namespace struct binfmt_misc since 6.7 ("binfmt_misc: enable
 * sandboxed mounts"), reached from the superblock as the original does.
 */
#include <linux/version.h>
#include <linux/fs.h>
#include <linux/binfmts.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include "e2e_livepatch.h"

extern struct linux_binfmt misc_format;
extern char *saved_command_line;

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
extern int enabled;
#define E2E_BM_ENABLED(file) (enabled)
#else
#define E2E_BM_ENABLED(file) (file_inode(file)->i_sb->s_user_ns->binfmt_misc->enabled)
#endif

static ssize_t e2e_bm_status_read(struct file *file, char __user *buf, size_t nbytes, loff_t *ppos)
{
	char s[200];
	int n = scnprintf(s, sizeof(s), "s4 patched enabled=%d &misc_format=%px load=%ps cmdline_len=%zu\n",
			  (int)E2E_BM_ENABLED(file), &misc_format, misc_format.load_binary,
			  strlen(saved_command_line));

	return simple_read_from_buffer(buf, nbytes, ppos, s, n);
}

E2E_LIVEPATCH("binfmt_misc", "bm_status_read", e2e_bm_status_read);
