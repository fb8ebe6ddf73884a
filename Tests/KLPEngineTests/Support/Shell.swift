import Foundation

/// Runs a tool (gcc, ld, readelf, the klp-convert binary) for a test and returns its output: a thin face over
/// FixtureTool (one process runner for the whole test target) with a working directory and short names.
enum Shell {
    typealias Result = FixtureToolResult

    static func which(_ tool: String) -> String? { FixtureTool.find(tool) }

    @discardableResult
    static func run(_ tool: String, _ args: [String], cwd: String? = nil) throws -> Result {
        try FixtureTool.run(tool, args, cwd: cwd)
    }

    /// Runs and requires exit status 0; returns stdout.
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
