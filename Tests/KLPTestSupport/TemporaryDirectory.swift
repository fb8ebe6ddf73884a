import Foundation

/// Fresh scratch directories for tests, named after what they hold so a leftover one says who made it.
public enum TemporaryDirectory {
    /// Creates `$TMPDIR/klp-test-<label>-<uuid>` and returns its path. The caller removes it (or leaves it for
    /// a failing test to be inspected).
    public static func make(_ label: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("klp-test-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Removes a directory made by `make`, ignoring one that is already gone.
    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
