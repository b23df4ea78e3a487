/// A file (or uploaded bytes) to import, with its format and text encoding.
public struct ImportSource: Sendable {
    /// The file formats an import reads.
    public enum Format: String, Sendable, CaseIterable {
        /// A JSON array of records.
        case json
        /// CSV with a header row (columns in `protocols/README.md`).
        case csv
    }

    /// Text encodings an import reads.
    public enum Encoding: String, Sendable, CaseIterable {
        /// UTF-8 when the bytes are valid UTF-8, otherwise GB18030.
        case auto
        /// UTF-8, with or without a byte-order mark.
        case utf8 = "utf-8"
        /// GB18030 (and therefore GBK and GB2312), as Chinese spreadsheet software writes.
        case gb18030
    }

    enum Content: Sendable {
        case file(path: String)
        case bytes([UInt8])
    }

    /// The name used in error messages (`FILE:LINE: …`).
    public let name: String
    let content: Content
    /// The format; nil to decide from the file name or the first character.
    public let format: Format?
    public let encoding: Encoding

    /// A file on disk. Large UTF-8 JSON files are streamed, never loaded whole.
    public static func file(_ path: String, format: Format? = nil, encoding: Encoding = .auto) -> ImportSource {
        ImportSource(name: path, content: .file(path: path), format: format, encoding: encoding)
    }

    /// Bytes received some other way (an HTTP upload), named `name` in messages.
    public static func bytes(_ bytes: [UInt8], name: String, format: Format? = nil, encoding: Encoding = .auto) -> ImportSource {
        ImportSource(name: name, content: .bytes(bytes), format: format, encoding: encoding)
    }
}

/// What an import did.
public struct ImportReport: Sendable, Hashable {
    /// Records read from the file.
    public var total: Int = 0
    /// New records, and records re-created after deletion.
    public var created: Int = 0
    /// Records whose content changed (version + 1).
    public var updated: Int = 0
    /// Records equal to what the store holds (no-ops).
    public var unchanged: Int = 0

    public init() {}
}
