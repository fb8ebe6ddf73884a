import Foundation

/// A failure while running an external tool (gcc, ld, readelf) for a test.  The description names
/// the tool, its arguments and what went wrong, so a failing test says how to fix the machine.
struct FixtureToolError: Error, CustomStringConvertible {
    let tool: String
    let arguments: [String]
    let problem: String

    var description: String {
        ([tool] + arguments).joined(separator: " ") + ": " + problem
    }
}

/// Output of one finished external command.
struct FixtureToolResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs external tools for fixture building and checking.  Foundation.Process is fine here: the
/// tools are ordinary short-lived programs (the known Process hang only concerns daemonising tmux).
enum FixtureTool {
    /// Debian packages that provide each tool, named in the "not found" message.
    static let packages: [String: String] = [
        "gcc": "gcc", "ld": "binutils", "readelf": "binutils", "objcopy": "binutils", "nm": "binutils",
        "bash": "bash", "sha256sum": "coreutils",
        "powerpc64le-linux-gnu-gcc": "gcc-powerpc64le-linux-gnu",
        "powerpc64-linux-gnu-gcc": "gcc-powerpc64-linux-gnu",
        "s390x-linux-gnu-gcc": "gcc-s390x-linux-gnu",
        "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
        "powerpc-linux-gnu-gcc": "gcc-powerpc-linux-gnu",
    ]

    /// Full path of `name` on PATH, or nil.
    static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Full path of `name`, or an error that names the Debian package to install.
    static func require(_ name: String) throws -> String {
        if let found = find(name) { return found }
        let package = packages[name].map { " (Debian package \($0))" } ?? ""
        throw FixtureToolError(tool: name, arguments: [], problem: "not found on PATH; install it\(package)")
    }

    /// Runs `name` with `arguments` and returns its status and output.  stdout/stderr go to temporary
    /// files rather than pipes, so a chatty tool cannot block on a full pipe.
    static func run(_ name: String, _ arguments: [String], cwd: String? = nil) throws -> FixtureToolResult {
        let executable = try require(name)
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("klp-fixture-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"  // stable, untranslated tool output for the parsers
        process.environment = environment
        do {
            try process.run()
        } catch {
            throw FixtureToolError(tool: name, arguments: arguments, problem: "cannot start: \(error)")
        }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return FixtureToolResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Like `run`, but a non-zero exit status is an error carrying the tool's stderr.
    static func check(_ name: String, _ arguments: [String]) throws -> FixtureToolResult {
        let result = try run(name, arguments)
        guard result.status == 0 else {
            throw FixtureToolError(
                tool: name, arguments: arguments,
                problem: "exit status \(result.status)\n\(result.stderr)")
        }
        return result
    }
}
