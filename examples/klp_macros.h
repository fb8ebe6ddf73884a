/*
 * klp_macros.h: the kernel's livepatch annotation pieces, so a livepatch builds with a plain (cross) gcc and no
 * kernel headers. Same definitions as include/uapi/linux/livepatch.h and include/linux/livepatch.h of the
 * klp-convert v7 series: a packed 12-byte record {sym, sympos} in section .klp.module_relocs.<obj>.
 *
 * The project's one annotation header for userspace gcc builds: the example, the test fixtures
 * (Tests/KLPEngineTests/Fixtures/src/klp_test.h), the tests' gcc builder (KLPTestSupport's CObject) and the fuzz
 * seeds (Fuzz/Seeds/klp.h, kbuild/klp_seed.c) all include or read this file. The kernel-side header for kbuild
 * modules is e2e/include/klp_annotations.h (kernel types and attributes; see there why it differs).
 * The committed cross fixtures are built with it: a change here needs scripts/build-fixtures.sh --arch cross.
 */
#ifndef KLP_MACROS_H
#define KLP_MACROS_H

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

/* MODULE_INFO(livepatch, "Y"): a NUL-terminated "livepatch=Y" string in .modinfo. A kbuild module (the fuzz
 * seed) gets the kernel's own from <linux/module.h>. */
#ifndef MODULE_INFO
#define KLP_CONCAT_(a, b) a##b
#define KLP_CONCAT(a, b) KLP_CONCAT_(a, b)
#define MODULE_INFO(tag, info) \
	static const char KLP_CONCAT(__UNIQUE_ID_##tag, __LINE__)[] \
	__attribute__((section(".modinfo"), used, aligned(1))) = #tag "=" info
#endif

#endif
