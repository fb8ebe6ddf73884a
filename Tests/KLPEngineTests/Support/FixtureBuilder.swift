import Foundation
import KLPTestSupport

/// The architectures the fixtures exist for, with what a test needs to know to check an object
/// of that architecture through readelf.
enum FixtureArch: String, CaseIterable, Sendable {
    case x86_64, ppc64le, ppc64, s390x, arm64, ppc32

    /// The cross architectures, whose objects are committed under Fixtures/cross/<arch>.
    static let cross: [FixtureArch] = [.ppc64le, .ppc64, .s390x, .arm64, .ppc32]

    var is64Bit: Bool { self != .ppc32 }
    var isBigEndian: Bool { self == .s390x || self == .ppc32 || self == .ppc64 }
    /// 64-bit PowerPC reaches external data through .toc entries (ELFv1 and ELFv2 alike).
    var usesTOC: Bool { self == .ppc64le || self == .ppc64 }
    /// readelf's "Machine:" text for objects of this architecture.
    var readelfMachine: String {
        switch self {
        case .x86_64: "Advanced Micro Devices X86-64"
        case .ppc64le, .ppc64: "PowerPC64"
        case .s390x: "IBM S/390"
        case .arm64: "AArch64"
        case .ppc32: "PowerPC"
        }
    }
    /// sh_entsize / sh_addralign of a RELA section of this class.
    var relaEntrySize: Int { is64Bit ? 24 : 12 }
    var relaAlignment: Int { is64Bit ? 8 : 4 }
    /// The absolute pointer-sized relocation type gcc uses for annotation records and data pointers.
    var absolutePointerRelocation: String {
        switch self {
        case .x86_64: "R_X86_64_64"
        case .ppc64le, .ppc64: "R_PPC64_ADDR64"
        case .s390x: "R_390_64"
        case .arm64: "R_AARCH64_ABS64"
        case .ppc32: "R_PPC_ADDR32"
        }
    }
    /// The cross gcc that rebuilds this architecture's committed objects.
    var compiler: String {
        switch self {
        case .x86_64: "gcc"
        case .ppc64le: "powerpc64le-linux-gnu-gcc"
        case .ppc64: "powerpc64-linux-gnu-gcc"
        case .s390x: "s390x-linux-gnu-gcc"
        case .arm64: "aarch64-linux-gnu-gcc"
        case .ppc32: "powerpc-linux-gnu-gcc"
        }
    }
}

/// Paths of the fixture tree in the source checkout (RepositoryPaths: no resource bundle lookup, and scripts/ is
/// reachable too).
enum FixturePaths {
    static let repositoryRoot = URL(fileURLWithPath: RepositoryPaths.root)
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/KLPEngineTests/Fixtures")
    static let sources = fixtures.appendingPathComponent("src")
    static let databases = fixtures.appendingPathComponent("db")
    static let buildScript = repositoryRoot.appendingPathComponent("scripts/build-fixtures.sh")

    /// The ordered (kallsyms order, `-file` markers) database matching the fixture sources.
    static let orderedDatabase = databases.appendingPathComponent("symbols-ordered.klp")
    /// The name-sorted upstream 0.1 database with the same content.
    static let sortedDatabase = databases.appendingPathComponent("symbols-sorted.klp")

    static func crossDirectory(_ arch: FixtureArch) -> URL {
        fixtures.appendingPathComponent("cross/\(arch.rawValue)")
    }
}

/// The fixture objects built by scripts/build-fixtures.sh (the list there and here must agree).
enum FixtureObject: String, CaseIterable, Sendable {
    case targetModule = "test_klp_convert_mod.o"
    case livepatch = "livepatch.o"
    case livepatch2 = "livepatch2.o"
    case noop = "lp_noop.o"
    case minimal = "lp_minimal.o"
    case v4Record = "lp_v4_record.o"
    case badSections = "bad_sections.o"
    case badAmbiguous = "bad_ambiguous.o"
    case badNotFound = "bad_notfound.o"
    case badConflict = "bad_conflict.o"
    case badUnused = "bad_unused.o"
    case badSympos = "bad_sympos.o"
    case badJumpModule = "bad_jump_module.o"
}

/// Gives tests the fixture objects of an architecture.  x86_64 objects are built at test time with
/// the host gcc (once per test process, into a temporary directory); the cross architectures use
/// the committed objects, so CI needs no cross compiler.
final class FixtureBuilder: @unchecked Sendable {
    static let shared = FixtureBuilder()

    private let lock = NSLock()
    private var built: Result<URL, ToolError>?

    /// Directory holding every `FixtureObject` for `arch`.
    func directory(for arch: FixtureArch) throws -> URL {
        guard arch == .x86_64 else {
            let directory = FixturePaths.crossDirectory(arch)
            for object in FixtureObject.allCases {
                let path = directory.appendingPathComponent(object.rawValue).path
                guard FileManager.default.fileExists(atPath: path) else {
                    throw ToolError(
                        tool: "fixtures", arguments: [arch.rawValue],
                        problem: "committed object \(path) is missing; rebuild with "
                            + "scripts/build-fixtures.sh --arch cross Tests/KLPEngineTests/Fixtures/cross")
                }
            }
            return directory
        }
        lock.lock()
        defer { lock.unlock() }
        if let built { return try built.get() }
        let result = Result { () throws(ToolError) -> URL in try buildHostObjects() }
        built = result
        return try result.get()
    }

    /// Path of one fixture object of `arch`.
    func object(_ object: FixtureObject, arch: FixtureArch = .x86_64) throws -> URL {
        try directory(for: arch).appendingPathComponent(object.rawValue)
    }

    private static let buildPrefix = "klp-fixtures-"

    /// The objects of a test process stay until the next run: drop those whose process is gone.
    private func removeStaleBuilds() {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(Self.buildPrefix) {
            let pid = name.dropFirst(Self.buildPrefix.count)
            guard !pid.isEmpty, pid.allSatisfy(\.isNumber), !FileManager.default.fileExists(atPath: "/proc/\(pid)")
            else { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
    }

    private func buildHostObjects() throws(ToolError) -> URL {
        for tool in ["gcc", "ld", "bash"] where Tool.find(tool) == nil {
            throw ToolError(
                tool: tool, arguments: [],
                problem: "not found on PATH: the x86_64 fixtures are compiled at test time; install "
                    + "\(Tool.packages[tool] ?? tool)")
        }
        removeStaleBuilds()
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(Self.buildPrefix)\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: output)
        let arguments = [FixturePaths.buildScript.path, "--arch", "x86_64", output.path]
        do {
            _ = try ChildProcess.check("bash", arguments)
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError(tool: "bash", arguments: arguments, problem: "\(error)")
        }
        return output
    }
}
