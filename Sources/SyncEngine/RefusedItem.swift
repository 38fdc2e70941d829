/// A pulled item the journal refuses for good — a value outside its kind's set, a broken
/// rule (R1 marks on grade 1, R3 a final mark «н/а»): kept (parked) with the reason, not
/// applied, tried again on every run (the journal may change: the class's grade corrected),
/// and reported once per item under `refused`. The cursor moves on and everything else of
/// the night flows; the run exits 65 (data a person must look at). docs/sync.md.
public enum RefusedItem {
    /// The reason such parked items carry first: the retry knows them by it.
    public static let marker = "the journal refuses it"
}
