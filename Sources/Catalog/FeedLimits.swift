/// Every size limit of a kechuang-feed/1 feed (protocols/feed.md §3), derived here and nowhere
/// else: the feed reader, the sync, the merge, the publisher and the admin API all take theirs
/// from this type, so that what a node publishes its peers can read.
///
/// Readers accept every line and file within the protocol's limits (`entryLine`, `bodyLine`,
/// `pageFile`, `bodyFile`); a publisher writes records of at most `recordLine` bytes, so that
/// each of its body files stays within `publishedBodyFile` (64 MiB), which readers that hold a
/// whole body file in memory (kechuang 0.1) accept too.
public enum FeedLimits {
    /// Entries per page (a power of two; pages are subtrees of the Merkle tree).
    public static let pageSize = 256

    /// The longest entry line a reader accepts, in bytes, without its line feed: 64 KiB.
    public static let entryLine = 64 << 10

    /// The longest body line a reader accepts, in bytes, without its line feed: 1 MiB.
    public static let bodyLine = 1 << 20

    /// The largest page file a reader accepts: a full page of the longest entry lines, each with
    /// its line feed (16,777,472 bytes).
    public static let pageFile = pageSize * (entryLine + 1)

    /// The largest body file a reader accepts: a full page of the longest body lines, each with
    /// its line feed (268,435,712 bytes). Readers read it line by line, never whole.
    public static let bodyFile = pageSize * (bodyLine + 1)

    /// The largest body file a kechuang publisher makes: 64 MiB (67,108,864 bytes).
    public static let publishedBodyFile = 64 << 20

    /// The longest stored body line (the JCS bytes of a record as published) a publisher writes:
    /// 262,143 bytes, so that a full page of them with their line feeds is `publishedBodyFile`.
    public static let recordLine = publishedBodyFile / pageSize - 1
}
