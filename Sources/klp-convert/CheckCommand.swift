import ArgumentParser
import KLPEngine

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a converted livepatch module against the kernel loader's rules.",
        discussion: """
            Checks .klp.rela.* sections (SHF_RELA_LIVEPATCH, SHF_ALLOC, names, sh_link/sh_info), .klp.sym.* symbols \
            (SHN_LIVEPATCH 0xff20, name format and limits), vmlinux symbols used from module-specific sections, \
            livepatch symbols in ordinary relocation sections, leftover annotations and undefined symbols, and, with \
            --symbols, every position against the database. Exit status 255 when the kernel would refuse the module \
            or crash on it.
            """)

    @Option(
        name: .customLong("symbols"),
        help: ArgumentHelp("Check positions and exports against this symbols.klp.", valueName: "symbols.klp"))
    var symbolsPath: String?
    @Argument(help: "Converted livepatch modules.") var modules: [String]

    func run() throws {
        var failed = false
        for path in modules {
            do {
                let object = try ELFObject.read(path: path)
                let database = try symbolsPath.map { try SymbolDatabase.load(path: $0) }
                let findings = LivepatchChecker(database: database).check(object)
                Report.diagnostics(findings, file: path)
                if findings.hasErrors { failed = true } else { print("\(path): ok") }
            } catch {
                Report.failure(error)
                failed = true
            }
        }
        if failed { throw ExitStatus.failure }
    }
}
