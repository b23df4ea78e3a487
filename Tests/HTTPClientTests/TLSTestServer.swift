import TestSupport
import Foundation

/// `openssl s_server` on 127.0.0.1 with a fresh self-signed certificate, to check that the client
/// verifies certificates. Tests that use it fail when `/usr/bin/openssl` is missing (`make test`
/// installs it).
final class TLSTestServer {
    static let opensslPath = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: opensslPath) }

    let port: Int
    private var process: BackgroundProcess?
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kc-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        let request = try ProcessRunner.run(Self.opensslPath, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
        ], timeout: 60)
        guard request.status == 0 else { throw POSIXError(.EIO) }

        port = try TestServer.closedPort()
        let server = try BackgroundProcess(
            Self.opensslPath, ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www"])
        process = server
        // s_server prints ACCEPT once it listens; an exit first means it failed to start.
        do {
            _ = try server.waitForLine(containing: "ACCEPT", timeout: 30)
        } catch {
            stop()
            throw error
        }
    }

    func stop() {
        process?.send(SIGKILL)
        _ = process?.waitForExit(timeout: 10)
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        stop()
    }
}
