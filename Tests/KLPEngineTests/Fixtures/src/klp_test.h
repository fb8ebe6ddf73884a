/*
 * klp_test.h: the few kernel definitions the fixture sources need, so they build with a plain
 * (cross) gcc and no kernel headers.  Mirrors include/uapi/linux/livepatch.h and
 * include/linux/livepatch.h of the klp-convert v7 series (reference §2.1).
 */
#ifndef KLP_TEST_H
#define KLP_TEST_H

/*
 * One annotation record: 12 bytes on every architecture.  The union forces the pointer field to
 * 8 bytes on 32-bit targets (ppc32), so a 64-bit host reads the same layout; sympos is stored in
 * the target's byte order.
 */
struct klp_module_reloc {
	union {
		void *sym;
		unsigned long long sym64;
	};
	unsigned int sympos;
} __attribute__((packed));

_Static_assert(sizeof(struct klp_module_reloc) == 12, "klp_module_reloc must be 12 bytes");

#define KLP_MODULE_RELOC(obj) \
	struct klp_module_reloc __attribute__((section(".klp.module_relocs." #obj), aligned(4)))

#define KLP_SYMPOS(symbol, pos) { { .sym = (void *)&symbol }, pos }

/* MODULE_INFO(livepatch, "Y"): a NUL-terminated "livepatch=Y" string in .modinfo. */
#define KLP_CONCAT_(a, b) a##b
#define KLP_CONCAT(a, b) KLP_CONCAT_(a, b)
#define MODULE_INFO(tag, info) \
	static const char KLP_CONCAT(__UNIQUE_ID_##tag, __LINE__)[] \
	__attribute__((section(".modinfo"), used, aligned(1))) = #tag "=" info

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
