public import Catalog
import JSON
public import Merge
import Signing
import SQLite

extension CatalogReader {
    /// Every current deal of every origin (typed objects of type `deal`).
    public func deals() throws -> [Deal] { try typedObjects(type: "deal", Deal.init) }

    /// The current deal `id`, nil when there is none.
    public func deal(_ id: TypedObjectID) throws -> Deal? { try typedObject(id, Deal.init) }

    /// Every current typed object of `type` of every origin, in id order, decoded.
    func typedObjects<T>(type: String, _ decode: (JSONValue) throws -> T) throws -> [T] {
        try TypedObjects.bodies(type: type, connection: connection).map { try Self.decoded($0.body, id: $0.id, decode) }
    }

    /// The current typed object `id`, decoded; nil when there is none (never written, or redacted).
    func typedObject<T>(_ id: TypedObjectID, _ decode: (JSONValue) throws -> T) throws -> T? {
        try TypedObjects.body(id, connection: connection).map { try Self.decoded($0, id: id.description, decode) }
    }

    /// A stored typed object's body, decoded.
    private static func decoded<T>(_ body: [UInt8], id: String, _ decode: (JSONValue) throws -> T) throws -> T {
        do {
            return try decode(try JSONParser.parse(body))
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
