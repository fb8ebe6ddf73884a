/*
 * Error fixture: get_homonym_string is annotated but nothing else refers to it, so after the
 * annotation is removed it would stay an undefined symbol the kernel cannot resolve.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern const char *get_homonym_string(void);
extern char *saved_command_line;

KLP_MODULE_RELOC(test_klp_convert_mod) unused_relocs[] = {
	KLP_SYMPOS(get_homonym_string, 1),
};

int bad_unused(void) { return saved_command_line[0]; }
