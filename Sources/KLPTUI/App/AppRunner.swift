// The run loop, kept tiny: present, read a key, map it, reduce, carry out effects (feeding their results
// back), repeat until quit or the input ends.

public struct AppRunner: Sendable {
    public let reducer: Reducer
    public let renderer: Renderer
    public let effects: EffectRunner
    public var keymap = Keymap.standard

    public init(workspace: Workspace) {
        reducer = Reducer(workspace: workspace)
        renderer = Renderer(workspace: workspace)
        effects = EffectRunner(workspace: workspace)
    }

    /// Runs until the user quits or the terminal has no more keys; returns the final state.
    public func run<T: Terminal>(_ terminal: inout T, state initial: AppState) -> AppState {
        var state = initial
        if state.size != terminal.size { _ = reducer.reduce(&state, .resize(terminal.size)) }
        while !state.quitting {
            terminal.present(renderer.render(state))
            guard let key = terminal.readKey() else { break }
            guard let action = keymap.action(for: key, in: state) else { continue }
            dispatch(action, &state)
        }
        return state
    }

    /// Reduces an action and every action that its effects produce.
    public func dispatch(_ action: Action, _ state: inout AppState) {
        var queue = [action]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for effect in reducer.reduce(&state, next) {
                if effect == .quit {
                    state.quitting = true
                    return
                }
                if let result = effects.perform(effect, state: state) { queue.append(result) }
            }
        }
    }
}
