// SPDX-License-Identifier: GPL-2.0-or-later
/* Negative: a position beyond the number of init_once copies in vmlinux. */
#include "neg_common.h"

KLP_MODULE_RELOC(vmlinux) e2e_neg_relocs[] = {
	KLP_SYMPOS(init_once, 99),
};

NEG_LIVEPATCH();
