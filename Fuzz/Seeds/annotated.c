/* A livepatch-like object: references to non-exported symbols, homonyms chosen by annotations, an export. */
#include "klp.h"
extern char saved_command_line[];
extern int init_once(void);
extern const char *get_homonym_string(void);
extern int printk(const char *, ...);
extern int test_klp_get_driver_name(void);
static int counter;
static int (*const table[])(void) = { init_once, test_klp_get_driver_name };
int f(void) { counter++; printk("%s", get_homonym_string()); return saved_command_line[0] + table[counter & 1]() + counter; }
KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 2) };
KLP_MODULE_RELOC(test_klp_convert_mod) m[] = { KLP_SYMPOS(get_homonym_string, 1) };
