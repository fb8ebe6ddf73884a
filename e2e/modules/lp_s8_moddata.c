// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario 8, after the upstream series' test_klp_convert_data selftest: data relocations to a module's
 * static data (klp_e2e_target's target_c.c), from this patch's writable data (.data), constant data
 * (.rodata / .data.rel.ro), __read_mostly and __ro_after_init data, a large pointer array and
 * function-local statics. All are .klp.rela.klp_e2e_target.* relocations: the module is loaded after the
 * patch, so the kernel writes them late, into sections that are read-only by then (klp-convert warns; x86
 * writes them with text_poke). Effect: /sys/module/klp_e2e_target/parameters/data prints every value.
 */
#include <linux/sysfs.h>
#include <linux/cache.h>
#include "e2e_livepatch.h"

extern int s8_small;
extern const int s8_const_small;
extern int s8_large[4];
extern const int s8_const_large[4];
extern int s8_read_mostly;
extern int s8_ro_after_init;

int *e2e_s8_p_small = &s8_small;
const int *const e2e_s8_p_const_small = &s8_const_small;
static int *e2e_s8_p_large[4] = { &s8_large[0], &s8_large[1], &s8_large[2], &s8_large[3] };
static const int *const e2e_s8_p_const_large[4] = {
	&s8_const_large[0], &s8_const_large[1], &s8_const_large[2], &s8_const_large[3],
};
static int *e2e_s8_p_read_mostly __read_mostly = &s8_read_mostly;
static int *e2e_s8_p_ro_after_init __ro_after_init = &s8_ro_after_init;

static int e2e_target_data_show(char *buf)
{
	static int *p_local_small = &s8_small;
	static const int *const p_local_const_large = &s8_const_large[3];
	/* Read the pointers through memory: the compiler must not fold them into text relocations. */
	int *const *small = &e2e_s8_p_small;
	const int *const *const_small = &e2e_s8_p_const_small;
	int **large = e2e_s8_p_large;
	const int *const *const_large = e2e_s8_p_const_large;
	int **read_mostly = &e2e_s8_p_read_mostly;
	int **ro_after_init = &e2e_s8_p_ro_after_init;
	int **local_small = &p_local_small;
	const int *const *local_const_large = &p_local_const_large;

	OPTIMIZER_HIDE_VAR(small);
	OPTIMIZER_HIDE_VAR(const_small);
	OPTIMIZER_HIDE_VAR(large);
	OPTIMIZER_HIDE_VAR(const_large);
	OPTIMIZER_HIDE_VAR(read_mostly);
	OPTIMIZER_HIDE_VAR(ro_after_init);
	OPTIMIZER_HIDE_VAR(local_small);
	OPTIMIZER_HIDE_VAR(local_const_large);
	return sysfs_emit(buf, "s8 small=%x const_small=%x large=%x,%x,%x,%x const_large=%x,%x,%x,%x "
			  "read_mostly=%x ro_after_init=%x local_small=%x local_const_large3=%x &s8_small=%px\n",
			  **small, **const_small, *large[0], *large[1], *large[2], *large[3],
			  *const_large[0], *const_large[1], *const_large[2], *const_large[3],
			  **read_mostly, **ro_after_init, **local_small, **local_const_large, *small);
}

E2E_LIVEPATCH("klp_e2e_target", "target_data_show", e2e_target_data_show);
