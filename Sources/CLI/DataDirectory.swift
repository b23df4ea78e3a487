import Foundation

/// The layout of a node's data directory.
///
/// ```
/// DIR/kechuang.db            the store (SQLite, WAL)
/// DIR/keys/root.key          root private key (PEM, mode 0600): move it offline after init
/// DIR/keys/root.pub          root public key (PEM)
/// DIR/keys/checkpoint-N.key  online checkpoint key N (PEM, mode 0600)
/// DIR/keys/checkpoint-N.pub
/// DIR/admin.token            bearer token of the admin API (mode 0600)
/// DIR/staff.tokens           staff tokens' names and hashes (mode 0600)
/// DIR/kechuang.lock          held (flock) by every command using DIR; restore needs it alone
/// ```
///
/// DIR and DIR/keys are mode 0700 and the database (with its `-wal` and `-shm`) 0600: the
/// database holds contacts in full, and whoever can replace a key or the token speaks for the node.
struct DataDirectory {
    let path: String

    var database: String { path + "/kechuang.db" }
    var keys: String { path + "/keys" }
    var rootKey: String { keys + "/root.key" }
    var rootPublicKey: String { keys + "/root.pub" }
    var adminToken: String { path + "/admin.token" }
    /// The staff tokens' names and hashes (`kechuang token add`).
    var staffTokens: String { path + "/staff.tokens" }
    /// Locked shared by every command that uses the directory (`serve` for its whole run) and
    /// exclusively by `restore`, which replaces the database under them.
    var lockFile: String { path + "/kechuang.lock" }
    func checkpointKey(_ number: Int) -> String { keys + "/checkpoint-\(number).key" }
    func checkpointPublicKey(_ number: Int) -> String { keys + "/checkpoint-\(number).pub" }

    /// Refuses to work in a data directory owned by another user: a file written by root (a new
    /// `admin.token`, a checkpoint key, the database's `-wal`) is mode 0600 and so unreadable by
    /// the service user who owns the directory, which then answers 401 or fails to start. The
    /// message names the command to run instead (`sudo -u OWNER kechuang …`). A directory that
    /// does not exist yet is not checked (the command says it is missing).
    func requireOwner(invocation: [String]) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        let me = geteuid()
        guard status.st_uid != me else { return }
        let owner = Self.userName(status.st_uid) ?? "#\(status.st_uid)"
        let command = (["sudo", "-u", owner, "kechuang"] + invocation).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        throw CLIError.usage(
            "\(path) belongs to \(owner) (uid \(status.st_uid)), and this is \(Self.userName(me) ?? "uid \(me)"): files written now would be "
                + "unreadable by the node's owner. Run it as the owner: \(command)")
    }

    /// An open lock of the directory, released when dropped (or when the process ends).
    final class Lock {
        private let descriptor: Int32
        init(_ descriptor: Int32) { self.descriptor = descriptor }
        deinit { close(descriptor) }
    }

    /// Locks the directory: shared, as every command that uses it does, or exclusive, as
    /// `restore` does. Never waits: a lock held the other way is an error naming what to do.
    /// Nil when the directory does not exist (there is nothing to lock yet).
    func lock(exclusive: Bool) throws -> Lock? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let descriptor = unsafe open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw CLIError.failure("cannot open \(lockFile): \(unsafe String(cString: strerror(errno)))")
        }
        let lock = Lock(descriptor)
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            guard errno == EWOULDBLOCK else { throw CLIError.failure("cannot lock \(lockFile): \(unsafe String(cString: strerror(errno)))") }
            if exclusive {
                throw CLIError.failure(
                    "\(path) is in use by a running kechuang (serve, or another command holds \(lockFile)): stop it first "
                        + "(systemctl stop kechuang), then restore")
            }
            throw CLIError.failure("\(path) is being restored (kechuang restore holds \(lockFile)); run this again when it has finished")
        }
        return lock
    }

    /// The name of user `uid`, nil when there is none.
    static func userName(_ uid: uid_t) -> String? {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// `--data`, else `$KECHUANG_DATA`, else `./kechuang-data`.
    static func resolve(_ arguments: Arguments) -> DataDirectory {
        if let path = arguments.value("--data") { return DataDirectory(path: path) }
        if let path = ProcessInfo.processInfo.environment["KECHUANG_DATA"], !path.isEmpty {
            return DataDirectory(path: path)
        }
        return DataDirectory(path: "./kechuang-data")
    }

    /// Numbers of the checkpoint key files present, ascending.
    func checkpointKeyNumbers() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: keys)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("checkpoint-"), name.hasSuffix(".pub") else { return nil }
            return Int(name.dropFirst("checkpoint-".count).dropLast(".pub".count))
        }.sorted()
    }

    // MARK: Privacy

    /// What `serve` finds wrong with the modes of the node's files: `refusals` are files another
    /// local user could replace (writable by group or others: the directory, the keys directory,
    /// a key, the token, the database), `warnings` files another user could read that hold
    /// secrets or personal data (the database with its `-wal` and `-shm`, a private key, the token).
    /// Each names the path, its mode and the command that fixes it. Files absent are skipped (the
    /// root key normally lives offline).
    func privacyProblems() throws -> (refusals: [String], warnings: [String]) {
        var refusals: [String] = []
        var warnings: [String] = []
        let keyNames = FileManager.default.fileExists(atPath: keys) ? try FileManager.default.contentsOfDirectory(atPath: keys) : []
        let keyFiles = keyNames.sorted().map { keys + "/" + $0 }
        let secrets = keyFiles.filter { $0.hasSuffix(".key") } + [adminToken]
        let database = ["", "-wal", "-shm"].map { self.database + $0 }
        for path in [path, keys] + keyFiles + [adminToken, staffTokens] + database {
            guard let mode = try Self.permissions(path) else { continue }
            let shown = "\(path) (mode \(Self.octal(mode)))"
            if mode & 0o022 != 0 {
                refusals.append("\(shown) is writable by group or others, who could replace the node's files (chmod go-w \(path))")
            } else if mode & 0o044 != 0, database.contains(path) {
                warnings.append("\(shown) is readable by group or others, and holds contacts in full (chmod go-rwx \(path))")
            } else if mode & 0o044 != 0, secrets.contains(path) {
                warnings.append("\(shown) is readable by group or others, and holds a secret (chmod go-rwx \(path))")
            }
        }
        return (refusals, warnings)
    }

    /// The permission bits of `path` (of what a symbolic link points to), or nil when it does not exist.
    static func permissions(_ path: String) throws -> Int? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard FileManager.default.fileExists(atPath: resolved) else { return nil }
        let attributes = try FileManager.default.attributesOfItem(atPath: resolved)
        guard let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else {
            throw CLIError.failure("cannot read the mode of \(path)")
        }
        return mode & 0o7777
    }

    /// A mode as `chmod` writes it: 0755.
    static func octal(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
