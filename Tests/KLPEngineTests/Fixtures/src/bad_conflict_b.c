/* ... unit 2 of 2: the same object and symbol with position 2 (conflicting KLP_SYMPOS). */
#include "klp_test.h"

extern char homonym_string[];

KLP_MODULE_RELOC(test_klp_convert_mod) conflict_relocs_b[] = {
	KLP_SYMPOS(homonym_string, 2),
};

int bad_conflict_b(void) { return homonym_string[1]; }
