import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

/// Fresh scratch directories for tests, named after what they hold so a leftover one says who made it.
public enum TemporaryDirectory {
    /// Creates `$TMPDIR/klp-test-<label>-XXXXXX` and returns its path. The caller removes it (or leaves it for a
    /// failing test to be inspected).
    public static func make(_ label: String) throws -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/klp-test-\(label)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ToolError(tool: "mkdtemp", arguments: [base], problem: String(cString: strerror(errno)))
        }
        return String(cString: made)
    }

    /// Removes a directory tree (made by `make`, or any scratch folder), ignoring one that is already gone.
    public static func remove(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            unlink(path)
            return
        }
        // nftw is not imported by Swift's Glibc module: walk the tree by hand, never following links.
        if let entries = try? Directory.entries(path) {
            for entry in entries { remove(path + "/" + entry.name) }
        }
        rmdir(path)
    }
}
