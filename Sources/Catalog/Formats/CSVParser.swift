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

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Splits `bytes` into rows.
    ///
    /// - Throws: `CSVParser.Error` for an unterminated quoted field or text after a closing quote.
    public static func rows(_ bytes: [UInt8]) throws(CSVParser.Error) -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var rowLine = 1
        var index = 0
        var inQuotes = false
        var quotedFieldEnded = false
        let count = bytes.count

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedFieldEnded = false
        }
        func endRow() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                rows.append(Row(fields: fields, line: rowLine))
            }
            fields.removeAll(keepingCapacity: true)
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
                endRow()
                line += 1
                rowLine = line
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
        if !field.isEmpty || !fields.isEmpty || quotedFieldEnded {
            endRow()
        }
        return rows
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
