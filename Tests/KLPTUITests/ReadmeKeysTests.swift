import Foundation
import Testing

@testable import KLPTUI

// The README's key table is the help overlay's text (both from Keymap.standard): a key added, moved or
// re-described in the keymap fails here until the README says the same.

@Suite struct ReadmeKeysTests {
    /// The help lines as a Markdown table, as the README holds it between its `keys` markers.
    static func table() throws -> String {
        let renderer = Renderer(workspace: try TUIFixtures.example())
        var out = "| keys | what they do |\n|---|---|\n"
        for line in renderer.helpLines() {
            let keys = line.keys.split(separator: " ").map { "`\($0.replacing("|", with: "\\|"))`" }.joined(
                separator: " ")
            out += line.isHeading ? "| **\(line.keys)** | |\n" : "| \(keys) | \(line.text) |\n"
        }
        return out
    }

    @Test func readmeKeyTableMatchesTheHelp() throws {
        let readme = try String(
            contentsOfFile: TUIFixtures.repositoryRoot.appendingPathComponent("README.md").path,
            encoding: .utf8)
        let start = "<!-- keys: generated from Keymap.standard, checked by ReadmeKeysTests -->\n",
            end = "<!-- /keys -->"
        let from = try #require(readme.range(of: start), "README.md has no key table marker")
        let to = try #require(readme.range(of: end, range: from.upperBound..<readme.endIndex))
        let expected = try Self.table()
        #expect(String(readme[from.upperBound..<to.lowerBound]) == expected, "put this in README.md:\n\(expected)")
    }
}
