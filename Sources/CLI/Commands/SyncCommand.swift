import API
import Foundation
import HTTPClient
import JSON
import Store
import Sync

/// `kechuang sync`: pulls every peer's feed once.
enum SyncCommand: Command {
    static let spec = CommandSpec(
        name: "sync",
        summary: "Pull the peers' feeds once: verify, apply, merge. Exits 1 if any peer failed.",
        usage: "[--peer ID] [--json] [--quiet]",
        discussion: """
            One conditional request per peer for its checkpoints.json (an unchanged peer costs one
            304), then for every origin this node trusts: the offered checkpoints are verified
            against the pinned root key and key statements, forks and rollbacks detected, and only
            the missing pages fetched, each verified against the signed root before it is applied
            in one transaction. Every request is bounded (connect and total time, low-speed limit,
            size, redirects); a failing peer is given up within 60 s (each file, with its retries
            and mirrors, gets 60 s; a healthy peer's long log takes as long as it needs, and what
            was applied stays applied). Memory is bounded in bytes, whatever a peer serves:
            pages fetched but not yet applied hold at most 64 MiB (a fetch starts only when that
            budget has room; the page whose turn it is always proceeds), body files over 8 MiB
            are checked and applied from a temporary file, and a sync's peak resident memory
            stays under 320 MiB (README, "How a sync goes"). Peers that failed three times
            in a row are left alone for a while (circuit breaker); --peer ID ignores the breaker.
            Every offered checkpoint, of any size, is checked against the tree held: two
            histories signed by one origin are a fork (both checkpoints kept, both peers named).
            A failure of this node's own database is reported as `local error: …` (exit 1) and
            charged to no peer; the next run takes up where it stopped. A `trust remove` (or
            `trust`) made meanwhile by another process is final: nothing more of that origin is
            applied (`origin ID: not applied — its trust was removed or changed …`).
            `kechuang serve` syncs every --sync-interval.
            A node restored from a backup (kechuang restore) also pulls its own origin from the
            peers that relay it, and ends with `restore hold: lifted: …` once every peer answered
            and none holds more of it (it publishes again), else `restore hold: kept: …` with why;
            in --json, "restore_hold": {"lifted", "message"} (null for a node not held).
            """,
        options: [
            OptionSpec(name: "--peer", value: "ID", help: "Sync with this peer only (ignores its circuit breaker).", repeatable: true),
            .flag("--json", "Print the report as JSON."),
            .flag("--quiet", "No progress line (it is shown only on a terminal anyway)."),
        ])

    static func run(_ context: Context) async throws {
        let store = try CatalogStore(path: context.data.database)
        let only = context.arguments.all("--peer")
        if !only.isEmpty {
            let known = Set(try await store.peers().map(\.id))
            for peer in only where !known.contains(peer) { throw CLIError.usage("sync: no peer \(peer) (see kechuang peer list)") }
        }
        let client = HTTPClient(maxConcurrent: 16)
        defer { client.shutdown() }
        var pipeline = SyncPipeline(store: store, client: client)
        // On a terminal, a long sync (a first one above all) says how far each origin got.
        let progress = TerminalProgress(label: "sync", unit: "entries", quiet: context.arguments.flag("--quiet") || context.arguments.flag("--json"))
        if let progress {
            pipeline.progress = { origin, held, target in
                progress.update(done: held, share: target > 0 ? Double(held) / Double(target) : nil, detail: origin)
            }
        }
        let report = try await pipeline.run(only: only.isEmpty ? nil : only, ignoreBreaker: !only.isEmpty, now: context.now)
        progress?.finish()
        try await NodeKeys.publish(store, context.data, now: Date())
        print(report, context: context)
        if report.failed {
            throw CLIError.failure("sync: \(report.peers.filter { !$0.ok }.map(\.peer).joined(separator: ", ")) failed")
        }
    }

    static func print(_ report: SyncReport, context: Context) {
        if context.arguments.flag("--json") {
            context.out.json(SyncJSON.report(report))
            return
        }
        for peer in report.peers {
            let state = peer.skipped ? "skipped" : (peer.ok ? (peer.notModified ? "ok (unchanged)" : "ok") : "error")
            context.out.line("peer \(peer.peer): \(state)\(peer.error.map { " — \($0)" } ?? "")")
        }
        for origin in report.origins { context.out.line(line(origin)) }
        if let hold = report.restoreHold { context.out.line("restore hold: \(hold.message)") }
    }

    /// `origin ID: STATE[ BEFORE → AFTER entries][ — ERROR]`.
    static func line(_ origin: SyncReport.OriginResult) -> String {
        if origin.trustChanged {
            return "origin \(origin.origin): not applied — its trust was removed or changed during the sync (by another process)"
        }
        let change = origin.after > origin.before ? " \(origin.before) → \(origin.after) entries" : ""
        return "origin \(origin.origin): \(origin.state.rawValue)\(change)\(origin.error.map { " — \($0)" } ?? "")"
    }
}

/// The JSON of a sync report.
enum SyncJSON {
    static func report(_ report: SyncReport) -> JSONValue {
        [
            "ok": .bool(!report.failed),
            "peers": .array(report.peers.map { peer in
                ["peer": .string(peer.peer), "ok": .bool(peer.ok), "skipped": .bool(peer.skipped),
                 "not_modified": .bool(peer.notModified), "error": peer.error.map { .string($0) } ?? .null]
            }),
            "origins": .array(report.origins.map { origin in
                ["origin": .string(origin.origin), "state": .string(origin.state.rawValue),
                 "before": .number(Double(origin.before)), "after": .number(Double(origin.after)),
                 "applied": .number(Double(origin.applied.puts)), "removed": .number(Double(origin.applied.removals)),
                 "ignored": .number(Double(origin.applied.ignored)), "source": origin.source.map { .string($0) } ?? .null,
                 "trust_changed": .bool(origin.trustChanged),
                 "error": origin.error.map { .string($0) } ?? .null]
            }),
            "restore_hold": report.restoreHold.map { ["lifted": .bool($0.lifted), "message": .string($0.message)] } ?? .null,
        ]
    }
}
