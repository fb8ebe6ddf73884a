/*
 * Livepatch test_klp_livepatch, first compilation unit (like test_klp_convert1 +
 * test_klp_convert_sections + test_klp_convert_data of the v7 selftests).
 *
 * Undefined, non-exported symbols referenced from .text, from two explicit .text.* sections,
 * from .data (function pointer), .rodata (const pointer), .data.rel.ro and .data..read_mostly,
 * plus an exported symbol (printk), a weak undefined symbol and an asm-renamed one with a dot.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

/* vmlinux */
extern char *saved_command_line;              /* unique in vmlinux */
extern int state_show(void);                  /* 3 copies in vmlinux: annotated position 1 here and in lp_extra.c */
extern void klp_optional_hook(void) __attribute__((weak)); /* weak undefined, unique in vmlinux */

/* test_klp_convert_mod */
extern char driver_name[];                    /* 2 copies in vmlinux, 1 in the module: annotated (mod, 0) */
extern char homonym_string[];                 /* 2 copies in the module: annotated 1 */
extern const char *get_homonym_string(void);  /* 2 copies in the module: annotated 1 */
extern const char *test_klp_get_driver_name(void); /* unique: resolved automatically */
extern char klp_string_a[] __asm__("klp_string.12345"); /* unique, dot in name: automatic */
extern char klp_string_b[] __asm__("klp_string.67890"); /* unique, dot in name: annotated 1 */
extern int test_klp_mod_exported(void);       /* exported by the module */

KLP_MODULE_RELOC(vmlinux) vmlinux_relocs_main[] = {
	KLP_SYMPOS(saved_command_line, 0),
	KLP_SYMPOS(state_show, 1),
};

KLP_MODULE_RELOC(test_klp_convert_mod) test_klp_convert_mod_relocs_main[] = {
	KLP_SYMPOS(homonym_string, 1),
	KLP_SYMPOS(get_homonym_string, 1),
	KLP_SYMPOS(driver_name, 0),
	KLP_SYMPOS(klp_string_b, 1),
};

/* .data: function pointers (test_klp_convert_sections) */
const char *(*p_test_klp_get_driver_name)(void) = test_klp_get_driver_name;
const char *(*p_get_homonym_string)(void) = get_homonym_string;

/* .rodata (.data.rel.ro with -fPIC): a read-only pointer to a module symbol */
const char *const p_driver_name = driver_name;

/* explicit .data.rel.ro, vmlinux symbol */
char **const p_saved_command_line __attribute__((section(".data.rel.ro"))) = &saved_command_line;

/* .data..read_mostly, module symbol */
char *p_homonym_read_mostly __read_mostly = homonym_string;

int lp_print_main(void)
{
	if (klp_optional_hook)
		klp_optional_hook();
	printk("saved_command_line, 0: %s\n", saved_command_line);
	printk("driver_name, 0: %s\n", driver_name);
	printk("test_klp_get_driver_name(): %s\n", test_klp_get_driver_name());
	printk("homonym_string, 1: %s\n", homonym_string);
	printk("get_homonym_string(), 1: %s\n", get_homonym_string());
	printk("klp_string.12345 = %s\n", klp_string_a);
	printk("klp_string.67890 = %s\n", klp_string_b);
	return state_show() + test_klp_mod_exported();
}

/*
 * The same symbols from several .text.* sections, several times per function (on ppc64le the data
 * references go through .toc, the calls stay in each section).
 */
__attribute__((section(".text.lp_sec_one"), __noinline__)) void lp_sec_one(void)
{
	printk("(1) %s %s\n", saved_command_line, test_klp_get_driver_name());
}

__attribute__((section(".text.lp_sec_two"), __noinline__)) void lp_sec_two(void)
{
	printk("(1) %s\n", saved_command_line);
	printk("(2) %s %s %s\n", saved_command_line, homonym_string, test_klp_get_driver_name());
}
