/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Negative cases: livepatches that klp-convert must refuse (they are built, converted, and never loaded).
 * Each one references init_once (7 static copies in Debian's 6.1 vmlinux) with a missing or wrong annotation.
 */
#ifndef NEG_COMMON_H
#define NEG_COMMON_H

#include <linux/seq_file.h>
#include <klp_annotations.h>
#include "e2e_livepatch.h"

extern void init_once(void *foo);

static int e2e_neg_uptime_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%px\n", init_once);
	return 0;
}

#define NEG_LIVEPATCH() E2E_LIVEPATCH(NULL, "uptime_proc_show", e2e_neg_uptime_proc_show)

#endif /* NEG_COMMON_H */
