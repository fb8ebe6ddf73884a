import Foundation
import KLPSynthetic
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Large buffers the tool fills whole (the input object, its relocation tables) are advised to transparent huge
/// pages before they are first written: one fault per 2 MB instead of 512. Checked in /proc/self/smaps, where the
/// kernel reports the huge pages backing the mapping that holds the buffer.
@Suite struct HugePagesTests {
    /// THP mode from sysfs ("always", "madvise", "never"), nil where there is none.
    static let mode: String? = {
        guard let text = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8),
            let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]")
        else { return nil }
        return String(text[text.index(after: open)..<close])
    }()

    static var adviceHonoured: Bool { mode == "madvise" || mode == "always" }

    /// The kernel's count of huge page faults that fell back to small pages (no free 2 MB page at that moment).
    static func fallbacks() -> Int {
        let text = String(decoding: (try? FileIO.readAll(path: "/proc/vmstat")) ?? [], as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("thp_fault_fallback ") }
        return line.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
    }

    /// AnonHugePages (kB) of the mapping of this process that contains `address`.
    static func hugePagesKB(at address: UnsafeRawPointer) throws -> Int {
        let smaps = String(decoding: try FileIO.readAll(path: "/proc/self/smaps"), as: UTF8.self)
        let target = UInt(bitPattern: address)
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= target && target < bounds[1]
            } else if inside, fields.first == "AnonHugePages:", fields.count > 1 {
                return Int(fields[1]) ?? 0
            }
        }
        Issue.record("no mapping holds \(address)")
        return 0
    }

    @Test func capacityAddsSlackOnlyToLargeBuffers() {
        #expect(HugePages.capacity(count: 4096, stride: 1) == 4096)
        #expect(HugePages.capacity(count: HugePages.size - 1, stride: 1) == HugePages.size - 1)
        #expect(HugePages.capacity(count: 3 << 20, stride: 1) == (3 << 20) + HugePages.size)
        #expect(HugePages.capacity(count: 100_000, stride: 32) == 100_000 + HugePages.size / 32)
        #expect(HugePages.capacity(count: Int.max / 2, stride: 4) == Int.max / 2)  // no overflow
    }

    /// The advice on fresh memory (mapped here, as malloc maps a large buffer in a fresh process): the 2 MB ranges
    /// inside the buffer are backed by huge pages once written. In this long-running test process malloc would
    /// reuse memory it already has, which no advice changes; the CLI's buffers are fresh.
    @Test(.enabled(if: adviceHonoured, "transparent huge pages are \(mode ?? "absent") here"))
    func adviceGivesHugePagesToFreshMemory() throws {
        let length = 9 << 20
        let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { throw POSIXError(.ENOMEM) }
        defer { munmap(mapped, length) }
        // An odd start, as a buffer after malloc's and the array's headers has.
        let buffer = UnsafeMutableRawBufferPointer(start: mapped + 48, count: length - 48)
        let before = Self.fallbacks()
        HugePages.advise(buffer)
        buffer.initializeMemory(as: UInt8.self, repeating: 0x5a)
        // The advised part is a mapping of its own (the kernel splits the area at the advice's bounds).
        let huge = try Self.hugePagesKB(at: buffer.baseAddress! + (4 << 20))
        if Self.fallbacks() == before {
            #expect(huge >= 6 << 10, "9 MB of advised memory hold at least three whole 2 MB ranges; \(huge) kB huge")
        }
        #expect(buffer.allSatisfy { $0 == 0x5a })
    }

    @Test func largeBuffersAreAllocatedWithTheSlack() throws {
        let dir = try TemporaryDirectory.make("huge-input")
        defer { TemporaryDirectory.remove(dir) }
        let path = "\(dir)/large.ko"
        let content = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        let bytes = try InputFile.readArray(path)
        #expect(bytes == content)
        #expect(bytes.capacity >= content.count + HugePages.size)

        let object = SyntheticGrowth.manyCalls(80_000)
        let read = try ELFObject(bytes: try ELFWriter.bytes(of: object), path: "calls.o")
        let table = try #require(read.sections.max { $0.relocations.count < $1.relocations.count })
        let written = try #require(object.section(named: table.name)).relocations
        #expect(table.relocations.count == 80_000)
        // Symbols are renumbered on writing (locals first), so the relocations are compared without them.
        let same =
            table.relocations.map { [$0.offset, UInt64($0.type.rawValue), UInt64(bitPattern: $0.addend)] }
            == written.map { [$0.offset, UInt64($0.type.rawValue), UInt64(bitPattern: $0.addend)] }
        #expect(same, "the relocations read back differ from those written")
        #expect(table.relocations.capacity >= 80_000 + HugePages.size / MemoryLayout<Relocation>.stride)
    }
}
