/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scenario 9 (issue 17): a livepatch whose klp_func names a homonym. type_show has 17 copies in Debian 6.1's
 * vmlinux and 18 in 6.12's; in both, the last one is net/core/net-sysfs.c's (/sys/class/net/<dev>/type), just
 * after ifindex_show in kallsyms order (the host checks that premise on the guest's kallsyms).
 * E2E_TYPE_SHOW_LIVEPATCH(sympos) replaces that function by one that prints an "s9" tag.
 */
#ifndef E2E_TYPE_SHOW_H
#define E2E_TYPE_SHOW_H

#include <linux/version.h>
#include <linux/device.h>
#include <linux/sysfs.h>
#include "e2e_livepatch.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define E2E_NET_SYSFS_TYPE_SHOW 18
#else
#define E2E_NET_SYSFS_TYPE_SHOW 17
#endif

/* saved_command_line (not exported) gives the patch a klp relocation, as every scenario livepatch has (k1). */
extern char *saved_command_line;

static ssize_t e2e_type_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "s9 patched type_show%s\n", saved_command_line[0] ? "" : " (no command line)");
}

#define E2E_TYPE_SHOW_LIVEPATCH(sympos) E2E_LIVEPATCH_SYMPOS(NULL, "type_show", e2e_type_show, sympos)

#endif /* E2E_TYPE_SHOW_H */
