// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 7: a homonym inside one module, resolved with an annotation for that module.
 * klp_e2e_target has two static homonym_string and two static get_homonym_string (target_a.c, target_b.c);
 * the annotation picks the second copies (target_b.c). Effect: the module's "describe" parameter prints the
 * B strings and the address of homonym_string, which the host compares with the guest's kallsyms.
 */
#include <linux/sysfs.h>
#include <klp_annotations.h>
#include "e2e_livepatch.h"

extern const char homonym_string[];
extern const char *get_homonym_string(void);

KLP_MODULE_RELOC(klp_e2e_target) e2e_s7_target_relocs[] = {
	KLP_SYMPOS(homonym_string, 2),
	KLP_SYMPOS(get_homonym_string, 2),
};

static int e2e_target_describe(char *buf)
{
	return sysfs_emit(buf, "s7 homonym_string,2=%s get_homonym_string,2()=%s &homonym_string=%px\n",
			  homonym_string, get_homonym_string(), homonym_string);
}

E2E_LIVEPATCH("klp_e2e_target", "target_describe", e2e_target_describe);
