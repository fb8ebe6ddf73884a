#if canImport(Glibc)
import Glibc
#endif

/// Executables built by this package, found the way SwiftPM lays them out: in .build/<configuration>/, next to
/// the test bundle or to klp-bench (the running executable, from /proc/self/exe, else CommandLine.arguments[0]).
public enum BuiltProducts {
    /// The folder holding the running executable and the package's other products.
    public static var folder: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let me =
            n > 0
            ? String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : CommandLine.arguments[0]
        guard let slash = me.lastIndex(of: "/") else { return "." }
        return String(me[..<slash])
    }

    /// Path of the product `name` (it may not exist when only the tests were built).
    public static func path(_ name: String) -> String { folder + "/" + name }

    /// The klp-convert binary the tests drive as a user would.
    public static var klpConvert: String { path("klp-convert") }
}
