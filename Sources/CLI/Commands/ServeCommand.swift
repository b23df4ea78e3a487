import API
import Catalog
import Foundation
import HTTPClient
import HTTPServer
import JSON
import Store
import Sync

/// `kechuang serve`: the node's HTTP server (libmicrohttpd).
enum ServeCommand: Command {
    static let spec = CommandSpec(
        name: "serve",
        summary: "Serve the feed, the catalog and the admin API over HTTP until SIGINT or SIGTERM.",
        usage: "[--listen HOST:PORT] [--sync-interval SECONDS] [--threads N] [--max-connections N] [--max-connections-per-client N] [--max-queries-per-client N] [--trusted-proxy ADDRESS] [--idle-timeout SECONDS] [--head-timeout SECONDS] [--body-timeout SECONDS] [--body-min-rate BYTES] [--max-body-bytes N] [--mirror URL] [--lexicon FILE] [--log-format plain|json]",
        discussion: """
            Serves the signed feed of every origin the node holds (protocols/feed.md: manifest,
            checkpoints, pages, bodies, page roots, proofs), public catalog reads (/v1/search,
            also scope=federation across the peers within deadline_ms and proofs=true,
            protocols/federation.md; /v1/projects/ID, /v1/stats), the admin API (PUT and DELETE /v1/projects/ID, POST
            /v1/projects/import, with Authorization: Bearer <DIR/admin.token>), /healthz and
            /metrics (Prometheus), and GET /v1/peers (sync state). It pulls its peers' feeds every
            --sync-interval seconds (kechuang sync; each origin that grew or is not ok is printed
            as `sync: origin ID: STATE BEFORE → AFTER entries`, failing peers and `local error: …`
            go to standard error), and serves the origins it holds verbatim, so
            peers without a direct route can sync them through it. CLI commands keep working while
            it runs (import, redact, export, sync, …), and their writes are served at once. The checkpoint is re-issued before
            it expires (checked every minute, re-signed daily). SIGINT or SIGTERM stops it
            gracefully: no new connections, requests in flight get up to 10 s to finish, a sync
            in progress is cancelled, and the process exits once it has stopped. protocols/openapi.yaml
            describes the API.
            It refuses to start (exit 1) while the data directory, DIR/keys, a key, the admin
            token or the database is writable by group or others, naming the file and its mode,
            and warns when the database (with -wal, -shm), a private key or the token is readable
            by them (kechuang init makes DIR 0700 and these files 0600).

            The HTTP edge (README, "The HTTP edge"): a request is decided from its head before a
            byte of its body is read (404, 405, 401 for a write without the token, 413 for a body
            over the route's limit: none for reads and DELETE, 1 MiB for PUT, --max-body-bytes for
            an import), and 100 Continue is sent only to an admitted request. A head must arrive
            within --head-timeout seconds (also between requests on a kept-alive connection), a
            body within --body-timeout seconds plus one per --body-min-rate bytes received; a late
            one gets 408 and the connection is shut down. Request targets over 8 KiB get 414,
            heads over 16 KiB get 431 (JSON); heads over the 32 KiB connection pool get
            libmicrohttpd's own HTML 414 or 431. Content-Length beside Transfer-Encoding, or two
            different Content-Lengths, get 400 and the connection is closed; a transfer coding
            other than chunked gets 501. serve raises its open-file limit (RLIMIT_NOFILE) to fit
            --max-connections, up to the hard limit, and serves fewer connections (with a warning)
            when the hard limit is lower.

            --log-format json writes what serve says as one JSON object per line, for a log
            collector: {"time", "level", "event", "message", …fields}, info lines on standard
            output, warnings and errors on standard error, as the plain lines are. Events:
            serving, warning, descriptor_limit, sync_peer_failed (peer, error), sync_origin
            (origin, state, before, after, error), restore_hold (lifted, message), sync_failed, checkpoint_failed, merge_failed,
            match_all_not_stored, signal, stopped. No line holds a token, a key or a URL's
            credentials (user:password@ becomes ***@).
            """,
        options: [
            OptionSpec(name: "--listen", value: "HOST:PORT", help: "Address to listen on (default 127.0.0.1:8601; port 0 picks a free one)."),
            OptionSpec(name: "--threads", value: "N", help: "Worker threads (default 4)."),
            OptionSpec(name: "--max-connections", value: "N", help: "Open connections in all (default 4096); more wait in the listen backlog."),
            OptionSpec(name: "--max-connections-per-client", value: "N", help: "Open connections per client address (default 64; 0: no limit)."),
            OptionSpec(
                name: "--max-queries-per-client", value: "N",
                help: "Searches, matches, reads and pages one client may have in progress; more are answered 429 with Retry-After (default: half of --threads, at least 1; 0: no limit)."),
            OptionSpec(
                name: "--trusted-proxy", value: "ADDRESS",
                help: "A reverse proxy's IPv4 address: its requests count for the client it names last in X-Forwarded-For (repeatable).",
                repeatable: true),
            OptionSpec(name: "--idle-timeout", value: "SECONDS", help: "Close a connection idle this long (default 30)."),
            OptionSpec(name: "--head-timeout", value: "SECONDS", help: "A request head must arrive within this time (default 10; 0: no limit)."),
            OptionSpec(name: "--body-timeout", value: "SECONDS", help: "A request body must arrive within this time, plus one second per --body-min-rate bytes received (default 30; 0: no limit)."),
            OptionSpec(name: "--body-min-rate", value: "BYTES", help: "Bytes per second that earn a body one more second (default 16384; 0: a fixed --body-timeout)."),
            OptionSpec(name: "--max-body-bytes", value: "N", help: "Largest request body, an import (default 67108864)."),
            OptionSpec(name: "--mirror", value: "URL", help: "A base URL that serves the same files, listed in the manifest.", repeatable: true),
            OptionSpec(name: "--sync-interval", value: "SECONDS", help: "Pull the peers' feeds this often (default 60; 0: never)."),
            OptionSpec(name: "--lexicon", value: "FILE", help: "Add an association's matching lexicon to GET /v1/matches (repeatable).", repeatable: true),
            OptionSpec(name: "--log-format", value: "FORMAT", help: "plain (default) or json: one JSON object per line."),
        ])

    static func run(_ context: Context) async throws {
        let arguments = context.arguments
        let listen = arguments.value("--listen") ?? "127.0.0.1:8601"
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw CLIError.usage("serve: --listen \(listen): expected HOST:PORT such as 127.0.0.1:8601")
        }
        var configuration = HTTPServer.Configuration()
        configuration.host = String(listen[..<colon])
        configuration.port = port
        configuration.threads = try arguments.integer("--threads", default: 4, in: 1...256)
        configuration.maxConnections = try arguments.integer("--max-connections", default: 4096, in: 1...100_000)
        configuration.maxConnectionsPerClient = try arguments.integer("--max-connections-per-client", default: 64, in: 0...100_000)
        let queriesPerClient = try arguments.integer("--max-queries-per-client", default: max(1, configuration.threads / 2), in: 0...100_000)
        let proxies = arguments.all("--trusted-proxy")
        for proxy in proxies where !HTTPServer.isIPv4(proxy) {
            throw CLIError.usage("serve: --trusted-proxy \(proxy): expected an IPv4 address such as 127.0.0.1")
        }
        configuration.idleTimeout = try arguments.integer("--idle-timeout", default: 30, in: 1...3600)
        configuration.headTimeout = try arguments.integer("--head-timeout", default: 10, in: 0...3600)
        configuration.bodyTimeout = try arguments.integer("--body-timeout", default: 30, in: 0...86_400)
        configuration.bodyMinRate = try arguments.integer("--body-min-rate", default: 16 << 10, in: 0...(1 << 30))
        configuration.maxRequestBodyBytes = try arguments.integer("--max-body-bytes", default: 64 << 20, in: 1024...(1 << 30))
        let syncInterval = try arguments.integer("--sync-interval", default: 60, in: 0...86_400)
        let formatText = arguments.value("--log-format") ?? "plain"
        guard let format = ServerLog.Format(rawValue: formatText) else { throw CLIError.usage("serve: --log-format \(formatText): plain or json") }
        let log = ServerLog(format: format)
        fitDescriptorLimit(&configuration, log: log)

        let data = context.data
        // Before anything is read or served: a file another user could replace would let them
        // speak for the node; a database they can read gives them every contact.
        if FileManager.default.fileExists(atPath: data.database) {
            let (refusals, warnings) = try data.privacyProblems()
            guard refusals.isEmpty else {
                throw CLIError.failure("serve: refusing to start: " + refusals.joined(separator: "\nserve: refusing to start: "))
            }
            for warning in warnings { log.event(.warning, "warning", "warning: \(warning)", ["warning": .string(warning)]) }
        }
        let store = try CatalogStore(path: data.database)
        let mirrors = arguments.all("--mirror")
        try await NodeKeys.publish(store, data, now: Date(), mirrors: mirrors.isEmpty ? nil : mirrors)
        var api = NodeAPI.Configuration(
            databasePath: data.database, store: store, token: AdminToken(path: data.adminToken),
            publish: { store in try NodeKeys.publish(store, data, now: Date()) })
        api.maxImportBytes = configuration.maxRequestBodyBytes
        api.match = MatchService(lexicon: try MatchCommand.lexicon(context))
        api.log = log
        api.rootKey = try NodeKeys.rootPublicKey(data)
        api.maxQueriesPerClient = queriesPerClient
        api.trustedProxies = Set(proxies)
        let handler = NodeAPI(configuration: api)
        let metrics = handler.metrics
        let server = try HTTPServer(configuration: configuration, handler: handler)
        let signals = try TerminationSignals.stream()
        try server.start()
        log.event(
            .info, "serving", "Serving \(store.node.id) on http://\(configuration.host):\(server.port) (SIGINT or SIGTERM stops)",
            ["node": .string(store.node.id), "url": .string("http://\(configuration.host):\(server.port)")])

        // Every minute: re-issue the checkpoint when due (after writes of processes that ended
        // before signing, and daily, well before the week-long expiry) and take local changes
        // into the unified catalog. Every --sync-interval: pull the peers.
        if let hold = try await store.restoreHold() {
            log.event(
                .warning, "restore_hold", "restore hold: \(hold.refusal(origin: store.node.id))",
                ["restored_at": .string(hold.restoredAt), "size": .number(Double(hold.size))])
        }
        let ticker = Task {
            let client = HTTPClient(maxConcurrent: 16)
            defer { client.shutdown() }
            var holdMessage: String?
            var lastSync = ContinuousClock.now - .seconds(max(syncInterval, 1))
            while !Task.isCancelled {
                if syncInterval > 0, ContinuousClock.now - lastSync >= .seconds(syncInterval) {
                    lastSync = .now
                    let started = ContinuousClock.now
                    do {
                        let report = try await SyncPipeline(store: store, client: client).run()
                        let took = ContinuousClock.now - started
                        metrics.recordSync(
                            seconds: Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18, failed: report.peers.contains { !$0.ok },
                            applied: Dictionary(report.origins.map { ($0.origin, max(0, $0.after - $0.before)) }, uniquingKeysWith: +),
                            failures: report.origins.filter { $0.state == .error || $0.state == .fork }.map {
                                Metrics.failureKind(state: $0.state.rawValue, error: $0.error)
                            })
                        for peer in report.peers where !peer.ok {
                            log.event(
                                .error, "sync_peer_failed", "sync with \(peer.peer): \(peer.error ?? "failed")",
                                ["peer": .string(peer.peer), "error": .string(peer.error ?? "failed")])
                        }
                        // What changed, one line per origin that grew or is not ok.
                        for origin in report.origins where origin.after > origin.before || origin.state != .ok || origin.trustChanged {
                            log.event(
                                .info, "sync_origin", "sync: \(SyncCommand.line(origin))",
                                [
                                    "origin": .string(origin.origin), "state": .string(origin.state.rawValue), "before": .number(Double(origin.before)),
                                    "after": .number(Double(origin.after)), "error": origin.error.map(JSONValue.string) ?? .null,
                                ])
                        }
                        // A restored node: said when the hold is lifted, or kept for a new reason.
                        if let hold = report.restoreHold, hold.message != holdMessage {
                            holdMessage = hold.message
                            log.event(
                                hold.lifted ? .info : .warning, "restore_hold", "restore hold: \(hold.message)",
                                ["lifted": .bool(hold.lifted), "message": .string(hold.message)])
                        }
                    } catch {
                        log.event(.error, "sync_failed", "sync: \(error)", ["error": .string("\(error)")])
                    }
                }
                do {
                    try await NodeKeys.publish(store, data, now: Date())
                } catch {
                    log.event(.error, "checkpoint_failed", "cannot re-issue the checkpoint: \(error)", ["error": .string("\(error)")])
                }
                do {
                    try await store.refreshUnified()
                } catch {
                    // The marks stay: the next tick recomputes.
                    log.event(.error, "merge_failed", "merge: local error: \(error)", ["error": .string("\(error)")])
                }
                try? await Task.sleep(for: .seconds(min(60, syncInterval > 0 ? syncInterval : 60)))
            }
        }
        for await signal in signals {
            log.event(.info, "signal", "Received signal \(signal); stopping", ["signal": .string("\(signal)")])
            break
        }
        server.stop()
        // The ticker may be signing a checkpoint or syncing: it stops at its next step (transfers
        // and sleeps end on cancellation), and the process exits only then, never under it.
        ticker.cancel()
        await ticker.value
        log.event(.info, "stopped", "Stopped")
    }

    /// Descriptors kept for everything but connections: the database and its readers, the sync's
    /// transfers, standard streams, signal pipes.
    static let reservedDescriptors = 256

    /// Raises the open-file limit so that every connection fits, or lowers `--max-connections` to
    /// what the hard limit allows (with a warning): a server out of descriptors stops accepting, and
    /// a thousand slow clients would lock everyone else out.
    static func fitDescriptorLimit(_ configuration: inout HTTPServer.Configuration, log: ServerLog) {
        let needed = DescriptorLimit.needed(by: configuration) + reservedDescriptors
        let available = DescriptorLimit.raise(toAtLeast: needed)
        guard available > 0, available < needed else { return }
        let fitting = max(1, configuration.maxConnections - (needed - available))
        log.event(
            .warning, "descriptor_limit",
            "the open-file limit is \(available) (ulimit -n, hard limit); serving at most \(fitting) connections instead of \(configuration.maxConnections)",
            ["limit": .number(Double(available)), "connections": .number(Double(fitting))])
        configuration.maxConnections = fitting
    }
}
