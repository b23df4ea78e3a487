/// The project's domain lexicon, embedded so that the installed binary needs no data file.
///
/// Format: protocols/matching.md ("The lexicon"); the same parser reads `--lexicon FILE`.
public enum DomainLexicon {
    public static let tsv = #"""
        # industry	terms (synonyms, |-separated)	related terms (|-separated)
        """#
}
