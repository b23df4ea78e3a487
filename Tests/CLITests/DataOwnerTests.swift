import Foundation
import TestSupport
import Testing

/// The service user owns the data (issue 15, item 5): a command run by another user (root, as
/// an operator typing `sudo kechuang …`) would leave files the service cannot read, so it is refused
/// with the command to run instead, and writes nothing.
@Suite struct DataOwnerTests {
    @Test func aCommandRunByAnotherUserIsRefusedNamingTheOwner() throws {
        try #require(geteuid() == 0, "this test changes a directory's owner: run as root, as `make test` does")
        let cli = try CLI()
        try cli.initNode()
        let directory = cli.data.path
        let token = try String(contentsOfFile: cli.data.file("admin.token"), encoding: .utf8)
        // The service user of the package is `kechuang`; any other user shows the same.
        let chown = try ProcessRunner.run("/bin/chown", ["-R", "nobody", directory], timeout: 30)
        try #require(chown.status == 0, "\(chown.stderr)")
        defer { _ = try? ProcessRunner.run("/bin/chown", ["-R", "root", directory], timeout: 30) }  // give the test directory back for its cleanup
        for arguments in [["token", "rotate"], ["stats"], ["keys", "rotate"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stdout)")
            #expect(result.stderr.contains("belongs to nobody") && result.stderr.contains("sudo -u nobody kechuang --data \(directory) \(arguments.joined(separator: " "))"), "\(result.stderr)")
        }
        #expect(try String(contentsOfFile: cli.data.file("admin.token"), encoding: .utf8) == token, "nothing was written")
        let owners = try FileManager.default.subpathsOfDirectory(atPath: directory).map {
            try FileManager.default.attributesOfItem(atPath: directory + "/" + $0)[.ownerAccountName] as? String
        }
        #expect(owners.allSatisfy { $0 == "nobody" }, "no file of root's was left in it: \(owners)")
        _ = try ProcessRunner.run("/bin/chown", ["-R", "root", directory], timeout: 30)
        #expect(try cli.run("stats").status == 0, "its owner runs it")
    }
}
