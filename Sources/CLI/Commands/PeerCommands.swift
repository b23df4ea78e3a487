import API
import Catalog
import Feed
import Foundation
import HTTPClient
import JSON
import Signing
import Store

/// Parses `--root-key ed25519:<base64>`.
func rootKeyArgument(_ context: Context, _ spec: CommandSpec) throws -> Ed25519PublicKey {
    let text = try context.arguments.required("--root-key", spec)
    do {
        return try Ed25519PublicKey(text: text)
    } catch {
        throw CLIError.usage("\(spec.name): --root-key \(text): expected ed25519:<base64 of the 32 raw bytes>")
    }
}

/// Checks a peer or mirror URL: http(s) with a host, a port (if any) in 1–65535, and no white
/// space anywhere (a URL with a space is no address curl can fetch, and mirrors are stored
/// space-separated). Messages show the URL without its credentials.
func peerURL(_ text: String, _ spec: CommandSpec) throws -> String {
    let shown = redactingUserInfo(text)
    guard !text.contains(where: { $0.isWhitespace }) else {
        throw CLIError.usage("\(spec.name): \"\(shown)\": a URL has no space or other white space (percent-encode it: %20)")
    }
    guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), let host = url.host, !host.isEmpty else {
        throw CLIError.usage("\(spec.name): \(shown): expected an http:// or https:// URL")
    }
    // URL accepts any digits as the port; read them from the authority itself.
    let authority = text.dropFirst((url.scheme ?? "").count + 3).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
    if let colon = hostPort.lastIndex(of: ":"), !hostPort[colon...].contains("]") {
        let digits = hostPort[hostPort.index(after: colon)...]
        guard let port = Int(digits), (1...65535).contains(port) else {
            throw CLIError.usage("\(spec.name): \(shown): port \(digits.isEmpty ? "(empty)" : String(digits)) is out of range 1–65535")
        }
    }
    return text.hasSuffix("/") ? String(text.dropLast()) : text
}

/// `kechuang peer add ID URL --root-key KEY`: a node to pull from, pinning its origin's root key.
enum PeerAddCommand: Command {
    static let spec = CommandSpec(
        name: "peer add",
        summary: "Add a peer to pull feeds from, pinning its origin's root key.",
        usage: "ID URL --root-key KEY [--mirror URL]",
        discussion: """
            ID is the peer's node id (its origin), URL its base URL (http://127.0.0.1:8602). The
            root key (ed25519:<base64>, as `kechuang keys show` prints it on the peer) is pinned
            for origin ID: every checkpoint of ID must chain to it. Sync also fetches, from this
            peer, the other origins it relays that this node trusts (kechuang trust). --mirror
            adds a URL serving the same files (an export behind nginx), tried when URL fails.
            A URL must be http:// or https:// with a host, a port (if any) in 1–65535 and no
            white space (exit 2 otherwise). Adding an existing peer with a new URL or new mirrors
            replaces them and resets its sync state: its failures and circuit breaker, so the
            next sync tries the new address.
            """,
        positionals: [("ID", "The peer's node id."), ("URL", "The peer's base URL.")],
        options: [
            OptionSpec(name: "--root-key", value: "KEY", help: "The peer's root key: ed25519:<base64 of 32 bytes>."),
            OptionSpec(name: "--mirror", value: "URL", help: "A mirror of the peer's files.", repeatable: true),
        ],
        minPositionals: 2, maxPositionals: 2)

    static func run(_ context: Context) async throws {
        let id = context.arguments.positionals[0]
        guard RecordID.isValidOrigin(id) else { throw CLIError.usage("peer add: \(id) is not a node id (2–32 of a-z 0-9 -)") }
        let url = try peerURL(context.arguments.positionals[1], spec)
        let mirrors = try context.arguments.all("--mirror").map { try peerURL($0, spec) }
        let key = try rootKeyArgument(context, spec)
        let store = try CatalogStore(path: context.data.database)
        guard id != store.node.id else { throw CLIError.usage("peer add: \(id) is this node") }
        try await store.trust(id, rootKey: key, now: context.now)
        try await store.addPeer(Peer(id: id, url: url, mirrors: mirrors, addedAt: DateText.timestamp(context.now)))
        let shown = redactingUserInfo(url), shownMirrors = mirrors.map(redactingUserInfo)
        context.out.line("Added peer \(id) at \(shown)\(mirrors.isEmpty ? "" : " (mirrors: \(shownMirrors.joined(separator: ", ")))"); pinned root key \(key.keyID)")
    }
}

/// `kechuang trust ORIGIN --root-key KEY`: an origin reached only through relays.
enum TrustCommand: Command {
    static let spec = CommandSpec(
        name: "trust",
        summary: "Pin an origin's root key, to sync it through the peers that relay it.",
        usage: "ORIGIN --root-key KEY",
        discussion: """
            For an origin this node has no direct route to: any peer that relays it serves its
            pages and checkpoints verbatim, and this node verifies them with the key pinned here.
            A node never takes a key from a relay.
            """,
        positionals: [("ORIGIN", "The origin (node id).")],
        options: [OptionSpec(name: "--root-key", value: "KEY", help: "The origin's root key: ed25519:<base64 of 32 bytes>.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let origin = context.arguments.positionals[0]
        let key = try rootKeyArgument(context, spec)
        let store = try CatalogStore(path: context.data.database)
        try await store.trust(origin, rootKey: key, now: context.now)
        context.out.line("Pinned root key \(key.keyID) for origin \(origin)")
    }
}

/// `kechuang trust remove ORIGIN`.
enum TrustRemoveCommand: Command {
    static let spec = CommandSpec(
        name: "trust remove",
        summary: "Forget an origin: its records leave the unified catalog and its log copy is deleted.",
        usage: "ORIGIN",
        discussion: """
            The origin's records are taken out of the unified catalog (clusters they were in are
            recomputed), and this node's copy of its log, its checkpoint, state and fork evidence
            are deleted; the node stops relaying it. Trusting it again syncs it from the start.
            """,
        positionals: [("ORIGIN", "The origin (node id).")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let origin = context.arguments.positionals[0]
        let store = try CatalogStore(path: context.data.database)
        try await store.untrust(origin, now: context.now)
        context.out.line("Forgot origin \(origin); its records left the unified catalog")
    }
}

/// `kechuang peer remove ID`.
enum PeerRemoveCommand: Command {
    static let spec = CommandSpec(
        name: "peer remove",
        summary: "Stop pulling from a peer (the origins it served keep their data and pinned keys).",
        usage: "ID",
        positionals: [("ID", "The peer's node id.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let store = try CatalogStore(path: context.data.database)
        try await store.removePeer(context.arguments.positionals[0])
        context.out.line("Removed peer \(context.arguments.positionals[0])")
    }
}

/// `kechuang peer list`.
enum PeerListCommand: Command {
    static let spec = CommandSpec(
        name: "peer list", summary: "List peers and trusted origins (URLs without credentials: http://***@host/…).", usage: "[--json]",
        options: [.flag("--json", "Print JSON.")])

    static func run(_ context: Context) async throws {
        let store = try CatalogStore(path: context.data.database)
        let peers = try await store.peers()
        let trusted = try await store.trustedOrigins()
        if context.arguments.flag("--json") {
            context.out.json([
                "peers": .array(peers.map {
                    ["id": .string($0.id), "url": .string(redactingUserInfo($0.url)), "mirrors": .array($0.mirrors.map { .string(redactingUserInfo($0)) })]
                }),
                "trusted_origins": .array(trusted.map { ["origin": .string($0.origin), "root_key": .string($0.rootKey.text)] }),
            ])
            return
        }
        context.out.line("Peers:")
        for peer in peers {
            let mirrors = peer.mirrors.map(redactingUserInfo)
            context.out.line("  \(peer.id)  \(redactingUserInfo(peer.url))\(mirrors.isEmpty ? "" : "  mirrors: " + mirrors.joined(separator: ", "))")
        }
        context.out.line("Trusted origins:")
        for origin in trusted { context.out.line("  \(origin.origin)  \(origin.rootKey.text)") }
    }
}

/// `kechuang peer status`: each peer's and origin's state, with the last error and the evidence.
enum PeerStatusCommand: Command {
    static let spec = CommandSpec(
        name: "peer status",
        summary: "Show each peer's and each origin's state (ok, stale, error, fork) with errors and evidence.",
        usage: "[--json]",
        discussion: """
            Peers: ok or error (with the last error, consecutive failures and, when the circuit
            breaker is open, until when periodic syncs leave it alone). Origins: ok, stale (its
            newest checkpoint expired), error or fork (two signed checkpoints that cannot both be
            true, printed verbatim as evidence); the data stays at its last good state. A peer that
            served a record which failed verification in a federated query (search --federated,
            protocols/federation.md) shows that error and its time (federated_error,
            federated_at); its sync state is not changed by it. GET /v1/peers serves the same
            JSON with each error replaced by its class (unreachable, timeout, invalid feed,
            refused redirect, http 503, …): the full text is for the operator. URLs are shown
            without the credentials they may carry (http://***@host/…), in errors too.
            """,
        options: [.flag("--json", "Print JSON (the shape of GET /v1/peers, with the errors' full text).")])

    static func run(_ context: Context) async throws {
        let reader = try FederationReader(path: context.data.database)
        let value = try FederationJSON.status(reader, errors: .full)
        if context.arguments.flag("--json") {
            context.out.json(value)
            return
        }
        let out = context.out
        let peers = value["peers"]?.arrayValue ?? []
        let origins = value["origins"]?.arrayValue ?? []
        // Names in one column, as wide as the longest.
        let width = (peers.compactMap { $0["id"]?.stringValue } + origins.compactMap { $0["origin"]?.stringValue }).map(\.count).max() ?? 0
        func column(_ text: String?) -> String { (text ?? "").padding(toLength: width, withPad: " ", startingAt: 0) }
        out.line("Peers:")
        for peer in peers {
            out.line("  \(column(peer["id"]?.stringValue))  \((peer["state"]?.stringValue ?? "").padding(toLength: 5, withPad: " ", startingAt: 0))  \(peer["url"]?.stringValue ?? "")")
            if let error = peer["last_error"]?.stringValue { out.line("      last error: \(error)") }
            if let retry = peer["retry_after"]?.stringValue { out.line("      circuit open until \(retry)") }
            if let error = peer["federated_error"]?.stringValue {
                out.line("      federated query at \(peer["federated_at"]?.stringValue ?? "?"): \(error)")
            }
        }
        out.line("Origins:")
        for origin in origins {
            let size = origin["checkpoint"]?["size"]?.intValue.map(String.init) ?? "-"
            let state = (origin["state"]?.stringValue ?? "").padding(toLength: 5, withPad: " ", startingAt: 0)
            out.line("  \(column(origin["origin"]?.stringValue))  \(state)  checkpoint \(size), log \(origin["log_size"]?.intValue ?? 0) entries\(origin["source"]?.stringValue.map { ", from \($0)" } ?? "")")
            if let error = origin["last_error"]?.stringValue { out.line("      last error: \(error)") }
            for evidence in origin["fork_evidence"]?.arrayValue ?? [] {
                out.line("      evidence (\(evidence["first_source"]?.stringValue ?? "")): \(evidence["first"].map { JSONWriter.string($0, pretty: false) } ?? "")")
                out.line("      evidence (\(evidence["second_source"]?.stringValue ?? "")): \(evidence["second"].map { JSONWriter.string($0, pretty: false) } ?? "")")
            }
            if let ignored = origin["ignored_entries"]?.intValue, ignored > 0 { out.line("      \(ignored) entries ignored and reported (kechuang peer status --json)") }
        }
    }
}
