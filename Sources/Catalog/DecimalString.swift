/// Checks and compares decimal strings, the only form money takes in the data model.
///
/// Money is never a floating-point number: `"1500000.00"` is exact everywhere and canonical JSON
/// keeps it byte for byte. Amounts have at most 18 integer digits and 4 fraction digits, no sign,
/// no leading zeros, no exponent.
public enum DecimalString {
    /// True for an unsigned amount such as `0`, `12`, `1500000.00`.
    public static func isValidAmount(_ text: String) -> Bool { parse(text, allowSign: false) != nil }

    /// True for a signed quantity such as a target value `-40` or `0.05`.
    public static func isValidQuantity(_ text: String) -> Bool { parse(text, allowSign: true) != nil }

    /// Compares two valid unsigned amounts numerically.
    public static func compare(_ lhs: String, _ rhs: String) -> Int {
        guard let left = parse(lhs, allowSign: false), let right = parse(rhs, allowSign: false) else {
            return lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
        }
        if left.integer.count != right.integer.count { return left.integer.count < right.integer.count ? -1 : 1 }
        if left.integer != right.integer { return left.integer < right.integer ? -1 : 1 }
        let width = max(left.fraction.count, right.fraction.count)
        let leftFraction = left.fraction.padding(toLength: width), rightFraction = right.fraction.padding(toLength: width)
        if leftFraction == rightFraction { return 0 }
        return leftFraction < rightFraction ? -1 : 1
    }

    private static func parse(_ text: String, allowSign: Bool) -> (integer: String, fraction: String)? {
        var body = Substring(text)
        if allowSign, body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts[0]
        guard (1...18).contains(integer.count), integer.allSatisfy(\.isASCIIDigit) else { return nil }
        if integer.count > 1, integer.first == "0" { return nil }
        var fraction = Substring("")
        if parts.count == 2 {
            fraction = parts[1]
            guard (1...4).contains(fraction.count), fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        return (String(integer), String(fraction))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: "0", count: length - count)
    }
}
