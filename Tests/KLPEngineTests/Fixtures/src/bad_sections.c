/*
 * Error fixture: unresolved symbols referenced from sections that are not on the allow-list
 * (.init.text, .altinstructions).  Both must be reported in one run.  The init code calls
 * start_kernel as well as reading saved_command_line: on ppc64le the data access goes through a
 * .toc entry (an allowed section), only the call stays in .rela.init.text.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern char *saved_command_line;
extern void start_kernel(void);
extern const char *test_klp_get_driver_name(void);

__init int bad_init(void)
{
	printk("%s\n", saved_command_line);
	start_kernel();
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
