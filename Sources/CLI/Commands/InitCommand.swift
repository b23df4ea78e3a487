import API
import Catalog
import Feed
import Foundation
import Signing
import Store

/// `kechuang init`: creates a node's store and its two tiers of keys.
enum InitCommand: Command {
    static let spec = CommandSpec(
        name: "init",
        summary: "Create a node: its store, its root key and its first checkpoint key.",
        usage: "--node-id ID --name NAME --region REGION",
        discussion: """
            Creates DIR/kechuang.db and DIR/keys/ with two Ed25519 key pairs (PEM private keys
            *.key, mode 0600, public halves *.pub beside them):
              root.key          the root key. Peers pin its public half. It only signs key
                                statements (authorising or revoking checkpoint keys), so move
                                the private file offline after init and keep a backup.
              checkpoint-1.key  the online key that signs the feed's checkpoints.
            and DIR/admin.token (mode 0600), the bearer token of the admin API.
            The first entry of the node's log is the root key's statement authorising
            checkpoint-1; the first checkpoint is signed at once.
            The node id is also the origin of every record the node owns (ids are ID:local-id).
            Refuses to touch a directory that already holds a node.
            Whatever the umask, DIR and DIR/keys are created mode 0700 and the database (with its
            -wal and -shm files) 0600: it holds contacts in full. An existing DIR is used as it
            is, unless group or others may write to it: then init refuses (chmod go-w DIR).
            """,
        options: [
            OptionSpec(name: "--node-id", value: "ID", help: "Node id and origin: 2–32 of a-z 0-9 -, e.g. sichuan."),
            OptionSpec(name: "--name", value: "NAME", help: "The association's name, e.g. 四川省科学技术协会."),
            OptionSpec(name: "--region", value: "REGION", help: "Region code or name, e.g. sichuan or 四川."),
        ])

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let nodeID = try arguments.required("--node-id", spec)
        let name = try arguments.required("--name", spec).trimmingCharacters(in: .whitespaces)
        let regionText = try arguments.required("--region", spec)
        guard RecordID.isValidOrigin(nodeID) else {
            throw CLIError.usage("init: --node-id \(nodeID): use 2–32 lowercase letters, digits and -, starting with a letter")
        }
        guard let region = Region(lenient: regionText) else {
            throw CLIError.usage("init: --region \(regionText): not a known region (sichuan, beijing, chongqing, 四川, …)")
        }
        guard (1...100).contains(name.count) else { throw CLIError.usage("init: --name must be 1–100 characters") }

        let data = context.data
        let files = FileManager.default
        for existing in [data.database, data.keys, data.adminToken] where files.fileExists(atPath: existing) {
            throw StoreError.nodeExists(existing)
        }
        try makePrivateDirectory(data.path)
        try files.createDirectory(atPath: data.keys, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let root: Ed25519PrivateKey
        let checkpoint: Ed25519PrivateKey
        do {
            root = try Ed25519PrivateKey()
            checkpoint = try Ed25519PrivateKey()
            try KeyFile.writePrivate(root, to: data.rootKey)
            try KeyFile.writePublic(root.publicKey, to: data.rootPublicKey)
            try KeyFile.writePrivate(checkpoint, to: data.checkpointKey(1))
            try KeyFile.writePublic(checkpoint.publicKey, to: data.checkpointPublicKey(1))
            let node = NodeInfo(id: nodeID, name: name, region: region, createdAt: DateText.timestamp(context.now))
            let store = try CatalogStore.create(path: data.database, node: node)
            let authorize = try KeyStatement.sign(
                origin: nodeID, action: .authorize, key: checkpoint.publicKey, fromSize: 1, issuedAt: context.now, rootKey: root)
            _ = try await store.appendKeyStatement(authorize, now: context.now)
            try await store.publish(key: checkpoint, rootKey: root.publicKey, now: context.now, force: true)
            try AdminToken.generate(at: data.adminToken)
        } catch {
            // Leave nothing half-made behind, so that init can simply be run again. The clean-up's
            // own failures are dropped: the error that stopped init is the one to report.
            try? files.removeItem(atPath: data.keys)  // dropped: see above
            try? files.removeItem(atPath: data.adminToken)  // dropped: see above
            StoreBackup.removeDatabaseFiles(data.database)
            throw error
        }
        let out = context.out
        out.line("Created node \(nodeID) (\(name), \(region.label)) in \(data.path)")
        out.line("  store           \(data.database)")
        out.line("  root key        \(root.publicKey.text)")
        out.line("                  \(root.publicKey.fingerprint)")
        out.line("  checkpoint key  \(checkpoint.publicKey.text)  (checkpoint-1)")
        out.line("  admin token     \(data.adminToken)  (Authorization: Bearer <token> for the admin API)")
        out.line("")
        out.line("Give peers the root key line above: they pin it with --root-key.")
        out.line("Move \(data.rootKey) offline (and keep a backup): it is needed only to")
        out.line("authorise, retire or revoke checkpoint keys, and whoever holds it speaks for \(nodeID).")
    }

    /// Creates `path` (and its missing parents) with the directory itself mode 0700, set after
    /// `mkdir` so that the umask cannot widen it. A directory that exists already keeps its mode,
    /// but one that others could write to is refused: they could replace the node's files.
    private static func makePrivateDirectory(_ path: String) throws {
        let files = FileManager.default
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if files.fileExists(atPath: resolved) {
            guard try files.attributesOfItem(atPath: resolved)[.type] as? FileAttributeType == .typeDirectory else {
                throw CLIError.failure("init: \(path) exists and is not a directory")
            }
            if let mode = try DataDirectory.permissions(path), mode & 0o022 != 0 {
                throw CLIError.failure(
                    "init: \(path) (mode \(DataDirectory.octal(mode))) is writable by group or others, who could replace the node's files (chmod go-w \(path), or choose a new directory)")
            }
            return
        }
        // Missing parents are made 0755 whatever the umask: whoever may write to a parent can
        // put a directory of their own in the node's place.
        // (Not NSString.deletingLastPathComponent: it traps on a one-component relative path.)
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        let slash = trimmed.lastIndex(of: "/")
        let parent = slash.map { $0 == trimmed.startIndex ? "/" : String(trimmed[..<$0]) } ?? ""
        if !parent.isEmpty, !files.fileExists(atPath: parent) {
            try files.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        try files.createDirectory(atPath: path, withIntermediateDirectories: false)
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    }
}
