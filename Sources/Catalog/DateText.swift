public import Foundation

/// The two date forms of the data model: RFC 3339 full dates (`2027-12-31`) for validity and
/// deadlines, and RFC 3339 UTC timestamps (`2026-11-26T21:31:38Z`) for what the node records.
public enum DateText {
    /// True for a real calendar date written `YYYY-MM-DD`.
    public static func isValidDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        // Digits only: `Int("+6")` would read a signed part.
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// True for a UTC timestamp written `YYYY-MM-DDTHH:MM:SSZ`.
    public static func isValidTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let digits = [11, 12, 14, 15, 17, 18]
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[19] == UInt8(ascii: "Z"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            digits.allSatisfy({ bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }),
            isValidDate(String(decoding: bytes[0..<10], as: UTF8.self)),
            let hour = Int(String(decoding: bytes[11..<13], as: UTF8.self)),
            let minute = Int(String(decoding: bytes[14..<16], as: UTF8.self)),
            let second = Int(String(decoding: bytes[17..<19], as: UTF8.self))
        else { return false }
        return hour < 24 && minute < 60 && second < 60
    }

    /// Formats a moment as `YYYY-MM-DDTHH:MM:SSZ`.
    public static func timestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, rest) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let adjustedDays = rest < 0 ? days - 1 : days
        let secondOfDay = rest < 0 ? rest + 86_400 : rest
        return civilDate(daysSinceEpoch: adjustedDays)
            + String(format: "T%02d:%02d:%02dZ", secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    /// Formats the UTC day of a moment as `YYYY-MM-DD`.
    public static func date(_ date: Date) -> String { String(timestamp(date).prefix(10)) }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ` into a moment.
    public static func parseTimestamp(_ text: String) -> Date? {
        guard isValidTimestamp(text) else { return nil }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int { Int(String(decoding: bytes[range], as: UTF8.self))! }
        let days = daysSinceEpoch(year: number(0..<4), month: number(5..<7), day: number(8..<10))
        let seconds = days * 86_400 + number(11..<13) * 3600 + number(14..<16) * 60 + number(17..<19)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Adds `days` to a `YYYY-MM-DD` date.
    public static func adding(days: Int, to text: String) -> String? {
        guard isValidDate(text) else { return nil }
        let parts = text.split(separator: "-").map { Int($0)! }
        return civilDate(daysSinceEpoch: daysSinceEpoch(year: parts[0], month: parts[1], day: parts[2]) + days)
    }

    // Howard Hinnant's days-from-civil and civil-from-days algorithms: exact for the proleptic
    // Gregorian calendar without any calendar object or time zone database.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(daysSinceEpoch days: Int) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
