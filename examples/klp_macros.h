/*
 * klp_macros.h: the kernel's livepatch annotation pieces, so the example builds with a plain gcc and no
 * kernel headers. Same definitions as include/uapi/linux/livepatch.h and include/linux/livepatch.h of the
 * klp-convert v7 series: a packed 12-byte record {sym, sympos} in section .klp.module_relocs.<obj>.
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

#define KLP_CONCAT_(a, b) a##b
#define KLP_CONCAT(a, b) KLP_CONCAT_(a, b)
#define MODULE_INFO(tag, info) \
	static const char KLP_CONCAT(__UNIQUE_ID_##tag, __LINE__)[] \
	__attribute__((section(".modinfo"), used, aligned(1))) = #tag "=" info

#endif
