/// The URL paths of a feed (feed.md §3, §5, §7, §8), shared by the server, the exporter and readers.
public enum FeedPath {
    public static let manifest = "/.well-known/kechuang/node.json"
    public static let checkpoints = "/feeds/checkpoints.json"

    public static func checkpoint(_ origin: String) -> String { "/feeds/\(origin)/checkpoint.json" }
    public static func keys(_ origin: String) -> String { "/feeds/\(origin)/keys.json" }
    public static func pageRoots(_ origin: String, size: Int) -> String { "/feeds/\(origin)/page-roots/\(size).json" }

    /// Page `page` holding `width` entries (256: a full page).
    public static func page(_ origin: String, _ page: Int, width: Int) -> String {
        "/feeds/\(origin)/pages/\(file(page, width))"
    }

    /// Bodies of page `page` holding `width` entries.
    public static func bodies(_ origin: String, _ page: Int, width: Int) -> String {
        "/feeds/\(origin)/bodies/\(file(page, width))"
    }

    private static func file(_ page: Int, _ width: Int) -> String {
        width == Feed.pageSize ? "\(page).jsonl" : "\(page).p\(width).jsonl"
    }

    /// What a request path names.
    public enum Resource: Sendable, Hashable {
        case manifest
        case checkpoints
        case checkpoint(origin: String)
        case keys(origin: String)
        case page(origin: String, page: Int, width: Int)
        case bodies(origin: String, page: Int, width: Int)
        case pageRoots(origin: String, size: Int)
        case inclusionProof(origin: String)
        case consistencyProof(origin: String)
        case pageProof(origin: String)
    }

    /// Parses a request path; nil when it names no feed resource.
    public static func resource(_ path: String) -> Resource? {
        if path == manifest { return .manifest }
        if path == checkpoints { return .checkpoints }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4, parts[0].isEmpty, parts[1] == "feeds", isOrigin(parts[2]) else { return nil }
        let origin = parts[2]
        switch (parts.count, parts[3]) {
        case (4, "checkpoint.json"): return .checkpoint(origin: origin)
        case (4, "keys.json"): return .keys(origin: origin)
        case (5, "pages"), (5, "bodies"):
            guard let (page, width) = pageFile(parts[4]) else { return nil }
            return parts[3] == "pages" ? .page(origin: origin, page: page, width: width) : .bodies(origin: origin, page: page, width: width)
        case (5, "page-roots"):
            guard parts[4].hasSuffix(".json"), let size = number(String(parts[4].dropLast(5))) else { return nil }
            return .pageRoots(origin: origin, size: size)
        case (5, "proof"):
            switch parts[4] {
            case "inclusion": return .inclusionProof(origin: origin)
            case "consistency": return .consistencyProof(origin: origin)
            case "page": return .pageProof(origin: origin)
            default: return nil
            }
        default: return nil
        }
    }

    /// `12.jsonl` → (12, 256); `12.p40.jsonl` → (12, 40).
    private static func pageFile(_ name: String) -> (Int, Int)? {
        guard name.hasSuffix(".jsonl") else { return nil }
        let stem = name.dropLast(6).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let page = number(stem[0]) else { return nil }
        if stem.count == 1 { return (page, Feed.pageSize) }
        guard stem.count == 2, stem[1].hasPrefix("p"), let width = number(String(stem[1].dropFirst())),
            (1..<Feed.pageSize).contains(width)
        else { return nil }
        return (page, width)
    }

    /// A canonical decimal number (no sign, no leading zeros), bounded.
    static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 15, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            text == "0" || !text.hasPrefix("0")
        else { return nil }
        return Int(text)
    }

    static func isOrigin(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...32).contains(bytes.count), let first = bytes.first, first >= 0x61, first <= 0x7A else { return false }
        return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}
