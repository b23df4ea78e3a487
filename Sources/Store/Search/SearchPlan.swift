/// An index that yields the rowids of candidate records, newest rowid first.
enum SearchStream: Int, Hashable, CaseIterable, Comparable {
    /// `records_fts` (trigrams): the terms of three or more characters.
    case trigram
    /// `records_grams` (SearchGrams): the two-character terms of letters or digits.
    case grams
    /// `records_chars` (SearchGrams.characters): the one-character terms of a letter or digit.
    case characters
    /// `records_tags` (SearchTags): the filters.
    case tags

    static func < (lhs: SearchStream, rhs: SearchStream) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How much work one page of search may do. The defaults hold a page to a few tens of
/// milliseconds on a million records; tests lower them to reach every path on a small catalog.
struct SearchLimits: Sendable, Hashable {
    /// A stream with at most this many rows is read whole (rowids only, from the index) and
    /// intersected with the other small streams; a larger one is only ever walked.
    var readable = 20_000
    /// Candidate rows tested from the newest down for the counts: when the candidates run out
    /// within it, total and facets are exact, else they are estimated from these rows. It is also
    /// the size of one relevance window.
    var sample = 2_000
    /// Further rows a page may test: relevance windows after the first, or an order walk.
    var pageRows = 6_000
    /// Index entries an order walk may step through when a read candidate list decides membership
    /// (a step that is not a candidate costs no row read).
    var pageSteps = 200_000
}

/// Which index drives a search: the decision of the planner, from how many rows each stream has
/// (counted from the index, up to `limits.readable + 1`).
///
/// The most selective side drives. Streams small enough to read are read, smallest first, and
/// intersected while the candidates outnumber one sample, so a rare filter with a common term,
/// or a rare term with a common filter, tests only the few rows both allow, and a stream with no
/// rows ends the search at once. When every stream is large (or there is none: only
/// one-character terms, or no terms and no filters), no list is read: the candidates are walked
/// from the index (or the table) newest first, which finds matches quickly because they are
/// dense. Every candidate is then tested against the whole request on its own row.
///
/// Only a term of one or two characters with punctuation has no index; on its own it walks the
/// table, a window at a time.
struct SearchPlan: Hashable {
    /// The streams to read whole and intersect, smallest first.
    var read: [SearchStream]
    /// The stream to walk when none is read; nil walks the table itself.
    var walk: SearchStream?

    init(read: [SearchStream], walk: SearchStream?) {
        self.read = read
        self.walk = walk
    }

    init(counts: [SearchStream: Int], limits: SearchLimits) {
        let ranked = counts.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }
        read = ranked.filter { $0.value <= limits.readable }.map(\.key)
        // All large: walk the stream most likely to be selective (terms before filters).
        walk = read.isEmpty ? counts.keys.min() : nil
    }
}
