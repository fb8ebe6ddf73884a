import Foundation
import Testing

// Expected screens live in Tests/KLPTUITests/Screens/*.screen. KLP_UPDATE_GOLDEN=1 rewrites them; a missing
// one is written and the test fails, so a new screen is always looked at before it is committed.

enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Screens")

    static func expect(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = folder.appendingPathComponent("\(name).screen")
        let update = ProcessInfo.processInfo.environment["KLP_UPDATE_GOLDEN"] == "1"
        let actual = text + "\n"
        guard !update, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            do {
                try actual.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("cannot write \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            if !update {
                Issue.record(
                    "\(name).screen did not exist: written, check it and commit it", sourceLocation: sourceLocation)
            }
            return
        }
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
            let exp = first < e.count ? String(e[first]) : "<end>"
            let act = first < a.count ? String(a[first]) : "<end>"
            Issue.record(
                """
                screen \(name) differs at line \(first + 1) (run with KLP_UPDATE_GOLDEN=1 to accept, \
                then check the diff):
                expected: \(exp)
                actual:   \(act)
                """, sourceLocation: sourceLocation)
        }
    }
}
