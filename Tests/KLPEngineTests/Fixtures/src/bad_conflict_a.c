/* Error fixture, unit 1 of 2: homonym_string annotated with position 1 ... */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern char homonym_string[];

KLP_MODULE_RELOC(test_klp_convert_mod) conflict_relocs_a[] = {
	KLP_SYMPOS(homonym_string, 1),
};

int bad_conflict_a(void) { return homonym_string[0]; }
