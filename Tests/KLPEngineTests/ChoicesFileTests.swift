import Foundation
import KLPEngine
import Testing

@Suite struct ChoicesFileTests {
    @Test func roundTripsSortedWithComments() throws {
        let choices = [
            "s_start": SymbolTarget(object: "vmlinux", position: 2),
            "init_once": SymbolTarget(object: "nfs", position: 0),
        ]
        let text = ChoicesFile.text(choices)
        #expect(text == ChoicesFile.header + "\ninit_once nfs 0\ns_start vmlinux 2\n")
        #expect(try ChoicesFile.parse(text, path: "c") == choices)
        #expect(
            try ChoicesFile.parse("  # note\n\nfoo my-mod 1  # dash normalised\n", path: "c") == [
                "foo": SymbolTarget(object: "my_mod", position: 1)
            ])
    }

    @Test(arguments: [
        ("foo vmlinux\n", "c:1: expected '<symbol> <object> <position>', found 2 field(s)"),
        ("\nfoo vmlinux -1\n", "c:2: position '-1' is not a number from 0 to 4294967295"),
        ("foo vmlinux x\n", "c:1: position 'x' is not a number from 0 to 4294967295"),
        ("foo vmlinux 1\nfoo vmlinux 2\n", "c:2: foo is chosen twice: vmlinux,1 and vmlinux,2"),
    ])
    func badLinesNameTheirLine(text: String, message: String) {
        #expect(throws: ChoicesFileError.self) { try ChoicesFile.parse(text, path: "c") }
        do {
            _ = try ChoicesFile.parse(text, path: "c")
        } catch {
            #expect(error.description == message)
        }
    }
}
