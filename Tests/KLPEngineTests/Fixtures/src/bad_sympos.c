/*
 * Error fixture: invalid positions.  homonym_string has two copies in the module (0 is
 * ambiguous); get_homonym_string has two (3 does not exist); saved_command_line is annotated for
 * an object that does not define it.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern char homonym_string[];
extern const char *get_homonym_string(void);
extern char *saved_command_line;

KLP_MODULE_RELOC(test_klp_convert_mod) bad_sympos_relocs[] = {
	KLP_SYMPOS(homonym_string, 0),
	KLP_SYMPOS(get_homonym_string, 3),
	KLP_SYMPOS(saved_command_line, 0),
};

int bad_sympos(void)
{
	return homonym_string[0] + get_homonym_string()[0] + saved_command_line[0];
}
