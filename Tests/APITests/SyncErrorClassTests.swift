import API
import Testing

/// What `GET /v1/peers` and `/status` show of a sync error: its class, never its text.
@Suite struct SyncErrorClassTests {
    @Test(arguments: [
        ("peer cq: GET http://127.0.0.1:8712/feeds/checkpoints.json: Failed to connect to 127.0.0.1 port 8799 after 0 ms: Couldn't connect to server (CURLE_COULDNT_CONNECT)", "unreachable"),
        ("peer cq: GET http://cq.example/feeds/checkpoints.json: Could not resolve host: cq.example (CURLE_COULDNT_RESOLVE_HOST)", "unreachable"),
        ("peer cq: GET http://10.0.0.1/feeds/checkpoints.json: Operation timed out after 5001 milliseconds with 0 bytes received (CURLE_OPERATION_TIMEDOUT)", "timeout"),
        ("peer cq: GET /feeds/checkpoints.json: given up after 60 seconds; last error: peer cq: GET …: HTTP 503", "timeout"),
        ("peer cq: GET http://cq.example/feeds/checkpoints.json: Operation too slow. Less than 1024 bytes/sec transferred the last 10 seconds (CURLE_OPERATION_TIMEDOUT)", "timeout"),
        ("peer cq: GET https://cq.example/feeds/checkpoints.json: SSL certificate problem: self-signed certificate (CURLE_PEER_FAILED_VERIFICATION)", "tls"),
        ("peer cq: GET http://cq.example/feeds/x: transfer closed with 10 bytes remaining to read (CURLE_PARTIAL_FILE)", "transport error"),
        ("peer cq: GET http://cq.example/feeds/checkpoints.json: refused redirect to http://127.0.0.1:8799/x: a peer's files are fetched only from …", "refused redirect"),
        ("peer cq: GET http://cq.example/feeds/checkpoints.json: HTTP 403", "http 403"),
        ("peer cq: http://cq.example/feeds/checkpoints.json: not found (is it a kechuang node?)", "not found"),
        ("peer cq: /feeds/cq/pages/0.jsonl: not found", "not found"),
        ("peer cq: /feeds/checkpoints.json: not JSON: unexpected byte 0x3C at line 1, column 1", "invalid feed"),
        ("checkpoint from chongqing: the entry is of type \u{1B}[31mRED", "invalid feed"),
        ("skipped: circuit open until 2026-01-01T00:00:00Z after 3 failures; last error: … (CURLE_COULDNT_CONNECT)", "circuit open"),
        ("local error: reading the peers: disk I/O error", "local error"),
        ("checkpoint expired at 2026-01-01T00:00:00Z", "expired"),
        ("chongqing: fork: two checkpoints of size 351 with different roots", "fork"),
    ])
    func classOf(_ message: String, _ expected: String) {
        #expect(SyncErrorClass.of(message) == expected)
    }
}
