import Foundation
import JSON
import TestSupport
import Testing

@Suite struct ServeTests {
    @Test func serveStopsGracefullyOnSIGTERM() throws {
        let cli = try CLI()
        try cli.initNode()
        let server = try BackgroundProcess(Repository.binary, ["--data", cli.data.path, "serve", "--listen", "127.0.0.1:0"])
        let line = try server.waitForLine(containing: "Serving")
        #expect(line.contains("http://127.0.0.1:"))
        server.send(SIGTERM)
        #expect(server.waitForExit(timeout: 20) == 0, "\(server.text)")
        #expect(server.text.contains("Stopped"))
    }
}
