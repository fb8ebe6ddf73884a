import Foundation

/// Executables built by this package, found the way `swift test` lays them out: next to the test bundle in
/// .build/<configuration>/ (CommandLine.arguments[0] is the bundle's runner).
public enum BuiltProducts {
    /// The folder holding the test bundle and the package's executables.
    public static var folder: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    /// Path of the product `name` (it may not exist when only the tests were built).
    public static func path(_ name: String) -> String { folder + "/" + name }

    /// The klp-convert binary the tests drive as a user would.
    public static var klpConvert: String { path("klp-convert") }
}
