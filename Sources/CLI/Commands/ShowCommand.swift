import Catalog
import Foundation
import Store

/// Parses a record id given on the command line; a bare local id gets the node's origin.
func recordID(_ text: String, node: String) throws -> RecordID {
    guard let id = RecordID(text.contains(":") ? text : "\(node):\(text)") else {
        throw CLIError.usage("\(text): not a record id (origin:local-id)")
    }
    return id
}

/// `kechuang show ID`: prints one record as JSON.
enum ShowCommand: Command {
    static let spec = CommandSpec(
        name: "show",
        summary: "Print one record as JSON.",
        usage: "ID [--masked] | ID --unified [--limit N] [--cursor ID]",
        discussion: """
            ID is origin:local-id, or a local id of this node. Exits 1 when there is no such record,
            2 when ID is not a record id.
            With --unified, prints the cluster of the unified catalog that ID is a member of, as
            GET /v1/clusters/{id} answers it: {"cluster", "steward", "record", "conflicts",
            "members": [{"id", "origin", "version", "stage", "entry": {"seq", "line", "body",
            "inclusion"}}], "members_total", "limit", "cursor", "origins": {ORIGIN: {"checkpoint",
            "key_statements"}}}. Each member comes with its log entry line and body line as its
            origin published them and the inclusion proof of the entry under the origin's signed
            checkpoint, so that anyone holding the origins' root keys can check every member
            (protocols/clusters.md says how, and what that proves). At most 100 members per answer
            (--limit 1–100); "cursor", when not null, is given back with --cursor for the next ones.
            """,
        positionals: [("ID", "The record id.")],
        options: [
            .flag("--masked", "Mask the contact as the public sees it (张**, 138****5678)."),
            .flag("--unified", "Print the record's cluster with its members' entries and proofs."),
            OptionSpec(name: "--limit", value: "N", help: "With --unified: members per answer, 1–100 (default 100)."),
            OptionSpec(name: "--cursor", value: "ID", help: "With --unified: continue after this member (the cursor of the previous answer)."),
        ],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let reader = try CatalogReader(path: context.data.database)
        let id = try recordID(context.arguments.positionals[0], node: reader.node.id)
        if context.arguments.flag("--unified") {
            let limit = try context.arguments.integer("--limit", default: ClusterRead.maxMembers, in: 1...ClusterRead.maxMembers)
            // A malformed cursor is the reader's invalidArgument: exit 2.
            guard let cluster = try reader.cluster(of: id, limit: limit, cursor: context.arguments.value("--cursor")) else {
                throw StoreError.notFound(id.description)
            }
            context.out.json(cluster.json)
            return
        }
        guard let project = try reader.project(id) else {
            if let version = try reader.tombstoneVersion(id) {
                throw CLIError.failure("\(id) was deleted (tombstone at version \(version))")
            }
            throw StoreError.notFound(id.description)
        }
        context.out.json(project.jsonValue(nodeFields: true, maskContact: context.arguments.flag("--masked")))
    }
}

/// `kechuang delete ID`: deletes one of this node's records, leaving a tombstone.
enum DeleteCommand: Command {
    static let spec = CommandSpec(
        name: "delete",
        summary: "Delete one of this node's records (a tombstone keeps its version).",
        usage: "ID",
        discussion: "Re-importing the id later re-creates it with the next version. Exits 1 when there is no such record.",
        positionals: [("ID", "The record id.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let store = try CatalogStore(path: context.data.database)
        let id = try recordID(context.arguments.positionals[0], node: store.node.id)
        let version = try await store.delete(id, now: context.now)
        try await NodeKeys.publish(store, context.data, now: context.now)
        context.out.line("Deleted \(id) (tombstone version \(version))")
    }
}

/// `kechuang redact ID`: answers a personal-data erasure request.
enum RedactCommand: Command {
    static let spec = CommandSpec(
        name: "redact",
        summary: "Erase a record's personal data from the published feed (erasure requests).",
        usage: "ID",
        discussion: """
            Appends a redact entry to the log, replaces the published bodies of the record's
            earlier entries with redaction markers, and, if the record is listed, re-publishes it
            without its contact and service agent (version + 2). The log and every checkpoint still
            verify; peers that relay the feed relay the markers (protocols/feed.md §4). A deal
            (ORIGIN:~deal.LOCAL) is redacted the same way: re-published without its service agent
            and its events' notes.
            """,
        positionals: [("ID", "The record id, or a deal id.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let store = try CatalogStore(path: context.data.database)
        let text = context.arguments.positionals[0]
        if TypedObjectID.hasTypedForm(text) {
            guard let id = TypedObjectID(text) else { throw CLIError.usage("redact: \(text) is not a deal id (ORIGIN:~deal.LOCAL)") }
            let outcome = try await store.redact(id, now: context.now)
            try await NodeKeys.publish(store, context.data, now: context.now)
            context.out.line(
                "Redacted \(id): earlier bodies erased; "
                    + (outcome.listed ? "re-published without service agent and event notes (version \(outcome.version))" : "it stays deleted"))
            return
        }
        let id = try recordID(text, node: store.node.id)
        let outcome = try await store.redact(id, now: context.now)
        try await NodeKeys.publish(store, context.data, now: context.now)
        context.out.line(
            "Redacted \(id): earlier bodies erased; "
                + (outcome.listed ? "re-published without contact and service agent (version \(outcome.version))" : "the record stays deleted"))
    }
}
