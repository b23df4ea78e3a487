/// Splits a whole number in given proportions by the largest-remainder (Hamilton) method.
///
/// Each share first gets the whole part of its exact quota; the units left over go to the shares
/// with the largest fractional parts, earlier shares first on ties. The shares always sum to the
/// total, and a total equal to the sum of the weights gives back the weights themselves.
enum LargestRemainder {
    /// Shares of `total` proportional to `weights`, in the order of `weights`.
    ///
    /// - Parameters:
    ///   - total: The number to split, zero or more.
    ///   - weights: Non-negative weights with a positive sum.
    /// - Returns: One share per weight, summing to `total`.
    static func apportion(_ total: Int, weights: [Int]) -> [Int] {
        precondition(total >= 0, "total must not be negative")
        precondition(weights.allSatisfy { $0 >= 0 }, "weights must not be negative")
        let sum = weights.reduce(0, +)
        precondition(sum > 0, "weights must not all be zero")
        var shares: [Int] = []
        var remainders: [Int] = []
        for weight in weights {
            // A full-width product, so that no total can overflow the quota.
            let (quotient, remainder) = sum.dividingFullWidth(total.multipliedFullWidth(by: weight))
            shares.append(quotient)
            remainders.append(remainder)
        }
        let leftover = total - shares.reduce(0, +)
        let order = weights.indices.sorted {
            remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1
        }
        for index in order.prefix(leftover) { shares[index] += 1 }
        return shares
    }
}
