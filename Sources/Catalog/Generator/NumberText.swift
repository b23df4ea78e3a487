/// Number formatting for generated records, without Foundation's `String(format:)`.
///
/// The generator produces millions of records for benchmarks; building digits directly keeps each
/// record to a few microseconds, and keeps the output independent of any locale.
enum NumberText {
    /// `value` in decimal, left-padded with zeros to `width` digits (longer values are kept whole).
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        let missing = width - digits.utf8.count
        return missing > 0 ? String(repeating: "0", count: missing) + digits : digits
    }

    /// A decimal string for `scaled / 10^decimals`, e.g. `(9995, 2)` → `"99.95"`, `(-40, 0)` → `"-40"`.
    static func decimal(_ scaled: Int, decimals: Int) -> String {
        guard decimals > 0 else { return String(scaled) }
        var unit = 1
        for _ in 0..<decimals { unit *= 10 }
        let magnitude = scaled.magnitude
        let whole = String(magnitude / UInt(unit))
        let fraction = padded(Int(magnitude % UInt(unit)), width: decimals)
        return (scaled < 0 ? "-" : "") + whole + "." + fraction
    }

    /// An amount in yuan as a decimal string, from a whole number of 万元 (ten thousand yuan):
    /// `50` → `"500000.00"`.
    static func yuan(wan: Int) -> String { String(wan) + "0000.00" }

    /// A calendar date `YYYY-MM-DD`; the day must exist in that month.
    static func date(year: Int, month: Int, day: Int) -> String {
        padded(year, width: 4) + "-" + padded(month, width: 2) + "-" + padded(day, width: 2)
    }

    /// The number of days in a month of the Gregorian calendar.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `count` random decimal digits (leading zeros allowed).
    static func randomDigits(_ count: Int, _ random: inout SplitMix64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(UInt8(ascii: "0") + UInt8(random.below(10))) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
