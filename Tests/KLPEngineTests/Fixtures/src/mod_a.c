/*
 * Target module test_klp_convert_mod, first compilation unit (like the v7 selftest's
 * test_klp_convert_mod_a.c).  Its statics share names with mod_b.c, so after `ld -r` the module
 * holds two copies of homonym_string and get_homonym_string: position 1 is this file's.
 */
#include "klp_test.h"

static char driver_name[] = "test_klp_convert_mod";
static char homonym_string[] = "homonym string A";
static char klp_string[] __asm__("klp_string.12345") = __FILE__ " static string";

struct static_key test_klp_mod_key = { 1 };

/* Exported by the module: the livepatch may keep an ordinary relocation to it. */
int test_klp_mod_exported(void) { return 42; }
EXPORT_MARKER(test_klp_mod_exported);

static noinline const char *test_klp_get_driver_name(void) { return driver_name; }
static noinline const char *get_homonym_string(void) { return homonym_string; }

const char *mod_a_use(void)
{
	printk("%s %s %s\n", test_klp_get_driver_name(), get_homonym_string(), klp_string);
	return driver_name;
}
