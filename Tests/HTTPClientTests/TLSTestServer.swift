import TestSupport
import Foundation

/// `openssl s_server` on 127.0.0.1 with a fresh self-signed certificate, to check that the client
/// verifies certificates. Tests that use it are enabled only where `/usr/bin/openssl` exists.
final class TLSTestServer {
    static let opensslPath = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: opensslPath) }

    let port: Int
    private let process = Process()
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kc-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        let request = Process()
        request.executableURL = URL(fileURLWithPath: Self.opensslPath)
        request.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
        ]
        request.standardError = FileHandle.nullDevice
        try request.run()
        request.waitUntilExit()
        guard request.terminationStatus == 0 else { throw POSIXError(.EIO) }

        port = try TestServer.closedPort()
        process.executableURL = URL(fileURLWithPath: Self.opensslPath)
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // s_server prints ACCEPT once it listens; end of output first means it failed to start.
        var printed = ""
        while !printed.contains("ACCEPT") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else {
                stop()
                throw POSIXError(.EADDRINUSE)
            }
            printed += String(decoding: data, as: UTF8.self)
        }
    }

    func stop() {
        if process.isRunning {
            // SIGKILL, not Process.terminate(): a child started from a pool thread inherits that thread's
            // signal mask, in which SIGTERM is blocked, so s_server would never see it.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        stop()
    }
}
