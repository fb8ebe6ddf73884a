// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Negative: a klp_func for type_show (17 or 18 copies in vmlinux) with old_sympos 0. klp-convert refuses it
 * (DECISIONS 8); converted with --no-check-functions, the kernel refuses to enable it ("unresolvable
 * ambiguity"), which scenario 9 checks in the guest.
 */
#include "e2e_type_show.h"

E2E_TYPE_SHOW_LIVEPATCH(0);
