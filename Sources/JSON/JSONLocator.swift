/// Finds where a value sits in JSON source text, for error messages that point at a line.
///
/// Parsed `JSONValue`s do not remember positions (that would slow down every parse for the rare
/// error), so when validation of a record fails the caller re-walks the record's source bytes here.
/// Clarity is preferred over speed: this only runs while reporting errors.
public enum JSONLocator {
    /// Returns the line on which the value at `path` begins in `bytes`, or `nil` if there is no such value.
    ///
    /// `bytes` holds one JSON value (typically `JSONArrayStreamReader.Element.bytes`) whose first byte
    /// is on line `firstLine`. For a path ending in a key, the line of the key is returned, since that
    /// is what a reader looks for; for a path ending in an index, the line of the element itself.
    /// The empty path denotes the whole value. Keys match by Swift `String` equality, exactly like
    /// `JSONValue`'s subscript. Malformed input yields `nil` rather than a guess.
    public static func line(of path: [JSONPathComponent], in bytes: [UInt8], firstLine: Int) -> Int? {
        var cursor = Cursor(bytes: bytes)
        cursor.skipWhitespace()
        for (depth, component) in path.enumerated() {
            let isLast = depth == path.count - 1
            switch component {
            case .key(let name):
                guard let keyOffset = cursor.enterMember(named: name) else {
                    return nil
                }
                if isLast {
                    return firstLine + cursor.newlines(before: keyOffset)
                }
            case .index(let index):
                guard cursor.enterElement(at: index) else {
                    return nil
                }
            }
        }
        guard cursor.index < bytes.count else {
            return nil
        }
        return firstLine + cursor.newlines(before: cursor.index)
    }

    /// A read position in `bytes` with just enough JSON knowledge to skip values.
    private struct Cursor {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        var current: UInt8? {
            index < bytes.count ? bytes[index] : nil
        }

        func newlines(before offset: Int) -> Int {
            bytes[..<min(offset, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                index += 1
            }
        }

        /// Consumes `byte` (after optional whitespace) or returns `false`.
        mutating func expect(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard current == byte else {
                return false
            }
            index += 1
            skipWhitespace()
            return true
        }

        /// Moves from an object to the value of member `name`; returns the offset of its key.
        mutating func enterMember(named name: String) -> Int? {
            guard expect(UInt8(ascii: "{")) else {
                return nil
            }
            while current == UInt8(ascii: "\"") {
                let keyOffset = index
                guard skipString(),
                      case .string(let key)? = try? JSONParser.parse(bytes[keyOffset..<index]),
                      expect(UInt8(ascii: ":"))
                else {
                    return nil
                }
                if key == name {
                    return keyOffset
                }
                guard skipValue(), expect(UInt8(ascii: ",")) else {
                    return nil
                }
            }
            return nil
        }

        /// Moves from an array to its element at `position`.
        mutating func enterElement(at position: Int) -> Bool {
            guard position >= 0, expect(UInt8(ascii: "[")), current != UInt8(ascii: "]") else {
                return false
            }
            for _ in 0..<position {
                guard skipValue(), expect(UInt8(ascii: ",")) else {
                    return false
                }
            }
            return current != nil
        }

        /// Skips a string literal starting at its opening quote.
        mutating func skipString() -> Bool {
            index += 1
            while let byte = current {
                index += 1
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    return true
                }
            }
            return false
        }

        /// Skips one value of any kind.
        mutating func skipValue() -> Bool {
            skipWhitespace()
            guard let first = current else {
                return false
            }
            switch first {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                var depth = 0
                while let byte = current {
                    switch byte {
                    case UInt8(ascii: "\""):
                        guard skipString() else {
                            return false
                        }
                        continue
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        depth += 1
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        depth -= 1
                    default:
                        break
                    }
                    index += 1
                    if depth == 0 {
                        return true
                    }
                }
                return false
            default:
                // A number or literal runs until the next structural character or whitespace.
                let start = index
                while let byte = current {
                    switch byte {
                    case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x0A, 0x0D, 0x09:
                        return index > start
                    default:
                        index += 1
                    }
                }
                return index > start
            }
        }
    }
}
