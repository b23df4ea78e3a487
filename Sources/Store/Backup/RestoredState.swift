import Catalog
import Feed
import JSON
import Merge
import SQLite

/// Checks that what a restored database holds as current is what its verified logs say
/// (`kechuang restore`, after `RestoredLogs`): for every origin, the records and typed objects of
/// that origin are exactly those its log folds to (merge.md §2), each with the body of its last
/// accepted `put`. A backup whose logs verify but whose `records` were edited (a forged title or
/// contact under another origin's id) is refused: those tables are what the node serves.
///
/// A peer's record is stored as its log's body line, byte for byte; a record of the node's own
/// origin holds its contact in full, and is compared in its published form (`Project.publishedBody`,
/// the contact masked), which is what its log holds.
struct RestoredState {
    let connection: Connection

    /// What the database holds against what its log folds to.
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    func verify(origin: String) throws {
        // The seq of each id's current put (records) or object (typed objects), folded in log order.
        var records: [String: Int] = [:]
        var objects: [String: Int] = [:]
        var versions: [String: Int] = [:]
        try connection.prepare("SELECT entry, body FROM log_entries WHERE origin = ? ORDER BY seq").forEach([.text(origin)]) { row in
            let entry = try LogEntry(line: (row.blob(0) ?? [])[...])
            let input = OriginApplier.input(entry, storedBody: row.blob(1) ?? [])
            switch Merge.fold(input, origin: origin, lastVersion: versions[entry.id]) {
            case .put:
                versions[entry.id] = entry.version
                records[entry.id] = entry.seq
            case .object:
                versions[entry.id] = entry.version
                objects[entry.id] = entry.seq
            case .remove:
                versions[entry.id] = entry.version
                records[entry.id] = nil
                objects[entry.id] = nil
            case .skip, .ignore:
                break
            }
        }
        let logBody = try connection.prepare("SELECT body FROM log_entries WHERE origin = ? AND seq = ?")
        func published(_ seq: Int) throws -> [UInt8] {
            try logBody.queryFirst([.text(origin), .integer(Int64(seq))]) { $0.blob(0) ?? [] } ?? []
        }
        try connection.prepare("SELECT id, body FROM records WHERE origin = ?").forEach([.text(origin)]) { row in
            let id = row.text(0) ?? ""
            guard let seq = records.removeValue(forKey: id) else {
                throw Mismatch(description: "records holds \(id), which the log of \(origin) does not hold as current")
            }
            // A peer's record is stored as its log's body line; the node's own in full.
            let body = Array((row.text(1) ?? "").utf8), logged = try published(seq)
            if body == logged { return }
            let stored: [UInt8]
            do {
                stored = try ProjectDecoder(mode: .stored).decode(try JSONParser.parse(body)).publishedBody()
            } catch {
                throw Mismatch(description: "records holds \(id) in a form that does not decode: \(error)")
            }
            guard stored == logged else {
                throw Mismatch(description: "records holds \(id) unlike the entry seq \(seq) of the log of \(origin), its current state")
            }
        }
        if let (id, seq) = records.min(by: { $0.key < $1.key }) {
            throw Mismatch(description: "records lacks \(id), current in the log of \(origin) since seq \(seq) (and \(records.count - 1) more)")
        }
        try connection.prepare("SELECT id, body FROM typed_objects WHERE substr(id, 1, ?) = ? AND body IS NOT NULL").forEach(
            [.integer(Int64(origin.utf8.count + 1)), .text(origin + ":")]
        ) { row in
            let id = row.text(0) ?? ""
            guard let seq = objects.removeValue(forKey: id) else {
                throw Mismatch(description: "typed_objects holds \(id), which the log of \(origin) does not hold as current")
            }
            guard try (row.blob(1) ?? []) == published(seq) else {
                throw Mismatch(description: "typed_objects holds \(id) unlike the entry seq \(seq) of the log of \(origin), its current state")
            }
        }
        if let (id, seq) = objects.min(by: { $0.key < $1.key }) {
            throw Mismatch(description: "typed_objects lacks \(id), current in the log of \(origin) since seq \(seq)")
        }
    }
}
