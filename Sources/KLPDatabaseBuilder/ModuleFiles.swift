import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds module files: a path given as a file is taken as it is (`.ko`, `.o`, compressed or not); a folder is
/// searched recursively for `.ko`, `.ko.xz`, `.ko.zst` and `.ko.gz`. Symbolic links to folders are not followed
/// (`/lib/modules/<ver>/build` points into a whole kernel tree), links to files are.
enum ModuleFiles {
    static let suffixes = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"]

    static func isModuleFileName(_ name: String) -> Bool {
        suffixes.contains { name.hasSuffix($0) }
    }

    /// `name` without a `.xz`, `.zst` or `.gz` ending (the module file it was compressed from).
    static func withoutCompressionSuffix(_ name: String) -> String {
        var name = name
        for suffix in [".xz", ".zst", ".gz"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name
    }

    /// Module name from a file name when .modinfo has none: base name without the compression and object
    /// suffixes, `-` -> `_` (objtool's find_modname rule).
    static func fallbackName(_ path: String) -> String {
        var base = withoutCompressionSuffix(path.split(separator: "/").last.map(String.init) ?? path)
        for suffix in [".ko", ".o"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
            break
        }
        return KLPNames.normalizeObject(base)
    }

    /// Every module file under `paths`, sorted by path (byte order) so the work and its messages are repeatable.
    /// Unreadable folders are reported, not fatal.
    static func collect(_ paths: [String]) -> (files: [String], problems: [BuildIssue]) {
        var files: [String] = []
        var problems: [BuildIssue] = []
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                problems.append(BuildIssue(.skipped, path: path, "cannot open: \(errnoText())"))
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                walk(path, into: &files, problems: &problems)
            } else {
                files.append(path)
            }
        }
        files.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var unique: [String] = []
        for file in files where unique.last != file { unique.append(file) }
        return (unique, problems)
    }

    private static func walk(_ folder: String, into files: inout [String], problems: inout [BuildIssue]) {
        let entries: [Directory.Entry]
        do throws(Directory.Failure) {
            entries = try Directory.entries(folder)
        } catch {
            problems.append(BuildIssue(.skipped, path: folder, "cannot read folder: \(error.reason)"))
            return
        }
        var subfolders: [String] = []
        // lstat, not the listing's type: that one is unknown on some file systems, and links need their target.
        for entry in entries {
            let name = entry.name
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                subfolders.append(path)
            case S_IFLNK:
                var target = stat()
                if isModuleFileName(name), stat(path, &target) == 0, (target.st_mode & S_IFMT) == S_IFREG {
                    files.append(path)
                }
            case S_IFREG:
                if isModuleFileName(name) { files.append(path) }
            default:
                break
            }
        }
        for sub in subfolders { walk(sub, into: &files, problems: &problems) }
    }
}
