/// Executables built by this package, found the way SwiftPM lays them out: in .build/<configuration>/, next to
/// the test bundle (CommandLine.arguments[0] is the bundle's runner) or to klp-bench.
public enum BuiltProducts {
    /// The folder holding the running executable and the package's other products.
    public static var folder: String {
        let me = CommandLine.arguments[0]
        guard let slash = me.lastIndex(of: "/") else { return "." }
        return String(me[..<slash])
    }

    /// Path of the product `name` (it may not exist when only the tests were built).
    public static func path(_ name: String) -> String { folder + "/" + name }

    /// The klp-convert binary the tests drive as a user would.
    public static var klpConvert: String { path("klp-convert") }
}
