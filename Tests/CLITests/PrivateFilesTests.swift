import Foundation
import TestSupport
import Testing

/// The arguments that run the binary under `umask` (posix_spawn cannot set a child's umask: a
/// shell sets it, then execs the binary in its place, so signals reach the binary itself).
func underUmask(_ umask: String, _ arguments: [String]) -> (String, [String]) {
    ("/bin/sh", ["-c", "umask \(umask) && exec \"$0\" \"$@\"", Repository.binary] + arguments)
}

/// The permission bits of `path` (following symbolic links).
func permissions(_ path: String) throws -> Int {
    var status = stat()
    guard stat(path, &status) == 0 else { throw BackgroundProcessError(message: "stat \(path): errno \(errno)") }
    return Int(status.st_mode & 0o7777)
}

/// A node's data directory holds full contacts, its keys and the admin token: no other local user
/// may read the database or replace a file, whatever the umask `init` ran under.
@Suite struct PrivateFilesTests {
    @Test(arguments: ["000", "022"])
    func initMakesTheDataDirectoryAndEveryFilePrivateWhateverTheUmask(umask: String) throws {
        let base = try TemporaryDirectory(prefix: "private")
        let data = base.file("node")
        let (shell, initArguments) = underUmask(umask, ["--data", data, "init", "--node-id", "sichuan", "--name", "四川省科协", "--region", "sichuan"])
        let created = try ProcessRunner.run(shell, initArguments, directory: base.path, timeout: 120)
        try #require(created.status == 0, "\(created.stderr)")

        #expect(try permissions(data) == 0o700, "the data directory")
        #expect(try permissions(data + "/keys") == 0o700, "the keys directory")
        for file in ["kechuang.db", "admin.token", "keys/root.key", "keys/checkpoint-1.key"] {
            #expect(try permissions(data + "/" + file) == 0o600, "\(file) under umask \(umask)")
        }
        for file in ["keys/root.pub", "keys/checkpoint-1.pub"] {
            #expect(try permissions(data + "/" + file) & 0o022 == 0, "\(file) is writable by group or others")
        }

        // The WAL files appear while a connection is open: serve keeps one, under the same umask.
        let (_, serveArguments) = underUmask(umask, ["--data", data, "serve", "--listen", "127.0.0.1:0", "--sync-interval", "0"])
        let server = try BackgroundProcess(shell, serveArguments)
        defer {
            server.send(SIGTERM)
            _ = server.waitForExit(timeout: 20)
        }
        _ = try server.waitForLine(containing: "Serving")
        for suffix in ["-wal", "-shm"] {
            #expect(try permissions(data + "/kechuang.db" + suffix) == 0o600, "kechuang.db\(suffix) under umask \(umask)")
        }
        #expect(!server.text.contains("warning"), "\(server.text)")

        // Relative paths, with missing parents: the parents are made 0755, never writable by others.
        for relative in ["single", "parent/node"] {
            let (_, arguments) = underUmask(umask, ["--data", relative, "init", "--node-id", "sichuan", "--name", "x", "--region", "sichuan"])
            let made = try ProcessRunner.run(shell, arguments, directory: base.path, timeout: 120)
            #expect(made.status == 0, "\(relative): \(made.stderr)")
            #expect(try permissions(base.file(relative)) == 0o700, "\(relative)")
        }
        #expect(try permissions(base.file("parent")) == 0o755)
    }

    @Test func initRefusesAnExistingDirectoryOthersCanWrite() throws {
        let base = try TemporaryDirectory(prefix: "private")
        let data = base.file("shared")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        #expect(chmod(data, 0o777) == 0)
        let result = try ProcessRunner.run(
            Repository.binary, ["--data", data, "init", "--node-id", "sichuan", "--name", "x", "--region", "sichuan"], timeout: 120)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(data) && result.stderr.contains("0777"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data + "/kechuang.db"), "nothing is created")
        #expect(try permissions(data) == 0o777, "a directory init did not create keeps its mode")
    }

    /// `serve` on an existing node: a file others could replace stops it (exit 1, the path and its
    /// mode named); a database others could read is a warning.
    @Test func serveRefusesFilesOthersCanWriteAndWarnsWhenTheDatabaseIsReadable() throws {
        let cli = try CLI()
        let data = cli.data.file("node")
        let created = try cli.run(["--data", data, "init", "--node-id", "sichuan", "--name", "x", "--region", "sichuan"])
        try #require(created.status == 0, "\(created.stderr)")
        let cases: [(path: String, mode: mode_t)] = [
            (data, 0o757), (data + "/keys", 0o770), (data + "/keys/checkpoint-1.key", 0o602), (data + "/admin.token", 0o620),
            (data + "/keys/root.pub", 0o666),
        ]
        for (path, mode) in cases {
            let before = try permissions(path)
            #expect(chmod(path, mode) == 0)
            let refused = try ProcessRunner.run(
                Repository.binary, ["--data", data, "serve", "--listen", "127.0.0.1:0", "--sync-interval", "0"], timeout: 20)
            #expect(refused.status == 1, "\(path) mode \(String(mode, radix: 8)): \(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains(path) && refused.stderr.contains("0" + String(mode, radix: 8)), "\(refused.stderr)")
            #expect(!refused.stdout.contains("Serving"))
            #expect(chmod(path, mode_t(before)) == 0)
        }

        #expect(chmod(data + "/kechuang.db", 0o644) == 0)
        let server = try BackgroundProcess(Repository.binary, ["--data", data, "serve", "--listen", "127.0.0.1:0", "--sync-interval", "0"])
        defer {
            server.send(SIGTERM)
            _ = server.waitForExit(timeout: 20)
        }
        _ = try server.waitForLine(containing: "Serving")
        // The warning goes out before the server starts: it is in the output by now.
        let warning = server.text.split(separator: "\n").first { $0.contains("warning") }
        #expect(warning?.contains(data + "/kechuang.db") == true && warning?.contains("0644") == true, "\(server.text)")
    }
}
