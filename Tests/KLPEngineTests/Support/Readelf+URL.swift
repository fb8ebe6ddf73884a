import Foundation
import KLPTestSupport

/// The fixture helpers hold URLs (FixturePaths); KLPTestSupport's Readelf takes paths (it has no Foundation).
extension Readelf {
    init(_ url: URL) throws { try self.init(url.path) }

    static func sectionBytes(_ url: URL, section: String) throws -> [UInt8] {
        try sectionBytes(url.path, section: section)
    }

    static func allSectionContents(_ url: URL, sectionCount: Int) throws -> String {
        try allSectionContents(url.path, sectionCount: sectionCount)
    }

    static func sectionContentsByName(_ url: URL, sectionCount: Int) throws -> [String: [String]] {
        try sectionContentsByName(url.path, sectionCount: sectionCount)
    }
}
