import Dispatch
import HTTPServer
import Synchronization

/// What the test handler saw, for tests to inspect.
final class Recorder: Sendable {
    private let requests = Mutex<[HTTPRequest]>([])
    /// Requests whose head was admitted or refused.
    let admitted = Atomic<Int>(0)
    /// Set when a `/slow` request has entered the handler.
    let slowStarted = Atomic<Bool>(false)
    /// Holds a `/slow` request in the handler until the test signals it.
    let slowGate = DispatchSemaphore(value: 0)
    /// Set when a `/long` request (``HTTPHandler/runsLong(_:)``) has entered the handler.
    let longStarted = Atomic<Bool>(false)
    /// Holds a `/long` request in the handler until the test signals it.
    let longGate = DispatchSemaphore(value: 0)

    func record(_ request: HTTPRequest) {
        requests.withLock { $0.append(request) }
    }

    var last: HTTPRequest? {
        requests.withLock { $0.last }
    }

    var count: Int {
        requests.withLock { $0.count }
    }
}

/// A handler with one route per behaviour under test.
struct TestHandler: HTTPHandler {
    let recorder = Recorder()

    static let blob: [UInt8] = (0..<1234).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    /// `/guarded` needs `X-Key: ok` (401 otherwise), `/small` takes at most 10 body bytes, `/nobody` none.
    func admit(_ head: HTTPRequestHead) -> HTTPAdmission {
        recorder.admitted.add(1, ordering: .relaxed)
        switch head.path {
        case "/guarded":
            return head.header("X-Key") == "ok"
                ? .accept(maxBodyBytes: .max) : .refuse(.error(status: 401, message: "No key."))
        case "/small": return .accept(maxBodyBytes: 10)
        case "/nobody": return .accept(maxBodyBytes: 0)
        default: return .accept(maxBodyBytes: .max)
        }
    }

    /// `/long` runs on a thread of its own, its connection suspended.
    func runsLong(_ head: HTTPRequestHead) -> Bool {
        head.path == "/long"
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        recorder.record(request)
        switch request.path {
        case "/long":
            recorder.longStarted.store(true, ordering: .sequentiallyConsistent)
            guard recorder.longGate.wait(timeout: .now() + 60) == .success else {
                return .error(status: 500, message: "the test never opened the gate")
            }
            return .text("long done")
        case "/echo", "/guarded", "/small", "/nobody":
            return HTTPResponse(
                status: 200, headers: [(name: "Content-Type", value: "application/octet-stream")], body: request.body)
        case "/blob":
            return .ok(Self.blob, contentType: "application/octet-stream")
        case "/slow":
            recorder.slowStarted.store(true, ordering: .sequentiallyConsistent)
            // Bounded, so that a test that never opens the gate fails instead of hanging.
            guard recorder.slowGate.wait(timeout: .now() + 60) == .success else {
                return .error(status: 500, message: "the test never opened the gate")
            }
            return .text("done")
        case "/bad-header":
            return HTTPResponse(
                status: 200, headers: [(name: "X-Injected", value: "a\r\nSet-Cookie: evil=1")], body: Array("no".utf8))
        case "/bad-header-name":
            return HTTPResponse(status: 200, headers: [(name: "X Bad", value: "1")], body: [])
        case "/bad-status":
            return HTTPResponse(status: 42)
        case "/framing":
            // The handler's own framing headers are dropped; the server frames the body.
            return HTTPResponse(
                status: 200,
                headers: [
                    (name: "Content-Length", value: "999"), (name: "Connection", value: "keep-alive"),
                    (name: "X-Kept", value: "yes"),
                ],
                body: Array("four".utf8))
        case "/empty":
            return .noContent
        default:
            if request.path.hasPrefix("/inspect") {
                return .text(Self.describe(request))
            }
            return .error(status: 404, message: "No route for \(request.path)")
        }
    }

    /// A line per field, sorted, so tests can compare text.
    static func describe(_ request: HTTPRequest) -> String {
        var lines = [
            "method=\(request.method)", "path=\(request.path)", "rawPath=\(request.rawPath)",
            "client=\(request.clientAddress)", "body=\(request.body.count)",
        ]
        lines += request.query.sorted { $0.key < $1.key }.map { "query \($0.key)=\($0.value)" }
        lines += request.headers.sorted { $0.key < $1.key }.filter { $0.key.hasPrefix("x-") }.map {
            "header \($0.key)=\($0.value)"
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
