public import Catalog
import JSON
public import Merge
import Signing
import SQLite

extension CatalogReader {
    /// Every current deal of every origin (typed objects of type `deal`).
    public func deals() throws -> [Deal] {
        try TypedObjects.bodies(type: "deal", connection: connection).map { try Self.deal($0.body, id: $0.id) }
    }

    /// The current deal `id`, nil when there is none.
    public func deal(_ id: TypedObjectID) throws -> Deal? {
        try TypedObjects.body(id, connection: connection).map { try Self.deal($0, id: id.description) }
    }

    /// A stored deal body, decoded.
    private static func deal(_ body: [UInt8], id: String) throws -> Deal {
        do {
            return try Deal(try JSONParser.parse(body))
        } catch {
            // The fold stored only bodies it decoded: one that no longer decodes is damage.
            throw StoreError.corrupt("typed object \(id): \(error)")
        }
    }

    /// The cluster a project belongs to, nil when this node does not hold it.
    public func clusterID(of id: RecordID) throws -> String? {
        try connection.prepare("SELECT cluster_id FROM cluster_members WHERE record_id = ?").queryFirst([.text(id.description)]) { $0.text(0) } ?? nil
    }

    /// The unified deals (protocols/deals.md), computed from the deals and the current clusters:
    /// nothing is kept between calls, so the result after any change equals a full rebuild.
    public func unifiedDeals() throws -> [DealMerge.Unified] {
        let deals = try deals()
        var clusters: [RecordID: String?] = [:]
        for id in deals.flatMap({ [$0.demand, $0.supply] + $0.finance }) where clusters[id] == nil {
            clusters[id] = .some(try clusterID(of: id))
        }
        return DealMerge.unify(deals) { clusters[$0] ?? nil }
    }

    /// `deals_digest`: SHA-256 (hex) of the JCS bytes of the array of the unified deals' entries,
    /// in deal id order (that of `[]` when there are none).
    public static func dealsDigest(_ deals: [DealMerge.Unified]) -> String {
        // Entries built from decoded deals are strings, integers, arrays and objects: JCS writes them.
        Hex.encode(SHA256.hash((try? JCS.canonicalize(.array(deals.map(\.entry)))) ?? []))  // cannot fail, see above
    }
}
