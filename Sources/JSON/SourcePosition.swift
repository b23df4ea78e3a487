/// A position in source text: byte offset plus 1-based line and column.
///
/// Used both for error reporting and as the origin of a sub-range (a stream element), so that errors
/// inside the sub-range can be reported in coordinates of the whole file.
struct SourcePosition: Sendable, Hashable {
    var offset: Int
    var line: Int
    var column: Int

    static let start = SourcePosition(offset: 0, line: 1, column: 1)

    /// Advances this position over `bytes`, counting LF as a line break and scalars as columns.
    mutating func advance(over bytes: UnsafeBufferPointer<UInt8>) {
        offset += bytes.count
        var lastNewline = -1
        var index = bytes.count - 1
        // Scan backwards for the last LF: the column only depends on the bytes after it.
        while index >= 0 {
            if bytes[index] == 0x0A {
                lastNewline = index
                break
            }
            index -= 1
        }
        if lastNewline >= 0 {
            var newlines = 0
            for byte in bytes[...lastNewline] where byte == 0x0A {
                newlines += 1
            }
            line += newlines
            column = 1
        }
        for byte in bytes[(lastNewline + 1)...] where byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// The position of byte `offset` of `buffer`, given that the buffer starts at `origin`.
    static func of(_ offset: Int, in buffer: UnsafeBufferPointer<UInt8>, origin: SourcePosition) -> SourcePosition {
        var position = origin
        let end = min(max(offset, 0), buffer.count)
        position.advance(over: UnsafeBufferPointer(rebasing: buffer[..<end]))
        return position
    }
}
