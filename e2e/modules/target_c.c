// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp_e2e_target's data for scenario 8 (after the upstream series' test_klp_convert_mod_c.c): static
 * variables of several storage classes the livepatch lp_s8_moddata points at from its own data.
 * /sys/module/klp_e2e_target/parameters/data calls target_data_show(), which scenario 8 replaces.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/cache.h>
#include <linux/sysfs.h>

__used static int s8_small = 0x1111;
__used static const int s8_const_small = 0x2222;
__used static int s8_large[4] = { 0x3333, 0x4444, 0x5555, 0x6666 };
__used static const int s8_const_large[4] = { 0x7777, 0x8888, 0x9999, 0xaaaa };
__used static int s8_read_mostly __read_mostly = 0xbbbb;
__used static int s8_ro_after_init __ro_after_init = 0xcccc;

static noinline int target_data_show(char *buf)
{
	return sysfs_emit(buf, "original data\n");
}

static int data_get(char *buf, const struct kernel_param *kp)
{
	return target_data_show(buf);
}

static const struct kernel_param_ops data_ops = {
	.get = data_get,
};
module_param_cb(data, &data_ops, NULL, 0444);
