import Foundation
import KLPEngine
import KLPTestSupport
import Testing

@testable import KLPTUI

/// The patched functions screen (f): a gcc-built livepatch whose klp_func table has a unique entry, an ambiguous
/// one and one beyond the copies, against a database where init_once has a copy in fs/inode.c (1) and in
/// fs/dcache.c (2). Choosing a copy gives the `.old_sympos` edit, shown and saved with the snippet.
@Suite struct PatchedFunctionScreenTests {
    static let database = """
        klp-convert-symbol-data.0.1 order=kallsyms
        *vmlinux
        -fs/inode.c
        init_once
        inode_use
        -fs/dcache.c
        init_once
        dcache_use
        -kernel/livepatch/core.c
        klp_enable_patch
        __ksymtab_klp_enable_patch

        """
    static let livepatch = """
        struct module { char opaque[64]; };
        struct module __this_module __attribute__((section(".gnu.linkonce.this_module")));
        struct klp_func { const char *old_name; void *new_func; unsigned long old_sympos; void *k[12]; };
        struct klp_object { const char *name; struct klp_func *funcs; void *callbacks[5]; void *k[12]; };
        struct klp_patch { struct module *mod; struct klp_object *objs; void *states; _Bool replace; void *k[9]; };
        extern int klp_enable_patch(struct klp_patch *);
        static void livepatch_init_once(void *p) { (void)p; }
        static void *livepatch_inode_use(void) { return 0; }
        static struct klp_func funcs[] = {
            { .old_name = "inode_use", .new_func = livepatch_inode_use },
            { .old_name = "init_once", .new_func = livepatch_init_once },
            { .old_name = "init_once", .new_func = livepatch_init_once, .old_sympos = 5 },
            { }
        };
        static struct klp_object objs[] = { { .funcs = funcs }, { } };
        static struct klp_patch patch = { .mod = &__this_module, .objs = objs };
        int livepatch_init(void) { return klp_enable_patch(&patch); }

        """

    static func files(_ label: String) throws -> (dir: String, database: String, patch: String) {
        let dir = try TemporaryDirectory.make("functions-\(label)")
        try database.write(toFile: "\(dir)/symbols.klp", atomically: true, encoding: .utf8)
        let patch = try CObject.build([("livepatch", livepatch)], in: dir)
        return (dir, "\(dir)/symbols.klp", patch)
    }

    let size = Size(rows: 40, columns: 120)

    func open(_ label: String) throws -> (Reducer, AppState) {
        let f = try Self.files(label)
        let workspace = try Workspace.load(database: f.database, object: f.patch, output: "\(f.dir)/out.ko")
        let reducer = Reducer(workspace: workspace)
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.showFunctions))
        return (reducer, state)
    }

    @Test func fListsEveryEntryWithItsVerdictPlaceAndCopies() throws {
        let (reducer, state) = try open("list")
        #expect(state.screen == .functions)
        #expect(state.plan.patchedFunctions.map(\.verdict) == [.ok, .ambiguous, .invalid])
        // The cursor starts on the first entry the kernel would refuse.
        #expect(state.functionList.cursor == 1)
        let text = Renderer(workspace: reducer.workspace).render(state).text
        #expect(text.contains("Patched functions (3 klp_func)"))
        #expect(text.contains("▸ AMBIG!   init_once"), "\(text)")
        #expect(text.contains("INVALID! init_once"))
        #expect(text.contains("funcs[1] of objs[0] (vmlinux)"))
        #expect(text.contains("» fs/inode.c"))
        #expect(text.contains("2 klp_func to fix (t)"))
        #expect(text.contains("suggest  » this copy: same file as patched inode_use:"))  // wrapped at the panel width
    }

    @Test func choosingACopyGivesTheOldSymposEditShownAndSavedWithTheSnippet() throws {
        var (reducer, state) = try open("choose")
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.functionCopiesFocused)
        _ = reducer.reduce(&state, .command(.moveDown))
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.functionChoices == [1: 2])
        #expect(state.message?.text.contains("init_once in funcs[1] of objs[0] (vmlinux): .old_sympos = 2") == true)
        let edit =
            "/* funcs[1] of objs[0] (vmlinux): the klp_func with .old_name = \"init_once\" "
            + "(currently .old_sympos = 0) */\n\t.old_sympos = 2,\t/* fs/dcache.c */\n"
        let snippet = reducer.snippetText(state)
        #expect(snippet.contains(edit), "\(snippet)")
        #expect(
            snippet.contains("/* old_sympos still to decide: init_once in funcs[2] of objs[0] (vmlinux), invalid */"))
        // The binary is not changed: the patch must be edited and rebuilt, so writing stays refused.
        #expect(state.plan.hasErrors)
        let screen = Renderer(workspace: reducer.workspace).render(state).text
        #expect(screen.contains("edit funcs[1] of objs[0] (vmlinux): .old_sympos = 2,"), "\(screen)")

        // w on this screen saves the snippet with the edit.
        _ = reducer.reduce(&state, .command(.saveSnippet))
        let effects = reducer.reduce(&state, .submitInput)
        guard case .saveSnippet(_, let text, _) = effects.first else {
            Issue.record("no save effect: \(effects)")
            return
        }
        #expect(text.contains(edit))
    }

    @Test func aAcceptsTheSuggestedCopyAndXForgetsIt() throws {
        var (reducer, state) = try open("accept")
        _ = reducer.reduce(&state, .command(.acceptSuggestion))
        #expect(state.functionChoices == [1: 1])
        #expect(state.message?.text.contains("suggested: same file as patched inode_use: fs/inode.c") == true)
        _ = reducer.reduce(&state, .command(.clearChoice))
        #expect(state.functionChoices.isEmpty)
        // The entry beyond the copies has no suggestion of its own kind either way: it is fixed by a choice.
        _ = reducer.reduce(&state, .command(.moveDown))
        _ = reducer.reduce(&state, .command(.select))
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.functionChoices == [2: 1])
    }

    @Test func fIsBoundEverywhereAndEscReturns() throws {
        var (reducer, state) = try open("keys")
        guard case .command(.showFunctions) = Keymap.standard.action(for: .character("t"), in: state) else {
            Issue.record("f is not bound to the functions screen")
            return
        }
        _ = reducer.reduce(&state, .command(.select))
        _ = reducer.reduce(&state, .command(.back))
        #expect(state.screen == .functions && !state.functionCopiesFocused)
        _ = reducer.reduce(&state, .command(.back))
        #expect(state.screen == .overview)
    }
}

/// The same through the real binary in tmux: t, pick the fs/dcache.c copy, and the edit printed on exit.
@Suite(.serialized) struct PatchedFunctionTmuxTests {
    @Test func pickACopyOfAPatchedFunctionInTmux() throws {
        let f = try PatchedFunctionScreenTests.files("tmux")
        let tmux = try TmuxSession.tui("symbols.klp \(f.patch) --print-snippet", in: f.dir)
        defer { tmux.kill() }
        _ = try tmux.waitFor("2 klp_func to fix (t)")
        try tmux.keys("t")
        var screen = try tmux.waitFor("Patched functions (3 klp_func)")
        #expect(screen.contains("▸ AMBIG!   init_once"))
        try tmux.keys("Enter")
        _ = try tmux.waitFor("Pick the copy (2)")
        try tmux.keys("Down", "Enter")
        screen = try tmux.waitFor("edit funcs[1] of objs[0] (vmlinux): .old_sympos = 2,")
        #expect(screen.contains("(•)    2 fs/dcache.c"))
        try tmux.keys("q")
        #expect(try tmux.exitLine(in: f.dir) == "EXIT=0\n")
        let stdout = try String(contentsOfFile: "\(f.dir)/stdout.txt", encoding: .utf8)
        #expect(stdout.contains("\t.old_sympos = 2,\t/* fs/dcache.c */\n"), "\(stdout)")
    }
}
