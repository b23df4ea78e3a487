import Foundation
import JSON
import Signing

/// `kechuang keys show`: prints the node's public keys and their fingerprints.
enum KeysShowCommand: Command {
    static let spec = CommandSpec(
        name: "keys show",
        summary: "Print the node's public keys as ed25519:<base64> with fingerprints.",
        usage: "[--json]",
        discussion: """
            The root key line is what peers pass to --root-key. A private half that is no longer in
            DIR/keys (the root key, once moved offline) is reported as offline.
            """,
        options: [.flag("--json", "Print JSON: {\"root\": {…}, \"checkpoint_keys\": [{…}]}.")])

    static func run(_ context: Context) async throws {
        let data = context.data
        guard FileManager.default.fileExists(atPath: data.rootPublicKey) else {
            throw CLIError.failure("no keys in \(data.keys) (create a node with `kechuang init`)")
        }
        let root = try KeyFile.readPublic(path: data.rootPublicKey)
        let checkpoints = try data.checkpointKeyNumbers().map { number in
            (number, try KeyFile.readPublic(path: data.checkpointPublicKey(number)))
        }
        func describe(_ key: Ed25519PublicKey, privatePath: String) -> JSONValue {
            [
                "key": .string(key.text), "fingerprint": .string(key.fingerprint), "key_id": .string(key.keyID),
                "private_key": FileManager.default.fileExists(atPath: privatePath) ? .string(privatePath) : .null,
            ]
        }
        if context.arguments.flag("--json") {
            context.out.json([
                "root": describe(root, privatePath: data.rootKey),
                "checkpoint_keys": .array(checkpoints.map { number, key in
                    var entry = describe(key, privatePath: data.checkpointKey(number))
                    if case .object(var fields) = entry {
                        fields["name"] = .string("checkpoint-\(number)")
                        entry = .object(fields)
                    }
                    return entry
                }),
            ])
            return
        }
        let out = context.out
        func line(_ name: String, _ key: Ed25519PublicKey, _ privatePath: String) {
            let location = FileManager.default.fileExists(atPath: privatePath) ? privatePath : "offline"
            out.line("\(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(key.text)")
            out.line("\(String(repeating: " ", count: 15))\(key.fingerprint)  key id \(key.keyID)  private: \(location)")
        }
        line("root", root, data.rootKey)
        for (number, key) in checkpoints { line("checkpoint-\(number)", key, data.checkpointKey(number)) }
    }
}
