/*
 * Livepatch test_klp_livepatch2 (like test_klp_convert2): automatic resolution of unique names
 * in vmlinux and in the module, and the second copies (position 2) of the module's homonyms.
 */
#include "klp_test.h"

MODULE_INFO(livepatch, "Y");

extern char *saved_command_line;                  /* automatic: vmlinux, 0 */
extern const char *test_klp_get_driver_name(void); /* automatic: test_klp_convert_mod, 0 */
extern char driver_name[];
extern char homonym_string[];
extern const char *get_homonym_string(void);

KLP_MODULE_RELOC(test_klp_convert_mod) test_klp_convert_mod_relocs_2[] = {
	KLP_SYMPOS(homonym_string, 2),
	KLP_SYMPOS(get_homonym_string, 2),
	KLP_SYMPOS(driver_name, 0),
};

int lp2_print(void)
{
	printk("saved_command_line (auto): %s\n", saved_command_line);
	printk("driver_name, 0: %s\n", driver_name);
	printk("test_klp_get_driver_name(), (auto): %s\n", test_klp_get_driver_name());
	printk("homonym_string, 2: %s\n", homonym_string);
	printk("get_homonym_string(), 2: %s\n", get_homonym_string());
	return 0;
}
