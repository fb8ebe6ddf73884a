// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Negative: homonym_string has two copies inside klp_e2e_target and no annotation -> klp-convert must
 * refuse and list both positions of that module.
 */
#include <linux/sysfs.h>
#include "e2e_livepatch.h"

extern const char homonym_string[];

static int e2e_neg_target_describe(char *buf)
{
	return sysfs_emit(buf, "%s\n", homonym_string);
}

E2E_LIVEPATCH("klp_e2e_target", "target_describe", e2e_neg_target_describe);
