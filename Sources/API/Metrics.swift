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
        /// Per route: the duration histogram's buckets, sum and count.
        var routes: [String: (buckets: [Int], sum: Double, count: Int)] = [:]
        var syncRuns: [String: Int] = [:]
        var syncDurationSum = 0.0
        var syncDurationCount = 0
        var syncDurationBuckets = [Int](repeating: 0, count: Metrics.syncBuckets.count)
        var applied: [String: Int] = [:]
        var verificationFailures: [String: Int] = [:]
    }

    static let syncBuckets: [Double] = [0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800]

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
            var perRoute = state.routes[route] ?? (buckets: [Int](repeating: 0, count: Self.buckets.count), sum: 0, count: 0)
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { perRoute.buckets[index] += 1 }
            perRoute.sum += seconds
            perRoute.count += 1
            state.routes[route] = perRoute
        }
    }

    /// Records one sync run of `serve`: how long it took, whether a peer failed, the entries
    /// applied per origin, and each verification failure by kind (`Metrics.failureKind`).
    public func recordSync(seconds: Double, failed: Bool, applied: [String: Int], failures: [String]) {
        state.withLock { state in
            state.syncRuns[failed ? "failed" : "ok", default: 0] += 1
            state.syncDurationSum += seconds
            state.syncDurationCount += 1
            for (index, bound) in Self.syncBuckets.enumerated() where seconds <= bound { state.syncDurationBuckets[index] += 1 }
            for (origin, count) in applied { state.applied[origin, default: 0] += count }
            for kind in failures { state.verificationFailures[kind, default: 0] += 1 }
        }
    }

    /// The kind of a failed origin's error, a fixed set: `fork`, `signature`, `key`, `merkle`,
    /// `body`, `limit`, `transport` (not a verification failure: the peer could not be read) or `other`.
    public static func failureKind(state: String, error: String?) -> String {
        if state == "fork" { return "fork" }
        let text = (error ?? "").lowercased()
        if text.contains("key statement") || text.contains("revoked") { return "key" }
        if text.contains("signature") { return "signature" }
        if text.contains("inclusion") || text.contains("consistency") || text.contains("root") || text.contains("merkle") { return "merkle" }
        if text.contains("body") || text.contains("hash") { return "body" }
        if text.contains("limit") || text.contains("too large") || text.contains("over ") { return "limit" }
        if text.contains("curl") || text.contains("http") || text.contains("connect") || text.contains("timed out") { return "transport" }
        return "other"
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
        text += Self.histogram("kechuang_http_request_duration_seconds", labels: "", bounds: Self.buckets, buckets: snapshot.durationBuckets, sum: snapshot.durationSum, count: snapshot.durationCount)
        text += "# HELP kechuang_http_route_duration_seconds Time to answer a request, by route.\n# TYPE kechuang_http_route_duration_seconds histogram\n"
        for (route, histogram) in snapshot.routes.sorted(by: { $0.key < $1.key }) {
            text += Self.histogram(
                "kechuang_http_route_duration_seconds", labels: Self.label("route", route), bounds: Self.buckets, buckets: histogram.buckets, sum: histogram.sum,
                count: histogram.count)
        }
        text += Self.counter("kechuang_sync_runs_total", help: "Periodic syncs of serve, by result (failed: a peer failed).", label: "result", snapshot.syncRuns)
        text += "# HELP kechuang_sync_duration_seconds Time of a periodic sync.\n# TYPE kechuang_sync_duration_seconds histogram\n"
        text += Self.histogram(
            "kechuang_sync_duration_seconds", labels: "", bounds: Self.syncBuckets, buckets: snapshot.syncDurationBuckets, sum: snapshot.syncDurationSum,
            count: snapshot.syncDurationCount)
        text += Self.counter("kechuang_sync_entries_applied_total", help: "Log entries applied by periodic syncs, by origin.", label: "origin", snapshot.applied)
        text += Self.counter(
            "kechuang_verification_failures_total", help: "Origins whose sync failed, by kind (fork, signature, key, merkle, body, limit, transport, other).",
            label: "kind", snapshot.verificationFailures)
        var described: Set<String> = []
        for gauge in gauges {
            if described.insert(gauge.name).inserted {
                text += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            }
            text += "\(gauge.name)\(gauge.labels.isEmpty ? "" : "{\(gauge.labels)}") \(gauge.value)\n"
        }
        return text
    }

    /// The lines of one histogram series (`labels` may be empty).
    static func histogram(_ name: String, labels: String, bounds: [Double], buckets: [Int], sum: Double, count: Int) -> String {
        let prefix = labels.isEmpty ? "" : labels + ","
        var text = ""
        for (index, bound) in bounds.enumerated() { text += "\(name)_bucket{\(prefix)le=\"\(bound)\"} \(buckets[index])\n" }
        text += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)\n"
        text += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(sum)\n"
        return text + "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(count)\n"
    }

    /// A counter with one label, its help and type first.
    static func counter(_ name: String, help: String, label: String, _ values: [String: Int]) -> String {
        var text = "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
        for (value, count) in values.sorted(by: { $0.key < $1.key }) { text += "\(name){\(Self.label(label, value))} \(count)\n" }
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
