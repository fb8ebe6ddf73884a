/// The source checkout the tests run from, found from this file's location (Tests/KLPTestSupport/ in it): tests
/// reach fixtures, examples and scripts without a resource bundle lookup.
public enum RepositoryPaths {
    /// The repository's root folder, without a trailing `/`.
    public static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path
    }()
}
