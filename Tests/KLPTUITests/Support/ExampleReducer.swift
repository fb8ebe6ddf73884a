import KLPEngine

@testable import KLPTUI

/// The bundled example's workspace with its reducer, at the size the reducer-level suites draw at.
/// Suites conform to `ExampleReducerSuite` and keep one of these, so they set up the example the same way.
struct ExampleReducer {
    let workspace: Workspace
    let reducer: Reducer
    let size = Size(rows: 40, columns: 120)

    init() throws {
        workspace = try TUIFixtures.example()
        reducer = Reducer(workspace: workspace)
    }
}

/// A suite that drives the reducer on the bundled example; `workspace`, `reducer` and `size` come from `example`.
protocol ExampleReducerSuite {
    var example: ExampleReducer { get }
}

extension ExampleReducerSuite {
    var workspace: Workspace { example.workspace }
    var reducer: Reducer { example.reducer }
    var size: Size { example.size }
}
