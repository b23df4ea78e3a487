import Catalog
import Feed
import Foundation
import Signing
import Store

/// Finds the keys a node signs with, in its data directory.
enum NodeKeys {
    /// The pinned root key of the node (its public half, which stays on line).
    static func rootPublicKey(_ data: DataDirectory) throws -> Ed25519PublicKey {
        try KeyFile.readPublic(path: data.rootPublicKey)
    }

    /// The root private key, needed only for key statements; it normally lives offline.
    static func rootPrivateKey(_ data: DataDirectory, path: String?) throws -> Ed25519PrivateKey {
        let file = path ?? data.rootKey
        guard FileManager.default.fileExists(atPath: file) else {
            throw CLIError.failure("the root key is not at \(file) (it is kept offline: pass --root-key-file PATH)")
        }
        let key = try KeyFile.readPrivate(path: file)
        guard key.publicKey == (try rootPublicKey(data)) else {
            throw CLIError.failure("\(file) is not this node's root key (keys/root.pub is \(try rootPublicKey(data).keyID))")
        }
        return key
    }

    /// The checkpoint key to sign a checkpoint of `size` with: the newest key file whose key the
    /// log's key statements authorise for that size.
    static func signingKey(_ data: DataDirectory, statements: [KeyStatement], origin: String, size: Int) throws -> Ed25519PrivateKey {
        var state = KeyState(origin: origin, rootKey: try rootPublicKey(data))
        for statement in statements { try state.add(statement) }
        for number in data.checkpointKeyNumbers().reversed() where FileManager.default.fileExists(atPath: data.checkpointKey(number)) {
            let key = try KeyFile.readPrivate(path: data.checkpointKey(number))
            if case .valid = state.standing(keyID: key.publicKey.keyID, size: size) { return key }
        }
        throw CLIError.failure(
            "no checkpoint key in \(data.keys) is authorised for size \(size) (see kechuang keys show; kechuang keys rotate adds one)")
    }

    /// Signs a checkpoint of the node's log if one is due (after a write, or daily).
    ///
    /// Runs isolated to the store, so the admin API can call it inside its write. While a
    /// restore hold lasts nothing is due (the commands that merely keep the checkpoint current,
    /// sync, export, serve, go on); `force` (a key rotation) is refused then (`StoreError.held`).
    @discardableResult
    static func publish(
        _ store: isolated CatalogStore, _ data: DataDirectory, now: Date, force: Bool = false, mirrors: [String]? = nil
    ) throws -> Checkpoint? {
        if !force, try store.restoreHold() != nil { return nil }
        let size = try store.logSize()
        let key = try signingKey(data, statements: try store.keyStatements(), origin: store.node.id, size: size)
        return try store.publish(key: key, rootKey: try rootPublicKey(data), mirrors: mirrors, now: now, force: force)
    }
}
