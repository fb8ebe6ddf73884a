// A kbuild livepatch-like module (not loadable: it only gives the fuzzers a real .ko layout as a seed).
#include <linux/module.h>
#include <linux/kernel.h>
struct klp_module_reloc {
	union { void *sym; unsigned long long sym64; };
	unsigned int sympos;
} __packed;
#define KLP_MODULE_RELOC(obj) struct klp_module_reloc __section(".klp.module_relocs." #obj) __aligned(4) __used
#define KLP_SYMPOS(s, p) { { .sym = (void *)&s }, p }
extern int init_once(void);
KLP_MODULE_RELOC(vmlinux) relocs[] = { KLP_SYMPOS(init_once, 2) };
static int __init seed_init(void) { pr_info("%s %d\n", saved_command_line, init_once()); return 0; }
module_init(seed_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
