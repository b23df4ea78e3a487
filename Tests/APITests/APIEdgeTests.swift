import API
import Foundation
import HTTPClient
import HTTPServer
import JSON
import TestSupport
import Testing

/// The API decides from the head of a request (method, path, headers) before it reads a byte of its body, and
/// keeps what it echoes and what it counts bounded.
@Suite struct APIEdgeTests {
    /// The status of the first response on `connection`, or nil when none came before its read timeout.
    private func firstStatus(_ connection: RawConnection) -> Int? {
        (try? connection.readResponse())?.status
    }

    @Test func unauthenticatedUploadsAreRefusedBeforeTheirBodyAndWithoutContinue() async throws {
        let node = try await ServedNode(records: 1, maxBody: 64 << 20)
        defer { node.stop() }
        for (method, path) in [("PUT", "/v1/projects/x"), ("POST", "/v1/projects/import"), ("DELETE", "/v1/projects/r0")] {
            for expect in [true, false] {
                for authorization in ["", "Authorization: Bearer wrong\r\n", "Authorization: Basic \(node.token)\r\n"] {
                    let connection = try RawConnection(port: node.server.port, timeout: .seconds(3))
                    try connection.send(
                        "\(method) \(path) HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\(authorization)"
                            + "Content-Length: 50000000\r\n" + (expect ? "Expect: 100-continue\r\n" : "") + "\r\n")
                    let status = firstStatus(connection)
                    #expect(status == 401, "\(method) \(path) expect=\(expect) \(authorization)")
                    #expect(connection.waitForClose(timeout: .seconds(3)), "the unread body means the connection closes")
                }
            }
        }
    }

    @Test func routeMethodAndBodyCapAreDecidedBeforeTheBody() async throws {
        let node = try await ServedNode(records: 1, maxBody: 64 << 20)
        defer { node.stop() }
        let token = "Authorization: Bearer \(node.token)\r\n"
        let cases: [(head: String, status: Int)] = [
            ("POST /nowhere HTTP/1.1\r\nContent-Length: 1000\r\n", 404),
            ("POST /v1/search HTTP/1.1\r\nContent-Length: 1000\r\n", 405),
            ("GET /v1/stats HTTP/1.1\r\nContent-Length: 1000\r\n", 413),
            ("GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", 413),
            ("DELETE /v1/projects/r0 HTTP/1.1\r\n\(token)Content-Length: 1000\r\n", 413),
            ("PUT /v1/projects/x HTTP/1.1\r\n\(token)Content-Length: \((1 << 20) + 1)\r\n", 413),
            ("POST /v1/projects/import HTTP/1.1\r\n\(token)Content-Length: \((64 << 20) + 1)\r\n", 413),
        ]
        for (head, expected) in cases {
            let connection = try RawConnection(port: node.server.port, timeout: .seconds(3))
            try connection.send(head + "Host: test\r\n\r\n")
            let response = try? connection.readResponse()
            #expect(response?.status == expected, "\(head)")
            #expect(response.flatMap { try? JSONParser.parse($0.body) }?["error"]?["status"] == .number(Double(expected)))
        }
        // Authenticated, a body within the route's cap is asked for (100 Continue) and applied.
        let record = #"{"kind":"technology","title":"光电编码器","summary":"编码器","industry":"electronics","organization":{"name":"某所","type":"institute","region":"sichuan"},"valid_through":"2031-01-01","trl":7,"cooperation":["transfer"]}"#
        let connection = try RawConnection(port: node.server.port)
        try connection.send(
            "PUT /v1/projects/enc HTTP/1.1\r\nHost: test\r\n\(token)Content-Type: application/json\r\n"
                + "Content-Length: \(record.utf8.count)\r\nExpect: 100-continue\r\n\r\n")
        #expect(try connection.readResponse().status == 100)
        try connection.send(record)
        #expect(try connection.readResponse().status == 201)
    }

    @Test func bearerSchemeIsCaseInsensitive() async throws {
        let node = try await ServedNode(records: 3)
        defer { node.stop() }
        for (index, scheme) in ["bearer", "BEARER", "BeArEr"].enumerated() {
            let response = try await node.get(
                "/v1/projects/r\(index)", headers: ["Authorization": "\(scheme) \(node.token)"], method: "DELETE")
            #expect(response.status == 200, "\(scheme)")
        }
        let noSpace = try await node.get("/v1/projects/r0", headers: ["Authorization": "Bearer\(node.token)"], method: "DELETE")
        #expect(noSpace.status == 401)
    }

    @Test func errorsEchoOnlyAShortExcerptOfTheInput() async throws {
        let node = try await ServedNode(records: 1, maxBody: 4 << 20)
        defer { node.stop() }
        let column = String(repeating: "x", count: 2 << 20)
        let csv = "id,kind,\(column)\nc1,technology,1\n"
        let response = try await node.admin("POST", "/v1/projects/import", csv, contentType: "text/csv")
        #expect(response.status == 400)
        #expect(response.body.count < 4096, "\(response.body.count) bytes")
        #expect(String(decoding: response.body, as: UTF8.self).contains("…"))
        let json = try JSONParser.parse(response.body)
        #expect(json["error"]?["status"] == 400)

        let longPath = "/v1/" + String(repeating: "p", count: 4000)
        let missing = try await node.get(longPath)
        #expect(missing.status == 404)
        #expect(missing.body.count < 1024, "\(missing.body.count) bytes")
    }

    @Test func answersCarryNosniff() async throws {
        let node = try await ServedNode(records: 1)
        defer { node.stop() }
        for path in ["/healthz", "/v1/search?q=x", "/nowhere", "/feeds/sichuan/checkpoint.json"] {
            #expect(try await node.get(path).headers["x-content-type-options"] == "nosniff", "\(path)")
        }
    }

    @Test func inventedMethodsShareOneMetricsLabelAndCannotInjectLines() async throws {
        let node = try await ServedNode(records: 1)
        defer { node.stop() }
        let connection = try RawConnection(port: node.server.port)
        var methods = (0..<300).map { "INVENTED\($0)" }
        methods += [#"X"}"#, #"Y\"#, "Z\"} 1\nkechuang_injected"]
        for (index, method) in methods.enumerated() {
            let path = index.isMultiple(of: 2) ? "/healthz" : "/nowhere"
            try connection.send("\(method) \(path) HTTP/1.1\r\nHost: test\r\n\r\n")
            let response = try connection.readResponse()
            #expect((400..<500).contains(response.status), "\(method)")
            if response.header("connection")?.lowercased() == "close" { break }
        }
        let text = String(decoding: try await node.get("/metrics").body, as: UTF8.self)
        let series = text.split(separator: "\n").filter { $0.hasPrefix("kechuang_http_requests_total{") }
        #expect(series.count <= 20, "\(series.count) series")
        #expect(!text.contains("INVENTED"))
        #expect(!text.contains("kechuang_injected"))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(PrometheusLine.isValid(String(line)), "\(line)")
        }
    }
}

/// A checker for one sample line of the Prometheus text format: `name{label="value",…} number`, where a label
/// value escapes backslash, double quote and newline.
enum PrometheusLine {
    static func isValid(_ line: String) -> Bool {
        var characters = Substring(line)
        let name = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty, name.first?.isNumber == false else { return false }
        characters = characters.dropFirst(name.count)
        if characters.first == "{" {
            characters = characters.dropFirst()
            while characters.first != "}" {
                let label = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !label.isEmpty else { return false }
                characters = characters.dropFirst(label.count)
                guard characters.hasPrefix("=\"") else { return false }
                characters = characters.dropFirst(2)
                while let character = characters.first, character != "\"" {
                    if character == "\\" {
                        guard let escaped = characters.dropFirst().first, "\\\"n".contains(escaped) else { return false }
                        characters = characters.dropFirst(2)
                    } else {
                        characters = characters.dropFirst()
                    }
                }
                guard characters.first == "\"" else { return false }
                characters = characters.dropFirst()
                if characters.first == "," { characters = characters.dropFirst() }
            }
            characters = characters.dropFirst()
        }
        guard characters.first == " " else { return false }
        return Double(characters.dropFirst()) != nil || ["+Inf", "-Inf", "NaN"].contains(characters.dropFirst())
    }
}
