public import Catalog
import JSON

extension Merge {
    /// Top-level fields that are never conflicts: identity and node bookkeeping differ between
    /// members by nature, `same_as` is what the members list shows, and keywords and sessions are
    /// merged as unions.
    static let fieldsWithoutConflicts: Set<String> = [
        "id", "origin", "version", "created_at", "updated_at", "same_as", "keywords", "sessions",
    ]

    /// The unified entry of one cluster.
    ///
    /// - The **steward** is the member with the smallest `created_at` (timestamps of one fixed form
    ///   compare as text), then the smallest id; a member without `created_at`, which no stored
    ///   record lacks, comes after those with one.
    /// - The **record** is the steward's stored JSON with the contact masked, with `stage` the
    ///   highest of the members' stages, `keywords` and `sessions` the unions (steward first, then
    ///   the others by id; an item is kept when no kept item has an equal `TextNormalizer.fold`; at
    ///   most 60 keywords and 40 sessions), and `valid_through` the latest of the members' dates.
    /// - **members** lists `{id, origin, version, stage}` of each member, sorted by id.
    /// - **conflicts** lists, by field name, every top-level field outside `fieldsWithoutConflicts`
    ///   whose members' values (absent meaning `null`) do not all have equal canonical bytes, with
    ///   every member's `{id, origin, version, value}`, sorted by id.
    ///
    /// - Parameter members: The records of the cluster, in any order; at least one, ids distinct.
    public static func unify(_ members: [Project]) -> UnifiedEntry {
        precondition(!members.isEmpty, "a cluster has at least one member")
        // Ids sort by their text; spelling it once per member spares the comparisons rebuilding it.
        let sorted = members.map { ($0.id.description, $0) }.sorted { precedesByCodePoints($0.0, $1.0) }.map(\.1)
        let objects = sorted.map { $0.jsonValue(nodeFields: true, maskContact: true).objectValue ?? [:] }
        var stewardIndex = 0
        for index in sorted.indices.dropFirst() where precedesAsSteward(sorted[index], sorted[stewardIndex]) {
            stewardIndex = index
        }
        let steward = sorted[stewardIndex]
        let others = sorted.indices.filter { $0 != stewardIndex }.map { sorted[$0] }

        var record = objects[stewardIndex]
        record["stage"] = .string(sorted.map(\.stage).max()!.rawValue)
        record["keywords"] = .array(
            union([steward.keywords] + others.map(\.keywords), limit: maxKeywords).map(JSONValue.string))
        record["sessions"] = .array(
            union([steward.sessions] + others.map(\.sessions), limit: maxSessions).map(JSONValue.string))
        record["valid_through"] = .string(sorted.map(\.validThrough).max(by: precedesByCodePoints)!)

        let memberList: [JSONValue] = sorted.map { project in
            [
                "id": .string(project.id.description), "origin": .string(project.origin),
                "version": .number(Double(project.version)), "stage": .string(project.stage.rawValue),
            ]
        }
        let json: JSONValue = [
            "cluster": .string(sorted[0].id.description), "steward": .string(steward.id.description),
            "members": .array(memberList), "record": .object(record),
            "conflicts": .array(conflicts(sorted, objects)),
        ]
        return UnifiedEntry(
            clusterID: sorted[0].id.description, steward: steward.id, members: sorted.map(\.id), json: json,
            bytes: canonical(json))
    }

    /// True when `lhs` is the better steward: created earlier, or at the same time with a smaller id.
    static func precedesAsSteward(_ lhs: Project, _ rhs: Project) -> Bool {
        switch (lhs.createdAt, rhs.createdAt) {
        case (let left?, let right?) where left != right: return precedesByCodePoints(left, right)
        case (.some, nil): return true
        case (nil, .some): return false
        default: return lhs.id < rhs.id
        }
    }

    /// The items of `lists` in order, keeping the first of the items with one fold, at most `limit`.
    static func union(_ lists: [[String]], limit: Int) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for list in lists {
            for item in list where seen.insert(TextNormalizer.fold(item)).inserted {
                result.append(item)
                if result.count == limit { return result }
            }
        }
        return result
    }

    /// The conflict list of members sorted by id, given their JSON objects in the same order.
    private static func conflicts(_ members: [Project], _ objects: [[String: JSONValue]]) -> [JSONValue] {
        guard members.count > 1 else { return [] }
        var fields: Set<String> = []
        for object in objects { fields.formUnion(object.keys) }
        var result: [JSONValue] = []
        for field in fields.subtracting(fieldsWithoutConflicts).sorted(by: precedesByCodePoints) {
            let values = objects.map { $0[field] ?? .null }
            guard values.dropFirst().contains(where: { !haveEqualCanonicalForms($0, values[0]) }) else { continue }
            let sources: [JSONValue] = zip(members, values).map { project, value in
                [
                    "id": .string(project.id.description), "origin": .string(project.origin),
                    "version": .number(Double(project.version)), "value": value,
                ]
            }
            result.append(["field": .string(field), "values": .array(sources)])
        }
        return result
    }

    /// True when two values have the same JCS bytes, decided without writing them.
    ///
    /// `JSONValue`'s own `==` compares strings and object keys by canonical equivalence, so it takes
    /// the NFC and NFD spellings of a text for equal, where their canonical bytes differ. Numbers
    /// compare as doubles, which matches JCS (equal doubles, and only they, print alike; 0 and -0
    /// both print `0`).
    static func haveEqualCanonicalForms(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let left), .bool(let right)): return left == right
        case (.number(let left), .number(let right)): return left == right
        case (.string(let left), .string(let right)): return left.utf8.elementsEqual(right.utf8)
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy(haveEqualCanonicalForms)
        case (.object(let left), .object(let right)):
            guard left.count == right.count else { return false }
            for (key, value) in left {
                guard let index = right.index(forKey: key), right[index].key.utf8.elementsEqual(key.utf8),
                    haveEqualCanonicalForms(value, right[index].value)
                else { return false }
            }
            return true
        default: return false
        }
    }

    /// The JCS bytes of a value built from decoded records.
    ///
    /// Records hold no number JSON cannot carry (the parser refuses NaN and infinities, and the
    /// model's integers are small), so canonicalisation cannot fail here.
    static func canonical(_ value: JSONValue) -> [UInt8] {
        do {
            return try JCS.canonicalize(value)
        } catch {
            preconditionFailure("a record held a value JSON cannot carry: \(error.message)")
        }
    }
}
