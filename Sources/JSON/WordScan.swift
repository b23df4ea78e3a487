/// Word-at-a-time (SWAR) byte tests used to skip uninteresting runs of string content quickly.
///
/// JSON strings only need attention at quotes, backslashes and control characters, all ASCII. UTF-8
/// continuation bytes are all >= 0x80, so testing eight bytes at once can never misfire inside a
/// multi-byte character, and Chinese text (three bytes per character) is skipped at full speed.
enum WordScan {
    /// Whether any byte of `word` is a quote, a backslash or below 0x20.
    @inline(__always)
    static func hasQuoteBackslashOrControl(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        // The classic "has zero byte" and "has byte less than n" tests; they are exact about whether
        // any byte matches, which is all that is needed before falling back to byte-wise inspection.
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl) & highBits != 0
    }

    /// Whether any of the eight bytes at `address` is a quote, a backslash or below 0x20.
    @inline(__always)
    static func hasQuoteBackslashOrControl(at address: UnsafePointer<UInt8>) -> Bool {
        hasQuoteBackslashOrControl(UnsafeRawPointer(address).loadUnaligned(as: UInt64.self))
    }
}
