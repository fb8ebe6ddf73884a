import KLPBuildInfo
import KLPEngine

/// What `klp-convert --version` prints: the tool's version and the commit it was built from (embedded by `make`,
/// see Sources/KLPBuildInfo), so a bug report names the exact source.
enum VersionLine {
    static var text: String {
        let commit = String(cString: klp_build_commit())
        return "klp-convert \(KLPVersion.tool) (\(commit.hasPrefix("unknown") ? commit : "commit " + commit))"
    }
}
