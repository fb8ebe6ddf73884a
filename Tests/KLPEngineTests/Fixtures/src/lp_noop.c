/*
 * Livepatch with nothing to convert: only an exported symbol (printk) and its own definitions.
 * The converted output must be semantically identical to the input (reference §8 item 15).
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

static int counter;
int *p_counter = &counter;

int lp_noop(void)
{
	printk("noop %d\n", ++counter);
	return counter;
}
