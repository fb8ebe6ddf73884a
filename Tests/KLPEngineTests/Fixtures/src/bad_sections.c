/*
 * Error fixture: unresolved symbols referenced from sections that are not on the allow-list
 * (.init.text, .altinstructions).  Both must be reported in one run.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern char *saved_command_line;
extern const char *test_klp_get_driver_name(void);

__init int bad_init(void)
{
	printk("%s\n", saved_command_line);
	return 0;
}

/* An alternatives entry whose replacement refers to a module function. */
asm(".pushsection .altinstructions, \"a\"\n\t"
    ".long test_klp_get_driver_name - .\n\t"
    ".popsection\n\t");

int bad_sections_text(void)
{
	return bad_init();
}
