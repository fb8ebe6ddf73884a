import Foundation

/// Runs a tool (gcc, ld, readelf) for a test and returns its output. Foundation's Process is fine for these
/// short-lived, non-daemonising tools (the tmux trap of the toolchain notes does not apply).
enum Shell {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String], cwd: String? = nil) throws -> Result {
        guard let exe = tool.hasPrefix("/") ? tool : which(tool) else {
            throw ShellError(message: "\(tool) is not installed (the project's .ci/run installs it)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        // Output goes to temporary files: no pipe can fill up and block the tool.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("klp-shell-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let outData = (try? Data(contentsOf: outURL)) ?? Data()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs and requires exit status 0.
    @discardableResult
    static func check(_ tool: String, _ args: [String], cwd: String? = nil) throws -> String {
        let r = try run(tool, args, cwd: cwd)
        guard r.status == 0 else {
            throw ShellError(message: "\(tool) \(args.joined(separator: " ")) failed (\(r.status)): \(r.stderr)")
        }
        return r.stdout
    }

    static func temporaryDirectory(_ label: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klp-test-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}

struct ShellError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
