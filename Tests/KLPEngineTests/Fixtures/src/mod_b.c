/*
 * Target module test_klp_convert_mod, second compilation unit: the second copies (position 2) of
 * homonym_string and get_homonym_string, and the asm-renamed klp_string.67890.
 */
#include "klp_test.h"

static char homonym_string[] = "homonym string B";
static char klp_string[] __asm__("klp_string.67890") = __FILE__ " static string";

static noinline const char *get_homonym_string(void) { return homonym_string; }

const char *mod_b_use(void)
{
	printk("%s %s\n", get_homonym_string(), klp_string);
	return homonym_string;
}
