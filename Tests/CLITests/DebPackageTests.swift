import Foundation
import JSON
import TestSupport
import Testing

/// The Debian package (issue 15, item 2): `make deb` builds it; installed, its binary resolves
/// only libraries of Debian packages, its units verify, it runs as the `kechuang` user with the
/// unit's umask and environment, and a purge keeps the node's data and says so.
///
/// These machines do not run systemd as PID 1, so the unit is verified (`systemd-analyze verify`)
/// and its user, umask, environment and command are reproduced with `runuser`; its sandboxing
/// (ProtectSystem, the syscall filter, the address families, …) is not exercised here.
@Suite(.serialized) struct DebPackageTests {
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 120) throws -> ProcessResult {
        try ProcessRunner.run(executable, arguments, timeout: timeout)
    }

    @Test(.timeLimit(.minutes(10)))
    func thePackageInstallsRunsAsItsUserAndPurgeKeepsTheData() throws {
        try #require(geteuid() == 0, "installing a package needs root, as `make test` runs")
        try #require(!FileManager.default.fileExists(atPath: "/var/lib/kechuang"), "/var/lib/kechuang exists: this test installs and purges the package, and would touch it")
        let out = try CLI().data.path
        let built = try Self.run("/bin/bash", ["-c", "cd '\(Repository.root)' && scripts/deb.sh '\(out)'"], timeout: 900)
        try #require(built.status == 0, "\(built.stderr.suffix(2000))")
        let package = try #require(built.stdout.split(separator: "\n").last.map(String.init))
        #expect(package.hasSuffix("/kechuang_0.1.0_amd64.deb"))
        let fields = try Self.run("/usr/bin/dpkg-deb", ["-f", package, "Depends", "Architecture"]).stdout
        #expect(fields.contains("libcurl4") && fields.contains("libsqlite3-0") && fields.contains("libmicrohttpd12") && fields.contains("adduser"), "\(fields)")

        let installed = try Self.run("/usr/bin/dpkg", ["-i", package])
        try #require(installed.status == 0, "\(installed.stdout) \(installed.stderr)")
        defer {
            // Leave the machine as it was: the package, the data it keeps, its user.
            _ = try? Self.run("/usr/bin/dpkg", ["-P", "kechuang"])  // already purged when the test got that far
            _ = try? Self.run("/bin/rm", ["-rf", "/var/lib/kechuang"])  // cleanup
            _ = try? Self.run("/usr/sbin/userdel", ["kechuang"])  // cleanup
        }
        // Every library the binary loads belongs to a Debian package (Debian 12 merges /lib into /usr/lib).
        let ldd = try Self.run("/usr/bin/ldd", ["/usr/bin/kechuang"]).stdout
        var libraries: [String] = []
        for line in ldd.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let name = words.first, name != "linux-vdso.so.1" else { continue }
            let path = words.count >= 3 && words[1] == "=>" ? words[2] : name
            libraries.append(path)
        }
        #expect(libraries.count >= 5, "\(ldd)")
        for library in libraries {
            let real = URL(fileURLWithPath: library).resolvingSymlinksInPath().path
            let candidates = [real, real.hasPrefix("/usr/") ? String(real.dropFirst(4)) : "/usr" + real]
            let owned = try candidates.contains { try Self.run("/usr/bin/dpkg", ["-S", $0]).status == 0 }
            #expect(owned, "\(library) (\(real)) belongs to no Debian package")
        }
        #expect(!ldd.contains("libswift"), "the Swift runtime is linked statically")

        for unit in ["kechuang.service", "kechuang-export.service", "kechuang-export.timer"] {
            let verified = try Self.run("/usr/bin/systemd-analyze", ["verify", "/lib/systemd/system/\(unit)"])
            #expect(verified.status == 0 && verified.stderr.isEmpty, "\(unit): \(verified.stderr)")
        }
        let unit = try String(contentsOfFile: "/lib/systemd/system/kechuang.service", encoding: .utf8)
        for line in ["User=kechuang", "ExecStart=/usr/bin/kechuang serve $KECHUANG_SERVE_ARGS", "EnvironmentFile=-/etc/default/kechuang",
                     "ConditionPathExists=/var/lib/kechuang/kechuang.db", "ProtectSystem=strict", "ReadWritePaths=/var/lib/kechuang",
                     "NoNewPrivileges=true", "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "UMask=0077"] {
            #expect(unit.contains(line), "the unit has \(line)")
        }
        let directory = try FileManager.default.attributesOfItem(atPath: "/var/lib/kechuang")
        #expect(directory[.ownerAccountName] as? String == "kechuang" && (directory[.posixPermissions] as? Int) == 0o700)

        // The service as the unit runs it: its user, umask and environment; a port of its own choosing.
        try "KECHUANG_SERVE_ARGS=\"--listen 127.0.0.1:0 --sync-interval 0\"\n".write(toFile: "/etc/default/kechuang", atomically: true, encoding: .utf8)
        // deploy/README.md §2–§4, §7 as written: init, import, serve, a peer both ways, sync, a backup.
        func asService(_ command: String) throws -> ProcessResult {
            try Self.run("/usr/sbin/runuser", ["-u", "kechuang", "--", "/bin/sh", "-c", "umask 0077; KECHUANG_DATA=/var/lib/kechuang /usr/bin/kechuang " + command])
        }
        let initialised = try asService("init --node-id sichuan --name 四川省科学技术协会 --region sichuan")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let catalog = try TemporaryDirectory(prefix: "deb-catalog")
        _ = try Self.run("/bin/chmod", ["0755", catalog.path])
        let sample = catalog.file("catalog.json")
        try FileManager.default.copyItem(atPath: Repository.root + "/protocols/examples/sichuan.json", toPath: sample)
        _ = try Self.run("/bin/chmod", ["0644", sample])
        let imported = try asService("import \(sample)")
        #expect(imported.status == 0 && imported.stdout.contains("19 records"), "\(imported.stdout)\(imported.stderr)")
        // setpriv execs (runuser would fork and stand between the test and the server's exit status).
        let server = try BackgroundProcess(
            "/usr/bin/setpriv",
            ["--reuid", "kechuang", "--regid", "kechuang", "--init-groups", "/bin/sh", "-c",
             "umask 0077; export KECHUANG_DATA=/var/lib/kechuang; set -a; . /etc/default/kechuang; set +a; exec /usr/bin/kechuang serve $KECHUANG_SERVE_ARGS"])
        let serving = try server.waitForLine(containing: "Serving")
        let base = try #require(serving.split(separator: " ").first { $0.hasPrefix("http://") }).description
        let health = try Self.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", base + "/healthz"])
        #expect(health.stdout == "200")
        let beijing = try FederationNode("beijing")
        defer { beijing.stop() }
        try beijing.serve()
        let rootKey = try #require(try JSONParser.parse(Array(try asService("keys show --json").stdout.utf8))["root"]?["key"]?.stringValue)
        #expect(try asService("peer add beijing \(beijing.base) --root-key \(beijing.root)").status == 0)
        #expect(try beijing.cli.run("peer", "add", "sichuan", base, "--root-key", rootKey).status == 0)
        let pulled = try asService("sync")
        #expect(pulled.status == 0 && pulled.stdout.contains("origin beijing: ok 0 → "), "\(pulled.stdout)\(pulled.stderr)")
        #expect(try beijing.sync().stdout.contains("origin sichuan: ok 0 → 20 entries"))
        let backup = try asService("backup /var/lib/kechuang/before-upgrade.db")
        #expect(backup.status == 0, "\(backup.stderr)")
        let backupMode = try FileManager.default.attributesOfItem(atPath: "/var/lib/kechuang/before-upgrade.db")[.posixPermissions] as? Int
        #expect(backupMode == 0o600)
        server.send(SIGTERM)
        #expect(server.waitForExit(timeout: 30) == 0)
        let files = try FileManager.default.subpathsOfDirectory(atPath: "/var/lib/kechuang")
        for file in files {
            let attributes = try FileManager.default.attributesOfItem(atPath: "/var/lib/kechuang/" + file)
            #expect(attributes[.ownerAccountName] as? String == "kechuang", "\(file) belongs to the service user")
            let mode = (attributes[.posixPermissions] as? Int) ?? 0o777
            // Public halves of keys are readable (0644); nothing is writable by others, secrets are the owner's only.
            #expect(mode & 0o022 == 0 && (file.hasSuffix(".pub") || mode & 0o077 == 0), "\(file): mode \(String(mode, radix: 8))")
        }
        // Root is told to run commands as the service user.
        let asRoot = try Self.run("/usr/bin/kechuang", ["--data", "/var/lib/kechuang", "token", "rotate"])
        #expect(asRoot.status == 2 && asRoot.stderr.contains("sudo -u kechuang kechuang"), "\(asRoot.stderr)")

        let removed = try Self.run("/usr/bin/dpkg", ["-r", "kechuang"])
        #expect(removed.status == 0, "\(removed.stderr)")
        let purged = try Self.run("/usr/bin/dpkg", ["-P", "kechuang"])
        #expect(purged.status == 0 && purged.stdout.contains("/var/lib/kechuang is kept"), "\(purged.stdout)")
        #expect(FileManager.default.fileExists(atPath: "/var/lib/kechuang/kechuang.db"), "purge keeps the node's keys and log")
        #expect(!FileManager.default.fileExists(atPath: "/usr/bin/kechuang") && !FileManager.default.fileExists(atPath: "/etc/default/kechuang"))
    }
}
