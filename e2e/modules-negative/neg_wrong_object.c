// SPDX-License-Identifier: GPL-2.0-or-later
/* Negative: init_once annotated for binfmt_misc, an object that has no such symbol. */
#include "neg_common.h"

KLP_MODULE_RELOC(binfmt_misc) e2e_neg_relocs[] = {
	KLP_SYMPOS(init_once, 1),
};

NEG_LIVEPATCH();
