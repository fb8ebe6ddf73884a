// Where a file's bytes go while they are made, in file order: a window of memory that the producer fills from the
// front and that is handed on (drained) when full. Writing an output streams it through one reused window into
// the temporary file, so a 5 MB output is never held whole (every fresh page touched costs a fault); encoding into
// an array uses the same producer with the array's memory as the window and nothing to drain. One producer, two
// destinations: what is tested in memory is what is written.

public struct ByteSink: ~Copyable {
    /// Hands on a full window (or, with `passesLargeBlocks`, a large block straight from the producer's memory).
    public typealias Drain = (UnsafeRawBufferPointer) throws -> Void

    private let window: UnsafeMutableRawBufferPointer
    private var used = 0
    private var drained = 0
    private let drain: Drain
    /// Whether a block larger than half the window may be drained directly instead of copied through the window
    /// (true for a file: write(2) takes it from where it is; false for an array, whose window is the output).
    private let passesLargeBlocks: Bool

    /// A sink over `window` (which must not be empty); `drain` receives the filled part each time it runs full.
    public init(window: UnsafeMutableRawBufferPointer, passesLargeBlocks: Bool, drain: @escaping Drain) {
        precondition(window.count > 0, "a ByteSink needs a window")  // a programming error, not an input's
        self.window = window
        self.passesLargeBlocks = passesLargeBlocks
        self.drain = drain
    }

    /// Bytes produced so far, drained or not.
    public var count: Int { drained + used }

    /// At least `minimum` free bytes of the window (draining it first if needed), to be filled from the front and
    /// then claimed with `advance`. `minimum` must not exceed the window; the region returned may be larger.
    public mutating func space(atLeast minimum: Int) throws -> UnsafeMutableRawBufferPointer {
        if window.count - used < minimum { try flush() }
        guard window.count - used >= minimum else {
            throw ByteSinkOverflow(requested: minimum, window: window.count)
        }
        return UnsafeMutableRawBufferPointer(rebasing: window[used...])
    }

    /// Claims `n` bytes written into the region `space` returned.
    public mutating func advance(_ n: Int) {
        used += n
    }

    /// Appends a copy of `bytes`; a large block goes straight to the drain when the sink allows it.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if passesLargeBlocks && bytes.count > window.count / 2 {
            try flush()
            try drain(bytes)
            drained += bytes.count
            return
        }
        var done = 0
        while done < bytes.count {
            let free = try space(atLeast: 1)
            let n = min(free.count, bytes.count - done)
            free.baseAddress!.copyMemory(from: source + done, byteCount: n)
            advance(n)
            done += n
        }
    }

    /// Appends `n` zero bytes (padding): written explicitly, as the window is reused or uninitialised.
    public mutating func appendZeros(_ n: Int) throws {
        var left = n
        while left > 0 {
            let free = try space(atLeast: 1)
            let k = min(free.count, left)
            free.baseAddress!.initializeMemory(as: UInt8.self, repeating: 0, count: k)
            advance(k)
            left -= k
        }
    }

    /// Drains what the window holds.
    public mutating func flush() throws {
        guard used > 0 else { return }
        try drain(UnsafeRawBufferPointer(rebasing: window[..<used]))
        drained += used
        used = 0
    }
}

/// A producer asked for more contiguous space than the window has: a bug in the producer, reported as an error.
public struct ByteSinkOverflow: Error, CustomStringConvertible, Sendable {
    public let requested: Int
    public let window: Int
    public var description: String { "\(requested) bytes requested from a \(window)-byte output window" }
}
