import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Paths inside an unpacked system image (`build-db --root`). An image's symbolic links point where they would
/// on the installed system (`lib/modules/<release>/build -> /usr/src/linux-headers-<release>`), so an absolute
/// target is taken inside the root, not on the host, and `..` never leaves the root.
struct RootedPath {
    /// The image's root folder ("/" for this system).
    let root: String

    init(root: String) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed.isEmpty ? "/" : trimmed
    }

    var isSystemRoot: Bool { root == "/" }

    /// The host path of `path` (absolute, as on the installed system), symbolic links resolved inside the root;
    /// nil when a component does not exist or the links loop. On "/" the path is returned as it is: the
    /// system resolves its own links, and messages keep the familiar name.
    func resolve(_ path: String) -> String? {
        if isSystemRoot { return exists(path) ? path : nil }
        var pending = Array(path.split(separator: "/").map(String.init).reversed())
        var resolved: [String] = []
        var links = 0
        while let component = pending.popLast() {
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = host(resolved + [component])
            var st = stat()
            guard lstat(candidate, &st) == 0 else { return nil }
            guard (st.st_mode & S_IFMT) == S_IFLNK else {
                resolved.append(component)
                continue
            }
            links += 1
            guard links <= 40, let target = readLink(candidate) else { return nil }  // 40: Linux's MAXSYMLINKS
            if target.hasPrefix("/") { resolved = [] }
            pending += target.split(separator: "/").map(String.init).reversed()
        }
        return host(resolved)
    }

    private func host(_ components: [String]) -> String {
        (isSystemRoot ? "" : root) + "/" + components.joined(separator: "/")
    }

    private func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    private func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink(path, &buffer, 4096)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
