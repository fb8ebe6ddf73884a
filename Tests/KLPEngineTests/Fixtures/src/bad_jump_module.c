/*
 * Error fixture: a __jump_table entry whose key is a module's static key.  Module-specific klp
 * relocations are applied after jump labels are initialised, so only vmlinux keys are allowed.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern struct static_key test_klp_mod_key;

int bad_jump_module(void)
{
	return klp_static_branch(&test_klp_mod_key);
}
