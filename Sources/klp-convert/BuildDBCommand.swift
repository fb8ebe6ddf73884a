import ArgumentParser
import KLPDatabaseBuilder
import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

/// `klp-convert build-db`: writes an ordered symbols.klp (kallsyms walk order, source-file markers) from kernel
/// artifacts. Exit status 0: everything used; 2: written, but some input was skipped; 255: nothing written.
struct BuildDBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-db",
        abstract: "Build symbols.klp in kallsyms order (with source files) from vmlinux, modules, kallsyms.",
        discussion: """
            Positions in the result are the kernel's: vmlinux symbols by address, each module's symbols in its .ko \
            symbol-table order limited to the symbols the module loader keeps. Livepatch modules are left out. \
            Source places (tree-relative path and declaration line) come from DWARF when the inputs have it \
            (linux-image-*-dbg's vmlinux and modules), else base names from STT_FILE symbols; addresses from vmlinux, \
            System.map or a kallsyms dump read as root. They go to the file's evidence block (README, symbols.klp).

            Example: klp-convert build-db -o symbols.klp --kallsyms kallsyms.txt --modules /lib/modules/<ver>/kernel

            For an installed kernel: klp-convert build-db -o symbols.klp --release <ver> (or --running). vmlinux \
            symbols come from the best source found: a vmlinux with its symbol table (debug package), else a real \
            System.map, else /proc/kallsyms of the running kernel.

            Exit status: 0 done; 2 written, but some input was skipped (listed on stderr); 255 failed, nothing written.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write symbols.klp.", valueName: "file"))
    var output: String
    @Option(
        help: ArgumentHelp(
            "A linked vmlinux with its symbol table (e.g. from linux-image-*-dbg).",
            valueName: "file"))
    var vmlinux: String?
    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("Module files (.ko, .o, .ko.xz/.zst/.gz) or folders to search.", valueName: "path"))
    var modules: [String] = []
    @Option(
        help: ArgumentHelp(
            "A /proc/kallsyms dump (vmlinux, and loaded modules without a module file).",
            valueName: "file"))
    var kallsyms: String?
    @Option(name: .customLong("system-map"), help: ArgumentHelp("System.map (vmlinux only).", valueName: "file"))
    var systemMap: String?
    @Option(help: ArgumentHelp("Module.symvers: more export information (repeatable).", valueName: "file"))
    var symvers: [String] = []
    @Option(name: .shortAndLong, help: "Threads for reading modules and vmlinux's DWARF (default: all cores).")
    var jobs: Int?
    @OptionGroup var kernel: ReleaseOptions
    @Flag(
        inversion: .prefixedNo,
        help: "The kernel has CONFIG_KALLSYMS_ALL (data symbols in kallsyms), as Debian's kernels.")
    var kallsymsAll = true
    @Flag(inversion: .prefixedNo, help: "The kernel has CONFIG_MODULE_UNLOAD (.exit sections kept), as Debian's.")
    var moduleUnload = true

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if vmlinux == nil && modules.isEmpty && kallsyms == nil && systemMap == nil && !kernel.wanted {
            throw ValidationError(
                "give --release, --running, or at least one of --vmlinux, --modules, --kallsyms, "
                    + "--system-map")
        }
    }

    func run() throws {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        var inputs = DatabaseBuildInputs(
            vmlinux: vmlinux, modules: modules, kallsyms: kallsyms, systemMap: systemMap, symvers: symvers,
            rules: KernelRules(kallsymsAll: kallsymsAll, moduleUnload: moduleUnload),
            jobs: jobs ?? max(1, cores))
        if kernel.wanted {
            do {
                inputs = try kernel.resolve(overriding: inputs)
            } catch {
                Report.failure(error)
                throw ExitStatus.failure
            }
        }
        let progress = isatty(2) != 0 ? ProgressLine() : nil
        let result: DatabaseBuildResult
        do {
            var callback: (@Sendable (Int, Int) -> Void)? = nil
            if let progress { callback = { done, total in progress.update(done, total) } }
            // A -dbg vmlinux's DWARF takes a few seconds: say what is happening until module progress takes over.
            // `inputs`, not the option: the vmlinux --release/--running found is read the same way.
            if let progress, let vmlinux = inputs.vmlinux {
                progress.show("reading \(vmlinux) (symbols and DWARF source places)")
            }
            result = try DatabaseBuilder.build(inputs, progress: callback)
            progress?.finish()
            try FileIO.writeAtomically(result.bytes, to: output)
        } catch {
            progress?.finish()
            Report.failure(error)
            throw ExitStatus.failure
        }
        for issue in result.issues { Report.error(issue.description) }
        let symbolCount = result.database.objects.reduce(0) { $0 + $1.symbols.count }
        if progress != nil || result.somethingSkipped {
            Report.line(
                "klp-convert: wrote \(output): \(result.database.objects.count) objects, \(symbolCount) symbols"
                    + (result.moduleFilesFound > 0
                        ? ", \(result.moduleFilesRead) of \(result.moduleFilesFound) module files read" : ""))
        }
        if result.somethingSkipped { throw ExitStatus.partial }
    }
}

/// "modules 1234/4023" on one terminal line, redrawn at most every 50 ms, from any thread.
final class ProgressLine: @unchecked Sendable {
    private var lastDraw: UInt64 = 0
    private var drawn = false
    private let lock = PthreadLock()

    func update(_ done: Int, _ total: Int) {
        lock.locked {
            let now = Self.milliseconds()
            guard done == total || now - lastDraw >= 50 else { return }
            lastDraw = now
            drawn = true
            Report.raw("\r\u{1B}[Kklp-convert: reading modules \(done)/\(total)")
        }
    }

    /// One line of text in place of the counter.
    func show(_ text: String) {
        lock.locked {
            drawn = true
            Report.raw("\r\u{1B}[Kklp-convert: \(text)")
        }
    }

    func finish() {
        lock.locked {
            if drawn { Report.raw("\r\u{1B}[K") }
            drawn = false
        }
    }

    private static func milliseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }
}

extension Report {
    /// Raw text to stderr, no newline (progress redraws).
    static func raw(_ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { break }
            done += n
        }
    }
}
