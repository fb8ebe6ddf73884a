#if canImport(Glibc)
import Glibc
#endif

/// A failure while running an external tool (gcc, ld, readelf, tmux, klp-convert) for a test. The description
/// names the tool, its arguments and what went wrong, so a failing test says how to fix the machine.
public struct ToolError: Error, CustomStringConvertible {
    public let tool: String
    public let arguments: [String]
    public let problem: String

    public init(tool: String, arguments: [String] = [], problem: String) {
        self.tool = tool
        self.arguments = arguments
        self.problem = problem
    }

    public var description: String { ([tool] + arguments).joined(separator: " ") + ": " + problem }
}

/// Finding tools on PATH, and short names for running them through ChildProcess.
public enum Tool {
    /// Debian packages that provide each tool, named in the "not found" message.
    public static let packages: [String: String] = [
        "gcc": "gcc", "g++": "g++", "ld": "binutils", "readelf": "binutils", "objcopy": "binutils",
        "objdump": "binutils", "nm": "binutils", "make": "make", "bash": "bash", "sha256sum": "coreutils",
        "tmux": "tmux",
        "powerpc64le-linux-gnu-gcc": "gcc-powerpc64le-linux-gnu",
        "powerpc64-linux-gnu-gcc": "gcc-powerpc64-linux-gnu",
        "s390x-linux-gnu-gcc": "gcc-s390x-linux-gnu",
        "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
        "powerpc-linux-gnu-gcc": "gcc-powerpc-linux-gnu",
    ]

    /// Full path of `name` on PATH (or `name` itself when it is a path to an executable), or nil: `which`.
    public static func find(_ name: String) -> String? {
        if name.contains("/") { return isExecutableFile(name) ? name : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// Full path of `name`, or an error that names the Debian package to install.
    public static func require(_ name: String) throws -> String {
        if let found = find(name) { return found }
        if name.contains("/") { throw ToolError(tool: name, problem: "no such executable") }
        let package = packages[name].map { " (Debian package \($0))" } ?? ""
        throw ToolError(tool: name, problem: "not found on PATH; install it\(package)")
    }

    /// Runs `tool` in `cwd` and returns how it ended, whatever its status.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], cwd: String? = nil) throws -> ChildProcessResult {
        try ChildProcess.run(tool, arguments, ChildProcess.Options(directory: cwd))
    }

    /// Runs `tool` in `cwd`, requires exit status 0, and returns its stdout.
    @discardableResult
    public static func check(_ tool: String, _ arguments: [String], cwd: String? = nil) throws -> String {
        try ChildProcess.check(tool, arguments, ChildProcess.Options(directory: cwd)).stdout
    }

    /// A regular file we may execute (a directory has the x bit too).
    private static func isExecutableFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
