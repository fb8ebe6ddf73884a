import ArgumentParser
import KLPEngine

/// The database and livepatch arguments of the commands that plan a conversion (convert, list, snippet).
struct PatchInputs: ParsableArguments {
    @Argument(help: "The symbol database (symbols.klp).") var symbols: String
    @Argument(help: "The livepatch module (.ko or .o; for convert, the *.tmp.ko kbuild links).") var input: String
}

/// The conversion rules a user can change, declared once for every command that plans a conversion.
struct ConversionFlags: ParsableArguments {
    @Flag(
        help: """
            Treat warnings (late relocations into read-only memory, positions a name-sorted database cannot tell \
            apart) as errors.
            """)
    var strict = false
    @Flag(
        help: """
            Convert references to symbols exported by modules into klp relocations (late module patching) instead of \
            leaving them to the module loader.
            """)
    var convertModuleExports = false
    @Flag(
        help: """
            Do not check the patch's klp_func entries (old_name, old_sympos) against the database; only the \
            relocations are converted.
            """)
    var noCheckFunctions = false
    @Flag(
        help: """
            Convert a signed module and drop its signature (it no longer matches the converted bytes); sign the output \
            again. Without it a signed module is refused: convert before signing (kbuild signs at modules_install).
            """)
    var dropSignature = false

    var options: ConversionOptions {
        ConversionOptions(
            strict: strict, convertModuleExports: convertModuleExports, checkFunctions: !noCheckFunctions,
            dropSignature: dropSignature)
    }
}
