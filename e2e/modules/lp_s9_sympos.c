// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 9: the patched function is a homonym, named by old_sympos (the net-sysfs copy of type_show).
 * Effect: /sys/class/net/lo/type prints "s9 patched type_show". Its unconverted twin with old_sympos 0,
 * modules-negative/neg_sympos_zero.c, is refused by klp-convert and, converted without the check, by the kernel.
 */
#include "e2e_type_show.h"

E2E_TYPE_SHOW_LIVEPATCH(E2E_NET_SYSFS_TYPE_SHOW);
