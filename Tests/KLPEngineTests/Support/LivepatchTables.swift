/// C declarations of include/linux/livepatch.h's first fields (6.1 and 6.12 alike) for livepatches that gcc builds
/// in the CLI tests; the trailing `k` arrays stand in for the config-dependent kobjects. Ends with a newline, so
/// a test appends its own declarations after it.
enum LivepatchTables {
    static let declarations = """
        struct module { char opaque[64]; };
        struct module __this_module __attribute__((section(".gnu.linkonce.this_module")));
        struct klp_func { const char *old_name; void *new_func; unsigned long old_sympos; void *old_func; \
        char k[72]; };
        struct klp_callbacks { void *pre_patch, *post_patch, *pre_unpatch, *post_unpatch; _Bool skip; };
        struct klp_object { const char *name; struct klp_func *funcs; struct klp_callbacks callbacks; \
        char k[96]; };
        struct klp_patch { struct module *mod; struct klp_object *objs; void *states; _Bool replace; \
        char k[120]; };
        extern int klp_enable_patch(struct klp_patch *);

        """
}
