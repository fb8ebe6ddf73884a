// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp_e2e_target (with target_b.c): an ordinary module with a homonym inside itself.
 * Both files define a static homonym_string and a static get_homonym_string(). Kbuild links target_a.o
 * first, so in the module's symbol table (= its kallsyms order) the "A" copies are position 1 and the "B"
 * copies position 2. /sys/module/klp_e2e_target/parameters/describe calls target_describe(), which
 * scenario 7 replaces.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

static const char homonym_string[] = "homonym string A";

static noinline const char *get_homonym_string(void)
{
	return homonym_string;
}

const char *klp_e2e_target_b(void);

static noinline int target_describe(char *buf)
{
	return sysfs_emit(buf, "original A=%s B=%s\n", get_homonym_string(), klp_e2e_target_b());
}

static int describe_get(char *buf, const struct kernel_param *kp)
{
	return target_describe(buf);
}

static const struct kernel_param_ops describe_ops = {
	.get = describe_get,
};
module_param_cb(describe, &describe_ops, NULL, 0444);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp-convert e2e target: one module, two static homonyms");
