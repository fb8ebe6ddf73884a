import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `build-db --release <release>` finds on an installed system (or under `--root`) for one kernel, where
/// Debian, Ubuntu, Fedora and SUSE keep it, and what it looked for in vain, with the package that adds it.
///
/// For the vmlinux block every source found is handed to the builder, which takes the best one: a vmlinux ELF
/// with its symbol table (debug packages; the only source of source-file markers), else a real System.map,
/// else `/proc/kallsyms` of the running kernel (names in order; addresses are zero without root, and only the
/// order is used). Modules come from `/lib/modules/<release>/kernel`, each replaced by its unstripped copy in
/// the debug tree when there is one (same positions, plus source files); loaded modules without a file come
/// from `/proc/kallsyms`.
public struct KernelInputs: Sendable {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable { case used, skipped, missing }
        public var kind: Kind
        /// What the input is for ("vmlinux symbols", "modules", "Module.symvers", ...).
        public var input: String
        /// The file used or skipped (host path), or the first place looked at (path in the image).
        public var path: String
        /// Why it was skipped, or what adds it.
        public var detail: String

        public var description: String {
            "\(kind.rawValue) \(input): \(path)" + (detail.isEmpty ? "" : " (\(detail))")
        }
    }

    public let release: String
    /// The image's root ("/" for this system).
    public let root: String
    public let distribution: KernelDistribution
    /// The running kernel's release of that root, when known.
    public let runningRelease: String?
    public private(set) var vmlinux: String?
    public private(set) var systemMap: String?
    public private(set) var kallsyms: String?
    public private(set) var moduleFiles: [String] = []
    public private(set) var symvers: [String] = []
    public private(set) var findings: [Finding] = []

    /// Looks for the inputs of kernel `release` under `root`. Throws only for a bad release name or root; an
    /// input that is absent or unusable is a finding.
    public static func find(release: String, root: String = "/") throws(DatabaseBuildError) -> KernelInputs {
        try checkRelease(release)
        let rooted = try rootedPath(root)
        var inputs = KernelInputs(
            release: release, root: rooted.root,
            distribution: distribution(rooted), runningRelease: running(rooted))
        inputs.findVmlinux(rooted)
        inputs.findModules(rooted)
        inputs.findSymvers(rooted)
        return inputs
    }

    /// The running kernel's release: `uname -r` on this system, `<root>/proc/sys/kernel/osrelease` (the file the
    /// kernel answers uname from) under another root.
    public static func runningRelease(root: String = "/") throws(DatabaseBuildError) -> String {
        let rooted = try rootedPath(root)
        guard let release = running(rooted) else {
            throw DatabaseBuildError(
                path: rooted.root + "/proc/sys/kernel/osrelease", line: nil,
                "cannot tell the running kernel of this root: the file is missing or empty")
        }
        return release
    }

    /// The builder's inputs: what was found, with each kind given in `explicit` (the command's own --vmlinux,
    /// --system-map, --kallsyms, --modules, --symvers) taking the place of the found one. Throws when nothing is
    /// left to build the vmlinux block from.
    public func databaseInputs(overriding explicit: DatabaseBuildInputs) throws(DatabaseBuildError)
        -> DatabaseBuildInputs
    {
        var inputs = explicit
        if explicit.vmlinux == nil && explicit.systemMap == nil && explicit.kallsyms == nil {
            inputs.vmlinux = vmlinux
            inputs.systemMap = systemMap
            inputs.kallsyms = kallsyms
        }
        if explicit.modules.isEmpty { inputs.modules = moduleFiles }
        if explicit.symvers.isEmpty { inputs.symvers = symvers }
        guard inputs.vmlinux != nil || inputs.systemMap != nil || inputs.kallsyms != nil else {
            var remedies: [String] = []
            if let package = distribution.debugPackage(release) { remedies.append("install \(package)") }
            remedies.append(
                runningRelease == release
                    ? "run it as root (to read /proc/kallsyms)" : "run build-db --running on a system booted into it")
            throw DatabaseBuildError(
                path: "build-db --release \(release)", line: nil,
                "nothing to take vmlinux symbols from: no vmlinux with a symbol table, no real System.map, and "
                    + (runningRelease == release ? "no readable /proc/kallsyms" : "it is not the running kernel")
                    + "; " + remedies.joined(separator: ", or "))
        }
        return inputs
    }

    // MARK: vmlinux block

    private mutating func findVmlinux(_ rooted: RootedPath) {
        let release = self.release
        let elfCandidates: [(path: String, what: String)] = [
            ("/usr/lib/debug/boot/vmlinux-\(release)", "debug vmlinux"),  // Debian, Ubuntu
            ("/usr/lib/debug/lib/modules/\(release)/vmlinux", "debug vmlinux"),  // Fedora
            ("/usr/lib/debug/boot/vmlinux-\(release).debug", "debug vmlinux"),  // SUSE (separate debug info)
            ("/lib/modules/\(release)/build/vmlinux", "kernel build tree"),  // a kernel built from source
            ("/boot/vmlinux-\(release)", "vmlinux in /boot"),
            ("/boot/vmlinux-\(release).xz", "vmlinux in /boot"),
            ("/boot/vmlinux-\(release).gz", "vmlinux in /boot"),
        ]
        // The running kernel's build ID, read once for all candidates (only when the release is the running one).
        let running = runningRelease == release ? Self.runningBuildID(rooted) : nil
        for candidate in elfCandidates {
            guard let path = rooted.resolve(candidate.path) else { continue }
            if let problem = Self.notAnELF(path) {
                findings.append(Finding(kind: .skipped, input: "vmlinux symbols", path: path, detail: problem))
                continue
            }
            var what = candidate.what
            if let running, let own = BuildID.ofELF(path: path) {
                guard own == running else {
                    findings.append(
                        Finding(
                            kind: .skipped, input: "vmlinux symbols", path: path,
                            detail:
                                "another build of \(release): build ID \(BuildID.hex(own)), the running kernel's is "
                                + BuildID.hex(running)))
                    continue
                }
                what += ", build ID matches the running kernel"
            }
            vmlinux = path
            findings.append(Finding(kind: .used, input: "vmlinux symbols", path: path, detail: what))
            break
        }
        if vmlinux == nil {
            let detail =
                distribution.debugPackage(release).map { "install \($0)" }
                ?? "install the kernel's debug symbols package"
            findings.append(
                Finding(
                    kind: .missing, input: "debug vmlinux (symbols with source files)",
                    path: elfCandidates[0].path, detail: detail))
        }

        // System.map only matters without a vmlinux symbol table, which says more (source files).
        if vmlinux == nil {
            for candidate in ["/boot/System.map-\(release)", "/lib/modules/\(release)/build/System.map"] {
                guard let path = rooted.resolve(candidate) else { continue }
                if let problem = Self.systemMapProblem(path) {
                    let remedy = distribution.systemMapPackage(release).map { "; the real one is in \($0)" }
                    findings.append(
                        Finding(
                            kind: .skipped, input: "System.map", path: path,
                            detail: problem + (remedy ?? "")))
                    continue
                }
                systemMap = path
                findings.append(Finding(kind: .used, input: "vmlinux symbols", path: path, detail: "System.map"))
                break
            }
            if systemMap == nil && !findings.contains(where: { $0.input == "System.map" }) {
                findings.append(
                    Finding(
                        kind: .missing, input: "System.map", path: "/boot/System.map-\(release)",
                        detail: distribution.systemMapPackage(release).map { "install \($0)" }
                            ?? ""))
            }
        }

        let kallsymsPath = rooted.isSystemRoot ? "/proc/kallsyms" : rooted.root + "/proc/kallsyms"
        if runningRelease == release {
            if access(kallsymsPath, R_OK) == 0 {
                kallsyms = kallsymsPath
                let role = vmlinux == nil && systemMap == nil ? "vmlinux symbols" : "loaded modules"
                findings.append(
                    Finding(
                        kind: .used, input: role, path: kallsymsPath,
                        detail: "running kernel's kallsyms"))
            } else {
                findings.append(
                    Finding(
                        kind: .skipped, input: "/proc/kallsyms", path: kallsymsPath,
                        detail: "cannot read: \(errnoText())"))
            }
        } else if vmlinux == nil && systemMap == nil {
            let running = runningRelease.map { "the running kernel is \($0)" } ?? "no running kernel known"
            findings.append(
                Finding(
                    kind: .missing, input: "/proc/kallsyms", path: "/proc/kallsyms",
                    detail: "\(release) is not running: \(running)"))
        }
    }

    /// The running kernel's build ID, from `/sys/kernel/notes` (readable without privilege), or nil.
    private static func runningBuildID(_ rooted: RootedPath) -> [UInt8]? {
        guard let path = rooted.resolve("/sys/kernel/notes"), let notes = readSmall(path) else {
            return nil
        }
        return BuildID.fromNotes(notes, bigEndian: UInt16(1).bigEndian == 1)
    }

    /// Why a System.map cannot be used, or nil. Debian's image package ships a one-line placeholder
    /// ("ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package"); Ubuntu's real
    /// one is readable by root only.
    static func systemMapProblem(_ path: String) -> String? {
        let head: [UInt8]
        do { head = try InputFile.head(path, count: 4096) } catch { return "cannot read: \(error.reason)" }
        guard !head.isEmpty else { return "empty" }
        let lines = head.split(separator: 10).prefix(head.count == 4096 ? 8 : Int.max)
        let symbolLines = lines.filter { VmlinuxSymbols.systemMapLine($0) != nil }
        if symbolLines.isEmpty {
            let first = String(decoding: lines.first ?? [], as: UTF8.self)
            let text = first.unicodeScalars.filter { $0.value >= 32 && $0.value < 127 }.prefix(120)
            return "a placeholder, not a symbol map: \"\(String(String.UnicodeScalarView(text)))\""
        }
        return nil
    }

    /// Why a file cannot be a vmlinux ELF, or nil: it must start with the ELF magic or be compressed.
    static func notAnELF(_ path: String) -> String? {
        let head: [UInt8]
        do { head = try InputFile.head(path, count: 8) } catch { return "cannot read: \(error.reason)" }
        let count = head.count
        guard count >= 4 else { return "too short for an ELF file" }
        let isELF =
            head[0] == 0x7F && head[1] == UInt8(ascii: "E") && head[2] == UInt8(ascii: "L")
            && head[3] == UInt8(ascii: "F")
        guard isELF || Decompression.format(of: head[..<count]) != nil else {
            return "not an ELF file (a compressed boot image is vmlinuz, not vmlinux)"
        }
        return nil
    }

    // MARK: modules

    private mutating func findModules(_ rooted: RootedPath) {
        let shippedBase = rooted.resolve("/lib/modules/\(release)")
        let debugBase = rooted.resolve("/usr/lib/debug/lib/modules/\(release)")
        let shipped = shippedBase.map { Self.moduleFiles(base: $0) } ?? [:]
        let debug = debugBase.map { Self.moduleFiles(base: $0) } ?? [:]
        var chosen = shipped
        chosen.merge(debug) { _, unstripped in unstripped }
        moduleFiles = chosen.values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }

        if let shippedBase, !shipped.isEmpty {
            findings.append(
                Finding(
                    kind: .used, input: "modules", path: shippedBase + "/kernel",
                    detail: "\(shipped.count) module files"))
        } else {
            findings.append(
                Finding(
                    kind: .missing, input: "modules", path: "/lib/modules/\(release)/kernel",
                    detail: distribution.modulesPackage(release).map { "install \($0)" }
                        ?? "no module files"))
        }
        // DKMS and vendor modules: which copy the kernel loads depends on depmod's search order, so they are
        // named, not guessed into the database.
        for folder in ["updates", "extra"] {
            guard let shippedBase else { break }
            let files = ModuleFiles.collect([shippedBase + "/" + folder]).files
            if files.isEmpty { continue }
            findings.append(
                Finding(
                    kind: .skipped, input: "modules", path: shippedBase + "/" + folder,
                    detail: "\(files.count) module files not read (DKMS or vendor modules): to include them, give "
                        + "--modules with this folder and \(shippedBase)/kernel"))
        }
        if let debugBase, !debug.isEmpty {
            let replaced = debug.keys.filter { shipped[$0] != nil }.count
            findings.append(
                Finding(
                    kind: .used, input: "debug modules", path: debugBase + "/kernel",
                    detail: "\(debug.count) unstripped module files, \(replaced) of them in place "
                        + "of the shipped ones: source files known"))
        } else if let debugBase {
            findings.append(
                Finding(
                    kind: .skipped, input: "debug modules", path: debugBase,
                    detail: "no .ko files (separate .ko.debug files, as Fedora and SUSE ship, are "
                        + "not read): source files of module symbols are not known"))
        } else {
            findings.append(
                Finding(
                    kind: .missing, input: "debug modules (source files of module symbols)",
                    path: "/usr/lib/debug/lib/modules/\(release)",
                    detail: distribution.debugPackage(release).map { "install \($0)" }
                        ?? "install the kernel's debug symbols package"))
        }
    }

    /// The module files under `<base>/kernel`, keyed by their path below base without the compression suffix
    /// (so `fs/ext4/ext4.ko.xz` and its debug copy `fs/ext4/ext4.ko` meet).
    private static func moduleFiles(base: String) -> [String: String] {
        let (files, _) = ModuleFiles.collect([base + "/kernel"])
        var result: [String: String] = [:]
        for file in files {
            result[ModuleFiles.withoutCompressionSuffix(String(file.dropFirst(base.count)))] = file
        }
        return result
    }

    // MARK: Module.symvers

    private mutating func findSymvers(_ rooted: RootedPath) {
        let candidates = [
            "/lib/modules/\(release)/build/Module.symvers",  // headers / devel packages, build trees
            "/boot/symvers-\(release).gz", "/boot/symvers-\(release).xz",  // Fedora/RHEL, SUSE kernel packages
            "/lib/modules/\(release)/symvers.gz", "/lib/modules/\(release)/symvers.xz",
        ]
        for candidate in candidates {
            guard let path = rooted.resolve(candidate) else { continue }
            guard access(path, R_OK) == 0 else {
                findings.append(
                    Finding(
                        kind: .skipped, input: "Module.symvers", path: path,
                        detail: "cannot read: \(errnoText())"))
                continue
            }
            symvers = [path]
            findings.append(Finding(kind: .used, input: "Module.symvers", path: path, detail: "exports"))
            return
        }
        findings.append(
            Finding(
                kind: .missing, input: "Module.symvers (exports)", path: candidates[0],
                detail: distribution.headersPackage(release).map { "install \($0)" }
                    ?? "install the kernel's headers package"))
    }

    // MARK: root, release, distribution

    private static func checkRelease(_ release: String) throws(DatabaseBuildError) {
        guard !release.isEmpty, release != ".", release != "..", !release.contains("/"),
            release.utf8.count <= 255, release.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 })
        else {
            throw DatabaseBuildError(
                path: "--release", line: nil,
                "not a kernel release name (as uname -r prints it): \"\(release)\"")
        }
    }

    private static func rootedPath(_ root: String) throws(DatabaseBuildError) -> RootedPath {
        var st = stat()
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw DatabaseBuildError(path: root, line: nil, "--root must be an existing folder")
        }
        return RootedPath(root: root)
    }

    private static func distribution(_ rooted: RootedPath) -> KernelDistribution {
        for candidate in ["/etc/os-release", "/usr/lib/os-release"] {
            if let path = rooted.resolve(candidate), let text = readSmall(path) {
                return KernelDistribution(osRelease: String(decoding: text, as: UTF8.self))
            }
        }
        return .other(nil)
    }

    /// A small text file of the image (os-release, osrelease, kernel notes), or nil when it is not a readable
    /// file of at most 64 KB: an image may hold anything under those names.
    private static func readSmall(_ path: String) -> [UInt8]? {
        try? InputFile.readArray(path, limit: 1 << 16)
    }

    private static func running(_ rooted: RootedPath) -> String? {
        if rooted.isSystemRoot {
            var names = utsname()
            guard uname(&names) == 0 else { return nil }
            return withUnsafeBytes(of: names.release) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        guard let path = rooted.resolve("/proc/sys/kernel/osrelease"),
            let text = readSmall(path)
        else { return nil }
        let release = String(decoding: text.prefix(256), as: UTF8.self).split(separator: "\n").first.map(String.init)
        return release?.isEmpty == false ? release : nil
    }
}
