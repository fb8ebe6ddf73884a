/* Error fixture: an undefined, non-exported symbol that no object of the database defines. */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern int klp_missing_symbol;

int bad_notfound(void)
{
	return klp_missing_symbol;
}
