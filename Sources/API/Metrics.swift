import Foundation
import Synchronization

/// Counters the server exposes at `/metrics` in the Prometheus text format.
///
/// Every label value is escaped as the text format requires (backslash, double quote, newline), and the method
/// label takes only the standard methods: any other becomes `OTHER`, so a client that invents methods adds one
/// series, not one per method. Routes are a fixed set of names.
public final class Metrics: Sendable {
    private struct State {
        var requests: [String: Int] = [:]
        var bytes = 0
        var durationSum = 0.0
        var durationBuckets = [Int](repeating: 0, count: Metrics.buckets.count)
        var durationCount = 0
    }

    static let buckets: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]

    /// The methods counted under their own name (RFC 9110, section 9, and PATCH).
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
    private let state = Mutex(State())

    public init() {}

    /// Records one answered request.
    func record(route: String, method: String, status: Int, bytes: Int, seconds: Double) {
        state.withLock { state in
            let method = Self.knownMethods.contains(method) ? method : "OTHER"
            let labels = [Self.label("route", route), Self.label("method", method), Self.label("status", String(status))]
            state.requests[labels.joined(separator: ","), default: 0] += 1
            state.bytes += bytes
            state.durationSum += seconds
            state.durationCount += 1
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { state.durationBuckets[index] += 1 }
        }
    }

    /// The exposition text, followed by `gauges` (name → value, with their help text).
    func render(gauges: [(name: String, help: String, labels: String, value: Double)]) -> String {
        let snapshot = state.withLock { $0 }
        var text = "# HELP kechuang_http_requests_total HTTP requests answered, by route, method and status.\n"
        text += "# TYPE kechuang_http_requests_total counter\n"
        for (labels, count) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            text += "kechuang_http_requests_total{\(labels)} \(count)\n"
        }
        text += "# HELP kechuang_http_response_bytes_total Bytes of response bodies sent.\n# TYPE kechuang_http_response_bytes_total counter\n"
        text += "kechuang_http_response_bytes_total \(snapshot.bytes)\n"
        text += "# HELP kechuang_http_request_duration_seconds Time to answer a request.\n# TYPE kechuang_http_request_duration_seconds histogram\n"
        for (index, bound) in Self.buckets.enumerated() {
            text += "kechuang_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(snapshot.durationBuckets[index])\n"
        }
        text += "kechuang_http_request_duration_seconds_bucket{le=\"+Inf\"} \(snapshot.durationCount)\n"
        text += "kechuang_http_request_duration_seconds_sum \(snapshot.durationSum)\n"
        text += "kechuang_http_request_duration_seconds_count \(snapshot.durationCount)\n"
        var described: Set<String> = []
        for gauge in gauges {
            if described.insert(gauge.name).inserted {
                text += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            }
            text += "\(gauge.name)\(gauge.labels.isEmpty ? "" : "{\(gauge.labels)}") \(gauge.value)\n"
        }
        return text
    }

    /// `name="value"`, with the value escaped for the text format: `\` as `\\`, `"` as `\"`, a newline as `\n`.
    static func label(_ name: String, _ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "\(name)=\"\(escaped)\""
    }
}
