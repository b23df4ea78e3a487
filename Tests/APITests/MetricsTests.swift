@testable import API
import Testing

/// The sync and latency series of `/metrics` (issue 15), as `Metrics` renders them.
@Suite struct MetricsTests {
    @Test func syncsAndFailuresAreCountedByKind() {
        let metrics = Metrics()
        metrics.recordSync(seconds: 2.5, failed: true, applied: ["chongqing": 7], failures: [
            Metrics.failureKind(state: "fork", error: "two checkpoints of size 9"),
            Metrics.failureKind(state: "error", error: "page 0: entry 3: signature does not verify"),
            Metrics.failureKind(state: "error", error: "inclusion proof of seq 4 does not lead to the root"),
        ])
        metrics.recordSync(seconds: 0.2, failed: false, applied: ["chongqing": 1], failures: [])
        metrics.record(route: "search", method: "GET", status: 200, bytes: 10, seconds: 0.004)
        let text = metrics.render(gauges: [])
        for line in [
            #"kechuang_sync_runs_total{result="failed"} 1"#, #"kechuang_sync_runs_total{result="ok"} 1"#,
            #"kechuang_sync_duration_seconds_bucket{le="0.5"} 1"#, #"kechuang_sync_duration_seconds_bucket{le="5.0"} 2"#,
            "kechuang_sync_duration_seconds_count 2", #"kechuang_sync_entries_applied_total{origin="chongqing"} 8"#,
            #"kechuang_verification_failures_total{kind="fork"} 1"#, #"kechuang_verification_failures_total{kind="signature"} 1"#,
            #"kechuang_verification_failures_total{kind="merkle"} 1"#, #"kechuang_http_route_duration_seconds_bucket{route="search",le="0.005"} 1"#,
            #"kechuang_http_route_duration_seconds_count{route="search"} 1"#,
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
        #expect(Metrics.failureKind(state: "error", error: "peer x: GET http://h/feeds/checkpoints.json: Couldn't connect to server") == "transport")
    }
}
