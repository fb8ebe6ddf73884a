/// Object names (normalised, unique) in order of first appearance. Objects named only by Module.symvers are
/// appended after the symbols.klp ones, so an owner index can name either kind.
/// The index is a ByteNameTable (a multiply hash over the UTF-8 bytes) rather than a [String: Int32]: every load
/// interns each `*` line's object, and Swift's SipHash of String keys was 6% of a targeted scan.
package struct ObjectList: Sendable {
    private(set) var names: [String] = []
    private var index: ByteNameTable

    init(expectedCount: Int = 0) {
        names.reserveCapacity(expectedCount)
        index = ByteNameTable(expectedCount: expectedCount, expectedBytes: expectedCount * 16)
    }

    mutating func intern(_ name: String) -> Int32 {
        var name = name
        let id = name.withUTF8 { utf8 in
            // An empty name may have no buffer: any valid pointer will do.
            withUnsafeBytes(of: UInt8(0)) { empty in
                index.intern(UnsafeRawPointer(utf8.baseAddress) ?? empty.baseAddress!, utf8.count)
            }
        }
        if Int(id) == names.count { names.append(name) }
        return id
    }

    func find(_ name: String) -> Int32? { index.find(name) }
}

/// The symbol lines kept from symbols.klp, as parallel arrays indexed by record (= kept line, in file order).
struct SymbolRecords: Sendable {
    var names: ByteNameTable
    var name: [Int32] = []
    var object: [Int32] = []
    /// Index into the file-name table, -1 when the line has no preceding `-<file>` marker in its block.
    var file: [Int32] = []
    var line: [Int32] = []
    /// Next record with the same name (file order), -1 at the end.
    var nextSameName: [Int32] = []
    /// Next record of the same object (file order), -1 at the end.
    var nextSameObject: [Int32] = []
    var position: [Int32] = []
    var copies: [Int32] = []
    /// By name id: first and last record.
    var nameHead: [Int32] = []
    private var nameTail: [Int32] = []
    /// By object index: first and last record.
    var objectHead: [Int32] = []
    private var objectTail: [Int32] = []

    /// `expectedNames`: distinct names expected (a targeted load keeps at most as many as it wants).
    init(expectedCount: Int, expectedNames: Int? = nil) {
        let distinct = expectedNames ?? expectedCount
        names = ByteNameTable(expectedCount: distinct, expectedBytes: distinct * 24)
        name.reserveCapacity(expectedCount)
        object.reserveCapacity(expectedCount)
        file.reserveCapacity(expectedCount)
        line.reserveCapacity(expectedCount)
        nextSameName.reserveCapacity(expectedCount)
        nextSameObject.reserveCapacity(expectedCount)
    }

    var count: Int { name.count }

    /// XOR of warmed slots: stored so the optimiser keeps the warming loads (see `ByteNameTable.warm`).
    var warmth: UInt64 = 0

    mutating func append(_ pointer: UnsafeRawPointer, _ length: Int, object owner: Int32, file: Int32, line: Int32) {
        append(pointer, length, hash: ByteNameTable.hash(pointer, length), object: owner, file: file, line: line)
    }

    mutating func append(
        _ pointer: UnsafeRawPointer, _ length: Int, hash: UInt64, object owner: Int32, file: Int32, line: Int32
    ) {
        append(name: names.intern(pointer, length, hash: hash), object: owner, file: file, line: line)
    }

    /// A line whose name is interned already (`id` from `names`).
    mutating func append(name id: Int32, object owner: Int32, file: Int32, line: Int32) {
        let record = Int32(name.count)
        if Int(id) == nameHead.count {
            nameHead.append(record)
            nameTail.append(record)
        } else {
            nextSameName[Int(nameTail[Int(id)])] = record
            nameTail[Int(id)] = record
        }
        while objectHead.count <= Int(owner) {
            objectHead.append(-1)
            objectTail.append(-1)
        }
        if objectTail[Int(owner)] < 0 {
            objectHead[Int(owner)] = record
        } else {
            nextSameObject[Int(objectTail[Int(owner)])] = record
        }
        objectTail[Int(owner)] = record
        name.append(id)
        object.append(owner)
        self.file.append(file)
        self.line.append(line)
        nextSameName.append(-1)
        nextSameObject.append(-1)
    }

    /// DECISIONS 1: within one object, a name seen once has position 0; k > 1 copies get 1...k in line order.
    mutating func computePositions() {
        position = [Int32](repeating: 0, count: count)
        copies = [Int32](repeating: 1, count: count)
        var chain: [Int32] = []
        // head == tail (a name on one line) is read from two sequential arrays, skipping the random access to
        // nextSameName for the ~75% of names that occur once.
        for (nameID, head) in nameHead.enumerated() where head != nameTail[nameID] {
            chain.removeAll(keepingCapacity: true)
            var record = head
            while record >= 0 {
                chain.append(record)
                record = nextSameName[Int(record)]
            }
            // Records are numbered in line order, so sorting by (object, record) lists each object's copies
            // in line order even when an object block appears more than once in the file. Object ids are
            // numbered in the order blocks first appear, so a chain is already in that order unless an object
            // has two blocks: checked first, it is sorted only then (a targeted load's ~20 copies per name).
            let objects = object
            var inOrder = true
            for index in 1..<chain.count where objects[Int(chain[index - 1])] > objects[Int(chain[index])] {
                inOrder = false
                break
            }
            if !inOrder {
                chain.sort { objects[Int($0)] != objects[Int($1)] ? objects[Int($0)] < objects[Int($1)] : $0 < $1 }
            }
            var runStart = 0
            while runStart < chain.count {
                let owner = objects[Int(chain[runStart])]
                var runEnd = runStart + 1
                while runEnd < chain.count && objects[Int(chain[runEnd])] == owner { runEnd += 1 }
                let k = Int32(runEnd - runStart)
                if k > 1 {
                    for offset in 0..<Int(k) {
                        position[Int(chain[runStart + offset])] = Int32(offset + 1)
                        copies[Int(chain[runStart + offset])] = k
                    }
                }
                runStart = runEnd
            }
        }
    }
}

/// Export markers: which objects export which name (from `__ksymtab_`/`__export_symbol_` lines and Module.symvers).
struct ExportRecords: Sendable {
    var names = ByteNameTable()
    /// By name id: first entry.
    var head: [Int32] = []
    /// By entry: owner object index (into `ObjectList`) and next entry of the same name.
    var owner: [Int32] = []
    var next: [Int32] = []

    mutating func add(_ pointer: UnsafeRawPointer, _ length: Int, owner newOwner: Int32) {
        let id = names.intern(pointer, length)
        if Int(id) == head.count {
            head.append(Int32(owner.count))
        } else {
            // Chains are one or two entries long: walk to the end, dropping a repeated (name, owner) pair.
            var entry = head[Int(id)]
            while true {
                if owner[Int(entry)] == newOwner { return }
                if next[Int(entry)] < 0 { break }
                entry = next[Int(entry)]
            }
            next[Int(entry)] = Int32(owner.count)
        }
        owner.append(newOwner)
        next.append(-1)
    }

    func owners(of name: String) -> [Int32] {
        guard let id = names.find(name) else { return [] }
        var result: [Int32] = []
        var entry = head[Int(id)]
        while entry >= 0 {
            result.append(owner[Int(entry)])
            entry = next[Int(entry)]
        }
        return result
    }
}

/// Everything read from one symbols.klp (plus any Module.symvers merged in).
struct DatabaseContents: Sendable {
    var objects = ObjectList()
    /// How many leading entries of `objects` come from symbols.klp (the rest only from Module.symvers).
    var fileObjectCount = 0
    var files = FileNames()
    var symbols: SymbolRecords
    var exports = ExportRecords()
    var order: DatabaseOrder = .nameSorted
    var orderReason: DatabaseOrderReason = .everyObjectNameSorted
}
