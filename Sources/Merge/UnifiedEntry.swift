public import Catalog
public import JSON

/// One project of the unified catalog: a cluster of records that describe it, merged.
///
/// Its JSON is `{"cluster", "steward", "members", "record", "conflicts"}` (`protocols/merge.md`);
/// `bytes` are that JSON in RFC 8785 canonical form, the line the catalog digest covers.
public struct UnifiedEntry: Sendable, Hashable {
    /// The smallest member id, as text.
    public let clusterID: String
    /// The member whose descriptive fields the entry takes.
    public let steward: RecordID
    /// The member ids, sorted.
    public let members: [RecordID]
    public let json: JSONValue
    /// The JCS bytes of `json`.
    public let bytes: [UInt8]

    public init(clusterID: String, steward: RecordID, members: [RecordID], json: JSONValue, bytes: [UInt8]) {
        self.clusterID = clusterID
        self.steward = steward
        self.members = members
        self.json = json
        self.bytes = bytes
    }
}
