import Foundation
import JSON
import TestSupport
import Testing

/// Three nodes as on three machines (issue 15): each in a network namespace this test creates,
/// joined by veth pairs with private addresses that exist only inside those namespaces (nothing
/// on the host side), serving on 0.0.0.0 and syncing each other across. The namespaces are always
/// deleted, which deletes their links.
@Suite(.serialized) struct ThreeHostsTests {
    /// `ip ARGUMENTS` (iproute2, a test package), failing the test with its message.
    @discardableResult
    static func ip(_ arguments: String...) throws -> String {
        let result = try ProcessRunner.run("/usr/sbin/ip", arguments, timeout: 30)
        try #require(result.status == 0, "ip \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    @Test(.timeLimit(.minutes(3)))
    func threeNodesInThreeNetworkNamespacesSyncAcross() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"), "iproute2 is missing: `make test` installs it (TEST_DEBS)")
        let tag = String(getpid() % 100_000)
        let hosts = ["sichuan", "beijing", "chongqing"]
        let namespaces = hosts.map { "kc\(tag)-\($0.prefix(2))" }
        defer {
            // Deleting a namespace deletes the veth ends in it, and so both ends of each pair.
            for namespace in namespaces { _ = try? ProcessRunner.run("/usr/sbin/ip", ["netns", "delete", namespace], timeout: 30) }  // cleanup of what may not exist
        }
        for namespace in namespaces {
            try Self.ip("netns", "add", namespace)
            try Self.ip("-n", namespace, "link", "set", "lo", "up")
        }
        // A triangle of veth pairs: pair k joins hosts i and j on 10.213.k.0/30 (.1 for i, .2 for j).
        var address: [String: String] = [:]  // "i>j": the address of j as i reaches it
        for (k, (i, j)) in [(0, 1), (0, 2), (1, 2)].enumerated() {
            let (left, right) = ("v\(tag)\(i)\(j)", "v\(tag)\(j)\(i)")
            try Self.ip("link", "add", left, "netns", namespaces[i], "type", "veth", "peer", "name", right, "netns", namespaces[j])
            try Self.ip("-n", namespaces[i], "addr", "add", "10.213.\(k + 1).1/30", "dev", left)
            try Self.ip("-n", namespaces[j], "addr", "add", "10.213.\(k + 1).2/30", "dev", right)
            try Self.ip("-n", namespaces[i], "link", "set", left, "up")
            try Self.ip("-n", namespaces[j], "link", "set", right, "up")
            address["\(i)>\(j)"] = "10.213.\(k + 1).2"
            address["\(j)>\(i)"] = "10.213.\(k + 1).1"
        }
        #expect(!(try Self.ip("link", "show")).contains("v\(tag)"), "nothing on the host side")

        let nodes = try hosts.map { try FederationNode($0) }
        var servers: [BackgroundProcess] = []
        defer {
            for server in servers {
                server.send(SIGTERM)
                _ = server.waitForExit(timeout: 20)
            }
        }
        for (index, node) in nodes.enumerated() {
            let server = try BackgroundProcess(
                "/usr/sbin/ip",
                ["netns", "exec", namespaces[index], Repository.binary, "--data", node.cli.data.path, "serve", "--listen", "0.0.0.0:8601", "--sync-interval", "0"])
            servers.append(server)
            _ = try server.waitForLine(containing: "Serving")
        }
        // Each pins the other two and pulls them across the links, from inside its namespace.
        for (i, node) in nodes.enumerated() {
            for (j, other) in nodes.enumerated() where i != j {
                let added = try node.cli.run("peer", "add", other.id, "http://\(address["\(i)>\(j)"]!):8601", "--root-key", other.root)
                #expect(added.status == 0, "\(added.stderr)")
            }
        }
        for (index, node) in nodes.enumerated() {
            let synced = try ProcessRunner.run(
                "/usr/sbin/ip", ["netns", "exec", namespaces[index], Repository.binary, "--data", node.cli.data.path, "sync"], timeout: 120)
            #expect(synced.status == 0, "\(node.id): \(synced.stdout) \(synced.stderr)")
        }
        let stats = try nodes.map { try $0.stats() }
        #expect(Set(stats.map { $0["catalog_digest"]?.stringValue ?? "" }).count == 1, "one unified catalog on the three hosts")
        #expect(stats.allSatisfy { Set(($0["by_origin"]?.objectValue ?? [:]).keys) == Set(hosts) }, "\(stats.map { $0["by_origin"] ?? .null })")
        // The host cannot reach them: the addresses exist only inside the namespaces.
        let fromHost = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "http://10.213.1.1:8601/healthz"], timeout: 30)
        #expect(fromHost.stdout != "200")
    }
}
