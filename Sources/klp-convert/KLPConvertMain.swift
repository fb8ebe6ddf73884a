import ArgumentParser
import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

@main
struct KLPConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klp-convert",
        abstract: "Convert a livepatch module's references to non-exported kernel symbols into klp relocations.",
        discussion: """
            Drop-in for the kernel build: klp-convert <symbols.klp> <input.ko> <output.ko> (the 'convert' subcommand \
            is the default).

            Annotations KLP_MODULE_RELOC(object) / KLP_SYMPOS(symbol, position) in the patch choose between \
            homonyms: position 0 means unique in that object, homonyms count from 1 in kallsyms order.
            """,
        version: VersionLine.text,
        subcommands: [
            ConvertCommand.self, ListCommand.self, ExplainCommand.self, SnippetCommand.self,
            CheckCommand.self, BuildDBCommand.self, TUICommand.self,
        ],
        defaultSubcommand: ConvertCommand.self)

    /// As ArgumentParser's main, but usage errors carry the tool's "klp-convert: " prefix like every other
    /// message, so they are found in a kbuild log the same way.
    static func main() {
        keepLargeBuffersOnTheHeap()
        do {
            if let drop = DropInConvert.paths(CommandLine.arguments.dropFirst()) {
                try ConvertCommand.convert(
                    symbols: drop.symbols, input: drop.input, output: drop.output,
                    options: ConversionOptions())
                return
            }
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Glibc.exit(0)
            }
            var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let first = lines.first, !first.isEmpty {
                lines[0] = "klp-convert: " + (first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first)
            }
            // One line at a time: the usage text's line breaks are the parser's, not a file's, and must stay
            // breaks (Report.line shows a newline inside a name as "\n").
            if !message.isEmpty { lines.forEach(Report.line) }
            // A command's own ExitCode is already the rule's status; the parser's (64, EX_USAGE) becomes 255.
            Glibc.exit(error is ExitCode ? code.rawValue : ExitStatus.failure.rawValue)
        }
    }
}

/// Large buffers (symbols.klp, the module, the output) are otherwise each a fresh mmap, faulted in page by page
/// and unmapped on free: about a third of a large conversion's CPU time went to page faults. Kept on the heap, a
/// freed buffer is reused by the next one. glibc's mallopt is not in Swift's Glibc module, hence dlsym; on
/// another C library the lookup fails and nothing changes.
private func keepLargeBuffersOnTheHeap() {
    #if canImport(Glibc)
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(nil, "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD (<malloc.h>)
    _ = mallopt(mmapThreshold, 256 << 20)
    _ = mallopt(trimThreshold, 256 << 20)
    #endif
}
