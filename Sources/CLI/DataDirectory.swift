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
/// ```
struct DataDirectory {
    let path: String

    var database: String { path + "/kechuang.db" }
    var keys: String { path + "/keys" }
    var rootKey: String { keys + "/root.key" }
    var rootPublicKey: String { keys + "/root.pub" }
    var adminToken: String { path + "/admin.token" }
    func checkpointKey(_ number: Int) -> String { keys + "/checkpoint-\(number).key" }
    func checkpointPublicKey(_ number: Int) -> String { keys + "/checkpoint-\(number).pub" }

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
}
