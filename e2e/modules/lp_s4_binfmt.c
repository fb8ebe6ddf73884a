// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 4: patch a stock Debian module's static function that reads the module's static data.
 * binfmt_misc's static bm_status_read() is replaced; the new one reads binfmt_misc's static `enabled`
 * (a .klp.rela.binfmt_misc.* relocation, applied when binfmt_misc is present: at patch load, or later when
 * the module loads) and vmlinux's non-exported saved_command_line (a .klp.rela.vmlinux.* relocation).
 * Effect: /proc/sys/fs/binfmt_misc/status prints the value and address of `enabled`.
 */
#include <linux/fs.h>
#include <linux/string.h>
#include "e2e_livepatch.h"

extern int enabled;
extern char *saved_command_line;

static ssize_t e2e_bm_status_read(struct file *file, char __user *buf, size_t nbytes, loff_t *ppos)
{
	char s[160];
	int n = scnprintf(s, sizeof(s), "s4 patched enabled=%d &enabled=%px cmdline_len=%zu\n",
			  enabled, &enabled, strlen(saved_command_line));

	return simple_read_from_buffer(buf, nbytes, ppos, s, n);
}

E2E_LIVEPATCH("binfmt_misc", "bm_status_read", e2e_bm_status_read);
