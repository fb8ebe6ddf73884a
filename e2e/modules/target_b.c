// SPDX-License-Identifier: GPL-2.0-or-later
/* Second compilation unit of klp_e2e_target: the "B" copies of the homonyms (see target_a.c). */
#include <linux/compiler.h>

static const char homonym_string[] = "homonym string B";

static noinline const char *get_homonym_string(void)
{
	return homonym_string;
}

const char *klp_e2e_target_b(void);

const char *klp_e2e_target_b(void)
{
	return get_homonym_string();
}
