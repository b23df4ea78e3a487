import Catalog
import JSON
import Signing
import SQLite

/// How a record maps onto a row of `records`: the canonical body plus the columns derived from it.
enum RecordRow {
    /// Column list of `INSERT INTO records`, in the order `values(for:)` returns.
    static let insertColumns =
        "id, origin, kind, industry, region, stage, trl, finance_type, valid_through, created_at, updated_at, version, "
        + "title_key, content_hash, body, s_title, s_summary, s_keywords, s_org, dup_key"

    /// The SHA-256 of the record's content (canonical JSON without node-owned fields).
    static func contentHash(_ project: Project) throws -> [UInt8] {
        SHA256.hash(try JCS.canonicalize(project.jsonValue(nodeFields: false)))
    }

    /// The values of `insertColumns` but the last (`dup_key`) for a record whose node fields are
    /// already set. `body` is the stored JSON when it is given (a peer's body line, verbatim),
    /// else the record's canonical JSON. The folded search columns come last.
    static func values(for project: Project, contentHash: [UInt8], body given: [UInt8]? = nil) throws -> [SQLValue] {
        let body = try given ?? JCS.canonicalize(project.jsonValue(nodeFields: true))
        let foldedTitle = TextNormalizer.fold(project.title)
        var financeType: String?
        if case .finance(let finance) = project.details { financeType = finance.productType.rawValue }
        return [
            .text(project.id.description), .text(project.origin), .text(project.kind.rawValue),
            .text(project.industry.rawValue), .text(project.organization.region.code),
            .integer(Int64(project.stage.ordinal)), .int(project.trl), .text(financeType), .text(project.validThrough),
            .text(project.createdAt ?? ""), .text(project.updatedAt ?? ""), .integer(Int64(project.version)),
            .text(PinyinSortKey.key(project.title, folded: foldedTitle)), .blob(contentHash), .text(String(decoding: body, as: UTF8.self)),
            .text(foldedTitle), .text(TextNormalizer.fold(project.summary)),
            .text(project.keywords.map(TextNormalizer.fold).joined(separator: " | ")),
            .text(TextNormalizer.fold(project.organization.name)),
        ]
    }

    /// Decodes a stored body back into a record.
    static func project(body: String) throws -> Project {
        let value = try JSONParser.parse(Array(body.utf8))
        return try ProjectDecoder(mode: .stored).decode(value)
    }
}
