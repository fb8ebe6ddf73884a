@testable import KLPEngine

/// The fixed database the conversion targets use: homonyms, a unique symbol, exports and a module.
enum FuzzFixtures {
    static let text = """
        klp-convert-symbol-data.0.1 order=kallsyms
        *vmlinux
        -init/main.c
        saved_command_line
        init_once
        -fs/inode.c
        init_once
        __ksymtab_printk
        printk
        *test_klp_convert_mod
        get_homonym_string
        get_homonym_string
        test_klp_get_driver_name
        __ksymtab_test_klp_get_driver_name

        """
    static let database: SymbolDatabase = {
        guard let db = try? SymbolDatabase.parse(bytes: Array(text.utf8), path: "fuzz-symbols.klp") else {
            fatalError("the fuzz database does not parse")
        }
        return db
    }()
}
