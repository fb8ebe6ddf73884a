// SPDX-License-Identifier: GPL-2.0-or-later
/* Negative: init_once has several copies and no annotation -> "Define KLP_SYMPOS" + candidate listing. */
#include "neg_common.h"

NEG_LIVEPATCH();
