/*
 * klp_test.h: the few kernel definitions the fixture sources need, so they build with a plain
 * (cross) gcc and no kernel headers.  Mirrors include/uapi/linux/livepatch.h and
 * include/linux/livepatch.h of the klp-convert v7 series (reference §2.1).
 */
#ifndef KLP_TEST_H
#define KLP_TEST_H

/* struct klp_module_reloc, KLP_MODULE_RELOC, KLP_SYMPOS, MODULE_INFO: the project's one annotation header. */
#include "../../../../examples/klp_macros.h"

#define EXPORT_MARKER(sym) \
	const char __export_symbol_##sym __attribute__((section(".export_symbol"), used)) = 0

#define __init __attribute__((section(".init.text"), used, __noinline__))
#define __read_mostly __attribute__((section(".data..read_mostly")))
#define noinline __attribute__((noinline))

int printk(const char *fmt, ...);

/*
 * A jump-table entry the way the kernel's arch_static_branch() emits it: a nop at label 1, and in
 * __jump_table the code and target offsets (32-bit PC-relative) plus the key address (pointer
 * sized, PC-relative).  Generic enough for every gas target used here.
 */
#if __SIZEOF_POINTER__ == 8
#define KLP_JUMP_ENTRY_KEY ".quad"
#else
#define KLP_JUMP_ENTRY_KEY ".long"
#endif

struct static_key { int enabled; };

/* s390 modules are built -fPIC, where "i" rejects an external address: the kernel uses "jdd". */
#ifdef __s390x__
#define KLP_KEY_CONSTRAINT "jdd"
#define KLP_KEY_OPERAND "%0"
#else
#define KLP_KEY_CONSTRAINT "i"
#define KLP_KEY_OPERAND "%c0"
#endif

static inline __attribute__((always_inline)) int klp_static_branch(struct static_key *key)
{
	asm goto("1: nop\n\t"
		 ".pushsection __jump_table, \"aw\"\n\t"
		 ".balign 8\n\t"
		 ".long 1b - ., %l[l_yes] - .\n\t"
		 KLP_JUMP_ENTRY_KEY " " KLP_KEY_OPERAND " - .\n\t"
		 ".popsection\n\t"
		 : : KLP_KEY_CONSTRAINT (key) : : l_yes);
	return 0;
l_yes:
	return 1;
}

#endif
