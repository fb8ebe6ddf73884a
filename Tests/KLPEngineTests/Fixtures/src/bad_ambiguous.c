/*
 * Error fixture: homonyms without annotation.  homonym_string has two copies in the module,
 * driver_name two in vmlinux and one in the module: both need KLP_SYMPOS.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern char homonym_string[];
extern char driver_name[];

int bad_ambiguous(void)
{
	printk("%s %s\n", homonym_string, driver_name);
	return 0;
}
