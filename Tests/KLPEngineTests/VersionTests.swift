import KLPTestSupport
import Testing

@testable import KLPEngine

/// `klp-convert --version` through the binary: the version, and the commit when `make` built it. `swift test`
/// builds without the Makefile, so the commit is unknown here; packaging/check-install.sh checks the commit of
/// the binary `make` built.
@Suite struct VersionTests {
    @Test func versionNamesTheToolVersionAndAnUnknownCommitOutsideMake() throws {
        let r = try Tool.run(BuiltProducts.klpConvert, ["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == "klp-convert \(KLPVersion.tool) (unknown commit)\n")
    }
}
