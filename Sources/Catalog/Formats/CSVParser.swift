/// An RFC 4180 CSV reader over UTF-8 bytes that remembers the line on which each row starts.
///
/// Fields may be quoted with `"`, with `""` for a literal quote; quoted fields may span lines.
/// Rows end with LF or CRLF. A row that is empty (a blank line) is skipped.
public struct CSVParser: Sendable {
    /// One row: its fields and the 1-based line on which it starts.
    public struct Row: Sendable, Hashable {
        public var fields: [String]
        public var line: Int
    }

    /// A malformed CSV input.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    fileprivate static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n")
    fileprivate static let cr = UInt8(ascii: "\r")

    /// Splits `bytes` into rows.
    ///
    /// - Throws: `CSVParser.Error` for an unterminated quoted field or text after a closing quote.
    public static func rows(_ bytes: [UInt8]) throws(CSVParser.Error) -> [Row] {
        var reader = RowReader(bytes)
        var rows: [Row] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    /// Reads `bytes` one row at a time, so that a large input never holds more than one row's
    /// fields (an import of millions of rows costs the input's bytes, not its rows' strings).
    public struct RowReader: Sendable {
        private let bytes: [UInt8]
        private var index = 0
        private var line = 1

        public init(_ bytes: [UInt8]) { self.bytes = bytes }

        /// The bytes read so far (for a progress estimate).
        public var offset: Int { index }

        /// The next non-empty row, or nil at the end.
        ///
        /// - Throws: `CSVParser.Error` for an unterminated quoted field or text after a closing quote.
        public mutating func next() throws(CSVParser.Error) -> Row? {
            while index < bytes.count {
                if let row = try readRow(), !(row.fields.count == 1 && row.fields[0].isEmpty) { return row }
            }
            return nil
        }

        /// One row from `index` to the end of its line (a blank line gives one empty field).
        private mutating func readRow() throws(CSVParser.Error) -> Row? {
            var fields: [String] = []
            var field: [UInt8] = []
            var inQuotes = false
            var quotedFieldEnded = false
            let rowLine = line
            let count = bytes.count

            func endField() {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                quotedFieldEnded = false
            }

            while index < count {
                let byte = bytes[index]
                if inQuotes {
                    if byte == quote {
                        if index + 1 < count, bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        inQuotes = false
                        quotedFieldEnded = true
                    } else {
                        if byte == lf { line += 1 }
                        field.append(byte)
                    }
                    index += 1
                    continue
                }
                switch byte {
                case quote:
                    guard field.isEmpty, !quotedFieldEnded else {
                        throw Error(line: line, problem: "a quote inside an unquoted field (quote the whole field and double the quote)")
                    }
                    inQuotes = true
                case comma:
                    endField()
                case cr where index + 1 < count && bytes[index + 1] == lf:
                    break
                case lf:
                    endField()
                    index += 1
                    line += 1
                    return Row(fields: fields, line: rowLine)
                default:
                    if quotedFieldEnded {
                        throw Error(line: line, problem: "text after a closing quote")
                    }
                    field.append(byte)
                }
                index += 1
            }
            if inQuotes {
                throw Error(line: rowLine, problem: "a quoted field is not closed")
            }
            guard !field.isEmpty || !fields.isEmpty || quotedFieldEnded else { return nil }
            endField()
            return Row(fields: fields, line: rowLine)
        }
    }

    /// Writes one CSV row, quoting fields that need it, ending with CRLF-free `\n`.
    public static func format(_ fields: [String]) -> String {
        fields.map { field in
            let needsQuotes = field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                || field.first?.isWhitespace == true || field.last?.isWhitespace == true
            return needsQuotes ? "\"" + field.replacingAll("\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
