// A kbuild livepatch-like module (not loadable: it only gives the fuzzers a real .ko layout as a seed).
#include <linux/module.h>
#include <linux/kernel.h>
// The project's one annotation header (examples/klp_macros.h; scripts/fuzz.sh copies it next to this file).
#include "klp_macros.h"
extern int init_once(void);
KLP_MODULE_RELOC(vmlinux) relocs[] = { KLP_SYMPOS(init_once, 2) };
static int __init seed_init(void) { pr_info("%s %d\n", saved_command_line, init_once()); return 0; }
module_init(seed_init);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
