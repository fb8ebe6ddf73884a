// The terminal as the run loop needs it. CursesTerminal is the real one; ScriptedTerminal replays keys and
// records frames, so whole sessions run in tests without a tty.

public protocol Terminal {
    var size: Size { get }
    /// The next key, or nil when input has ended (terminal gone, script finished, signal).
    mutating func readKey() -> Key?
    mutating func present(_ screen: ScreenBuffer)
}

public struct ScriptedTerminal: Terminal {
    public var size: Size
    public var keys: [Key]
    public private(set) var frames: [ScreenBuffer] = []

    public init(size: Size, keys: [Key]) {
        self.size = size
        self.keys = keys
    }

    public mutating func readKey() -> Key? {
        guard !keys.isEmpty else { return nil }
        let key = keys.removeFirst()
        if case .resize(let s) = key { size = s }
        return key
    }

    public mutating func present(_ screen: ScreenBuffer) { frames.append(screen) }

    public var lastFrame: ScreenBuffer? { frames.last }
}
