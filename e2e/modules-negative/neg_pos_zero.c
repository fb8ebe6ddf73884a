// SPDX-License-Identifier: GPL-2.0-or-later
/* Negative: position 0 ("the only one") for a symbol that has several copies in vmlinux. */
#include "neg_common.h"

KLP_MODULE_RELOC(vmlinux) e2e_neg_relocs[] = {
	KLP_SYMPOS(init_once, 0),
};

NEG_LIVEPATCH();
