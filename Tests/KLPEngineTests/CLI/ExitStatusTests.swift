import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// The one exit-status rule (README "Exit status"), through the binary: every command's errors, usage errors
/// included, exit 255; usage messages keep their line breaks.
@Suite struct ExitStatusTests {
    @Test(arguments: [
        [String](),  // the drop-in with no arguments
        ["list"],
        ["--bogus"],
        ["convert", "--choose", "init_once"],
        ["snippet", "a"],
        ["check"],
        ["explain"],
        ["build-db", "-o", "/nonexistent/symbols.klp"],
        ["tui", "symbols.klp"],
    ])
    func usageErrorsExit255WithRealLineBreaks(arguments: [String]) throws {
        let r = try Tool.run(BuiltProducts.klpConvert, arguments)
        #expect(r.status == 255, "\(arguments): exit \(r.status): \(r.stderr)")
        #expect(r.stderr.hasPrefix("klp-convert: "), "\(r.stderr)")
        #expect(!r.stderr.contains("\\n"), "literal backslash-n in: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count >= 2, "usage follows the error on its own lines: \(r.stderr)")
    }

    @Test func everyCommandFailsWith255OnAnUnreadableInput() throws {
        let dir = try TemporaryDirectory.make("exit")
        let missing = "\(dir)/missing"
        let cases: [[String]] = [
            [missing, missing, "\(dir)/out.ko"],
            ["list", missing, missing],
            ["snippet", missing, missing],
            ["explain", missing, "init_once"],
            ["check", missing],
            ["build-db", "-o", "\(dir)/db", "--kallsyms", missing],
            ["tui", missing, missing],
        ]
        for arguments in cases {
            let r = try Tool.run(BuiltProducts.klpConvert, arguments)
            #expect(r.status == 255, "\(arguments): exit \(r.status): \(r.stderr)")
            #expect(r.stderr.contains(missing), "\(arguments): the message names the file: \(r.stderr)")
        }
    }
}
