import Foundation
import JSON
import TestSupport
import Testing

/// `/metrics` of a running node (issue 15): sync runs and durations, entries applied, failures by
/// kind, each peer's and origin's state and lag, and request latency by route.
@Suite struct ServeMetricsTests {
    @Test(.timeLimit(.minutes(10)))
    func metricsShowSyncsPeersOriginsAndLatencyByRoute() throws {
        let sichuan = try FederationNode("sichuan")
        let chongqing = try FederationNode("chongqing")
        defer {
            sichuan.stop()
            chongqing.stop()
        }
        try chongqing.serve()
        try sichuan.peer(chongqing)
        // A second peer that is down.
        let beijing = try FederationNode("beijing", sample: false)
        #expect(try sichuan.cli.run("peer", "add", "beijing", "http://127.0.0.1:1", "--root-key", beijing.root).status == 0)
        try sichuan.serve(syncInterval: 1)
        let server = try #require(sichuan.server)
        _ = try server.waitForLine(containing: "sync: origin chongqing")
        _ = try server.waitForLine(containing: "sync with beijing")
        _ = try sichuan.get("/healthz")
        let text = try sichuan.get("/metrics")
        for expected in [
            #"kechuang_sync_runs_total{result="failed"}"#, "kechuang_sync_duration_seconds_count ",
            #"kechuang_sync_entries_applied_total{origin="chongqing"}"#,
            #"kechuang_peer_up{peer="chongqing"} 1"#, #"kechuang_peer_up{peer="beijing"} 0"#, #"kechuang_peer_failures{peer="beijing"}"#,
            #"kechuang_origin_state{origin="chongqing",state="ok"} 1"#, #"kechuang_origin_lag_entries{origin="chongqing"} 0"#,
            #"kechuang_origin_lag_seconds{origin="chongqing"}"#, #"kechuang_http_route_duration_seconds_count{route="healthz"} "#,
        ] {
            #expect(text.contains(expected), "\(expected) is missing from /metrics")
        }
        let applied = text.split(separator: "\n").first { $0.hasPrefix(#"kechuang_sync_entries_applied_total{origin="chongqing"}"#) }
        #expect(Int(applied?.split(separator: " ").last ?? "") ?? 0 > 0, "\(applied ?? "")")
    }
}
