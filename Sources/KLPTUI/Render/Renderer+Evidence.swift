import KLPEngine

// The detail panel while the candidate picker has the focus: what symbols.klp knows about the highlighted copy
// (issue 12) and, when the patch's own tables point at one copy, the suggestion and its reason.

extension Renderer {
    func drawCandidateDetails(
        _ screen: inout ScreenBuffer, _ rect: Rect, _ symbol: PlannedSymbol,
        _ candidate: DatabaseCandidate
    ) {
        drawCopyDetails(
            &screen, rect, title: "\(symbol.name): \(candidate.object),\(candidate.position)", candidate,
            copy: workspace.evidence.copy(of: symbol.name, candidate),
            suggestion: workspace.evidence.suggestion(for: symbol.name), hasEvidence: workspace.evidence.hasAny)
    }

    /// The evidence of one copy (a relocation's candidate or a patched function's copy) and the suggestion among
    /// its copies, as label/value lines.
    func drawCopyDetails(
        _ screen: inout ScreenBuffer, _ rect: Rect, title: String, _ candidate: DatabaseCandidate,
        copy: CopyEvidence?, suggestion: CopyEvidence?, hasEvidence: Bool
    ) {
        screen.frame(rect, title: title, focused: false)
        let inner = rect.inner
        let evidence = copy?.evidence ?? SymbolEvidence()
        var lines: [(String, String, Style)] = []
        let rank =
            candidate.copiesInObject > 1
            ? "\(candidate.position) of \(candidate.copiesInObject) in \(candidate.object)"
            : "unique in \(candidate.object) (position 0)"
        lines.append(("copy", rank, .normal))
        lines.append(
            ("source", EvidenceText.place(candidate, evidence) ?? "unknown", candidate.file == nil ? .dim : .normal))
        lines.append(("address", evidence.addressText ?? "unknown", evidence.address == nil ? .dim : .normal))
        if workspace.database.order == .kallsyms {
            lines.append(
                (
                    "before",
                    evidence.before.isEmpty
                        ? "(start of \(candidate.object))" : evidence.before.joined(separator: ", "), .normal
                ))
            lines.append(
                (
                    "after",
                    evidence.after.isEmpty ? "(end of \(candidate.object))" : evidence.after.joined(separator: ", "),
                    .normal
                ))
        }
        if let copy, copy.suggested {
            lines.append(("suggest", "» this copy: \(copy.reason ?? "")  (a\u{00A0}accepts)", .good))
        } else if let other = suggestion {
            lines.append(
                ("suggest", "\(other.candidate.object),\(other.candidate.position): \(other.reason ?? "")", .dim))
        } else if copy?.targeted == false {
            lines.append(("suggest", "the patch's klp_objects do not name \(candidate.object)", .dim))
        }
        if let problem = workspace.evidence.problem {
            lines.append(("note", problem, .warning))
        } else if !hasEvidence {
            lines.append(("note", CandidateEvidence.noEvidenceHint, .warning))
        }
        let labelWidth = 8
        var row = inner.row
        for line in lines where row < inner.row + inner.rows {
            // Long values (neighbours, the hint) wrap under their label.
            let width = max(1, inner.columns - labelWidth - 3)
            // A path longer than a line is cut into pieces rather than clipped (nothing important cut).
            for (k, part) in Self.wrap(line.1, width: width, breakingLongWords: true).enumerated()
            where row < inner.row + inner.rows {
                if k == 0 { screen.put(line.0, row: row, column: inner.column + 1, limit: labelWidth, style: .header) }
                screen.put(part, row: row, column: inner.column + 2 + labelWidth, limit: width, style: line.2)
                row += 1
            }
        }
    }

    /// The file column of the picker: path:line when known, "»" in front of the suggested copy.
    func candidateFileText(_ symbol: PlannedSymbol, _ candidate: DatabaseCandidate) -> String {
        Self.placeText(workspace.evidence.copy(of: symbol.name, candidate), candidate)
    }

    /// A copy's place (path:line when known, else the database's file, else "–"), "»" in front of the
    /// suggested copy: the picker's file column and the functions screen's copy list.
    static func placeText(_ copy: CopyEvidence?, _ candidate: DatabaseCandidate) -> String {
        let place = copy?.place ?? candidate.file ?? "–"
        return copy?.suggested == true ? "» " + place : place
    }
}
