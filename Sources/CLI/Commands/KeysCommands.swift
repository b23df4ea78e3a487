import Catalog
import Feed
import Foundation
import Signing
import Store

/// `kechuang keys rotate`: a new checkpoint key, authorised by the root key; the old one retired.
enum KeysRotateCommand: Command {
    static let spec = CommandSpec(
        name: "keys rotate",
        summary: "Authorise a new checkpoint key and retire the current one (needs the root key).",
        usage: "[--root-key-file PATH]",
        discussion: """
            Creates keys/checkpoint-N.key, appends two key statements signed by the root key to
            the log (authorize the new key, retire the old one, both from the size that contains
            them) and signs a checkpoint with the new key. Checkpoints the old key signed stay
            valid for the sizes it covered. The root key is read from --root-key-file (default
            keys/root.key); keep it offline otherwise.
            """,
        options: [OptionSpec(name: "--root-key-file", value: "PATH", help: "The root private key (default DIR/keys/root.key).")])

    static func run(_ context: Context) async throws {
        let data = context.data
        let store = try CatalogStore(path: data.database)
        let root = try NodeKeys.rootPrivateKey(data, path: context.arguments.value("--root-key-file"))
        let size = try await store.logSize()
        let current = try NodeKeys.signingKey(data, statements: try await store.keyStatements(), origin: store.node.id, size: size)
        let number = (data.checkpointKeyNumbers().last ?? 0) + 1
        let fresh = try Ed25519PrivateKey()
        try KeyFile.writePrivate(fresh, to: data.checkpointKey(number))
        try KeyFile.writePublic(fresh.publicKey, to: data.checkpointPublicKey(number))
        // The two statements land at seq size and size + 1; the new key signs from size + 2 on.
        let from = size + 2
        let node = store.node.id
        _ = try await store.appendKeyStatement(
            KeyStatement.sign(origin: node, action: .authorize, key: fresh.publicKey, fromSize: from, issuedAt: context.now, rootKey: root),
            now: context.now)
        _ = try await store.appendKeyStatement(
            KeyStatement.sign(origin: node, action: .retire, key: current.publicKey, fromSize: from, issuedAt: context.now, rootKey: root),
            now: context.now)
        let checkpoint = try await NodeKeys.publish(store, data, now: context.now, force: true)
        context.out.line("Authorised checkpoint-\(number) \(fresh.publicKey.text) (key id \(fresh.publicKey.keyID)) from size \(from)")
        context.out.line("Retired key \(current.publicKey.keyID) from size \(from); checkpoint \(checkpoint?.size ?? 0) signed by the new key")
    }
}

/// `kechuang keys revoke`: declares a checkpoint key compromised.
enum KeysRevokeCommand: Command {
    static let spec = CommandSpec(
        name: "keys revoke",
        summary: "Revoke a compromised checkpoint key (needs the root key); a new key takes over.",
        usage: "KEY-ID [--from-size N] [--root-key-file PATH]",
        discussion: """
            Appends a revoke statement signed by the root key: no checkpoint of size >= N signed
            by that key is valid (default N: the current log size + 1, so checkpoints already
            published stay valid; give an earlier N if the key was stolen earlier). When the
            revoked key is the one in use, a new checkpoint key is authorised first and signs the
            next checkpoint. KEY-ID is the 16-hex key id (see kechuang keys show).
            """,
        positionals: [("KEY-ID", "The key id of the checkpoint key to revoke.")],
        options: [
            OptionSpec(name: "--from-size", value: "N", help: "First checkpoint size the revocation covers."),
            OptionSpec(name: "--root-key-file", value: "PATH", help: "The root private key (default DIR/keys/root.key)."),
        ],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let data = context.data
        let keyID = context.arguments.positionals[0]
        let store = try CatalogStore(path: data.database)
        let node = store.node.id
        let root = try NodeKeys.rootPrivateKey(data, path: context.arguments.value("--root-key-file"))
        let statements = try await store.keyStatements()
        guard let target = statements.first(where: { $0.keyID == keyID })?.key else {
            throw CLIError.usage("keys revoke: \(keyID) is not a checkpoint key of \(node) (see kechuang keys show)")
        }
        let size = try await store.logSize()
        let from = try context.arguments.integer("--from-size", default: size + 1, in: 1...Int(Int32.max))
        let current = try? NodeKeys.signingKey(data, statements: statements, origin: node, size: size)
        if current?.publicKey.keyID == keyID {
            let number = (data.checkpointKeyNumbers().last ?? 0) + 1
            let fresh = try Ed25519PrivateKey()
            try KeyFile.writePrivate(fresh, to: data.checkpointKey(number))
            try KeyFile.writePublic(fresh.publicKey, to: data.checkpointPublicKey(number))
            _ = try await store.appendKeyStatement(
                KeyStatement.sign(origin: node, action: .authorize, key: fresh.publicKey, fromSize: size + 2, issuedAt: context.now, rootKey: root),
                now: context.now)
            context.out.line("Authorised checkpoint-\(number) \(fresh.publicKey.text) (key id \(fresh.publicKey.keyID)) from size \(size + 2)")
        }
        _ = try await store.appendKeyStatement(
            KeyStatement.sign(origin: node, action: .revoke, key: target, fromSize: from, issuedAt: context.now, rootKey: root),
            now: context.now)
        let checkpoint = try await NodeKeys.publish(store, data, now: context.now, force: true)
        context.out.line("Revoked key \(keyID) from size \(from); checkpoint \(checkpoint?.size ?? 0) signed")
    }
}
