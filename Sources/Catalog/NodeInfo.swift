/// Who a node is: its id (which is also the origin of the records it owns), display name and region.
public struct NodeInfo: Sendable, Hashable {
    /// The node id and origin, e.g. `sichuan`.
    public var id: String
    /// The association's name, e.g. 四川省科学技术协会.
    public var name: String
    public var region: Region
    /// When the node was created, RFC 3339 UTC.
    public var createdAt: String

    public init(id: String, name: String, region: Region, createdAt: String) {
        self.id = id
        self.name = name
        self.region = region
        self.createdAt = createdAt
    }
}
