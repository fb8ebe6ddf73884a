/// Source paths as kernel developers write them: relative to the kernel tree (`fs/inode.c`), whatever the build
/// machine's layout was (`/build/linux-6.1/debian/build/build_amd64_none_amd64/../../../fs/inode.c`).
enum SourcePaths {
    /// Top-level folders of a kernel tree. A path that goes through one of them (after the build prefix) is cut
    /// there, which also handles out-of-tree build folders (`O=`, Debian's debian/build/build_<flavour>/).
    static let treeTops: Set<String> = [
        "arch", "block", "certs", "crypto", "drivers", "fs", "include", "init", "io_uring", "ipc", "kernel", "lib",
        "mm", "net", "rust", "samples", "scripts", "security", "sound", "tools", "usr", "virt",
    ]

    /// `path` (absolute, or relative to the unit's `compilationDirectory`) made relative to the kernel tree: `..`
    /// and `.` resolved, the compilation directory stripped, then anything before the first kernel top-level
    /// folder. A path outside the compilation directory and outside any kernel tree (an external module's
    /// source, which kbuild compiles from the kernel's build folder: `/home/me/mod/a.c`) is reduced to its base
    /// name, as its STT_FILE symbol names it: the rest is the build machine's layout.
    static func treeRelative(_ path: String, compilationDirectory: String?) -> String {
        var full = path
        if !path.hasPrefix("/"), let directory = compilationDirectory, !directory.isEmpty {
            full = directory + "/" + path
        }
        let components = normalised(full)
        var rest = components
        if let directory = compilationDirectory, directory.hasPrefix("/") {
            let base = normalised(directory)
            if components.count > base.count && Array(components.prefix(base.count)) == base {
                rest = Array(components.dropFirst(base.count))
            }
        }
        // The first top-level folder with something below it, searching from the start of what is left.
        if let top = rest.indices.dropLast().first(where: { treeTops.contains(rest[$0]) }) {
            rest = Array(rest[top...])
        }
        if rest.count == components.count && full.hasPrefix("/") { return components.last ?? full }
        return rest.joined(separator: "/")
    }

    /// Path components with `.` and `..` resolved (`..` above the root is dropped, as the kernel does).
    private static func normalised(_ path: String) -> [String] {
        var out: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !out.isEmpty { out.removeLast() }
                continue
            }
            out.append(String(part))
        }
        return out
    }
}
