import Foundation
import KLPEngine
import KLPTestSupport

@testable import KLPTUI

// Workspaces the TUI tests run on: the bundled example, and the same source built without its missing symbol
// (so it converts once the ambiguous symbols are chosen).

enum TUIFixtures {
    static let repositoryRoot = URL(fileURLWithPath: RepositoryPaths.root)
    static let examples = repositoryRoot.appendingPathComponent("examples").path

    static func example() throws -> Workspace {
        try Workspace.example(output: "/nonexistent/out.ko")
    }

    /// Compiles examples/livepatch-example.c with -DKLP_EXAMPLE_WITHOUT_MISSING into `dir`.
    static func completeObject(in dir: String) throws -> String {
        let out = "\(dir)/livepatch-complete.o"
        try Tool.check(
            "gcc",
            [
                "-O2", "-c", "-nostdinc", "-ffreestanding", "-fno-common", "-fno-stack-protector",
                "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-fno-pic", "-mcmodel=kernel",
                "-mno-red-zone", "-mno-sse", "-mno-mmx", "-mno-80387", "-Wall", "-Werror", "-I", examples,
                "-DKLP_EXAMPLE_WITHOUT_MISSING", "-o", out, "\(examples)/livepatch-example.c",
            ])
        return out
    }

    static func complete(in dir: String, output: String) throws -> Workspace {
        try Workspace.load(database: "\(examples)/symbols.klp", object: try completeObject(in: dir), output: output)
    }
}
