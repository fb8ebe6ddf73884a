import KLPEngine

// Where in the livepatch a relocation sits, named as a person reads it: the function (or data object) of the
// livepatch's own symbol table that contains the offset, then the section offset the tools print,
// `livepatch_cmdline_proc_show+0x1c (.text+0x132)`. Built once per workspace: a sorted table per section.

public struct CodePlaces: Sendable {
    private struct Span: Sendable {
        let start: UInt64
        let end: UInt64
        let name: String
    }

    private let spans: [String: [Span]]

    public init(object: ELFObject) {
        var bySection: [String: [Span]] = [:]
        for symbol in object.symbols
        where !symbol.name.isEmpty && symbol.size > 0
            && (symbol.type == .function || symbol.type == .object)
        {
            guard case .section(let id) = symbol.section, let section = object.section(id) else { continue }
            let (end, overflow) = symbol.value.addingReportingOverflow(symbol.size)
            let span = Span(start: symbol.value, end: overflow ? .max : end, name: symbol.name)
            bySection[section.name, default: []].append(span)
        }
        spans = bySection.mapValues { $0.sorted { ($0.start, $0.name) < ($1.start, $1.name) } }
    }

    /// The symbol containing `offset` of section `section`, with the offset into it, if the symbol table has one.
    public func symbol(section: String, offset: UInt64) -> (name: String, offset: UInt64)? {
        guard let list = spans[section] else { return nil }
        // The last span starting at or before the offset (binary search), then any earlier one that still covers it.
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].start <= offset { low = mid + 1 } else { high = mid }
        }
        for span in list[..<low].reversed() where offset < span.end {
            return (span.name, offset - span.start)
        }
        return nil
    }

    /// `function+0x1c (.text+0x132)`, or `.text+0x132` when no symbol covers the place.
    public func describe(section: String, offset: UInt64) -> String {
        let place = "\(section)+0x\(String(offset, radix: 16))"
        guard let hit = symbol(section: section, offset: offset) else { return place }
        return "\(hit.name)+0x\(String(hit.offset, radix: 16)) (\(place))"
    }
}
