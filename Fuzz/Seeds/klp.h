struct klp_module_reloc {
    union { void *sym; unsigned long long sym64; };
    unsigned int sympos;
} __attribute__((packed));
#define KLP_MODULE_RELOC(obj) struct klp_module_reloc __attribute__((section(".klp.module_relocs." #obj), aligned(4), used))
#define KLP_SYMPOS(s, p) { { .sym = (void *)&s }, p }
__attribute__((section(".modinfo"), used)) static const char klp_modinfo_livepatch[] = "livepatch=Y";
