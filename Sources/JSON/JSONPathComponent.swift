/// One step of a path into a JSON document: an object member or an array element.
public enum JSONPathComponent: Sendable, Hashable {
    /// The member of an object with this name.
    case key(String)
    /// The element of an array at this 0-based index.
    case index(Int)
}
