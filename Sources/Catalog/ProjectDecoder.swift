public import JSON

/// Turns a JSON object into a validated `Project`, reporting every problem with its field path.
///
/// Two modes:
/// - `importing(origin:)`: a node's own import (CLI, admin API). An id without `origin:` gets the
///   node's origin; an id or `origin` of another origin is refused; `version`, `created_at` and
///   `updated_at` are ignored because the node owns them; unknown fields are refused (a typo such
///   as `titel` must not vanish silently) except extension fields named `x_…`, which are kept.
///   Enumerations accept their code, Chinese label or alias (`科技成果` for `achievement`).
/// - `stored`: a record as a node writes it. Node-owned fields must be present; unknown fields are
///   kept in `Project.extra` so that they are written back unchanged.
public struct ProjectDecoder: Sendable {
    /// Where the record comes from, which decides what it may contain.
    public enum Mode: Sendable, Hashable {
        case importing(origin: String)
        case stored
    }

    public let mode: Mode

    public init(mode: Mode) { self.mode = mode }

    static let commonKeys: Set<String> = [
        "id", "origin", "kind", "title", "summary", "description", "industry", "keywords", "organization",
        "contact", "stage", "service_agent", "sessions", "valid_through", "same_as",
    ]
    static let nodeKeys: Set<String> = ["version", "created_at", "updated_at"]
    static let supplyKeys: Set<String> = ["trl", "ip", "cooperation", "price"]
    static let challengeKeys: Set<String> = ["problem", "targets", "budget", "deadline", "wanted_modes"]
    static let financeKeys: Set<String> = [
        "product_type", "provider", "amount", "term", "eligible_industries", "eligible_stages", "eligible_regions",
    ]
    static let allKindKeys = supplyKeys.union(challengeKeys).union(financeKeys)

    /// Decodes and validates one record.
    ///
    /// - Throws: `ValidationError` listing every problem found, not only the first.
    public func decode(_ value: JSONValue) throws(ValidationError) -> Project {
        let check = Checker(lenientVocabulary: mode != .stored, refusesDisplayControls: mode != .stored)
        guard let object = value.objectValue else {
            throw ValidationError(issues: [ValidationIssue(path: [], problem: "must be a JSON object")])
        }
        let project = decode(object, check)
        if let project, check.issues.isEmpty { return project }
        throw ValidationError(issues: check.issues.isEmpty
            ? [ValidationIssue(path: [], problem: "is invalid")] : check.issues)
    }

    private func decode(_ object: [String: JSONValue], _ check: Checker) -> Project? {
        let id = decodeID(object, check)
        let kind: ProjectKind? = check.vocabulary(object, "kind", required: true)
        let title = check.text(object, "title", max: 200, required: true)
        let summary = check.text(object, "summary", max: 2000, multiline: true, required: true)
        let description = check.text(object, "description", max: 20_000, multiline: true)
        let industry: Industry? = check.vocabulary(object, "industry", required: true)
        let keywords = check.textList(object, "keywords", maxItems: 30, maxLength: 40)
        let organization = decodeOrganization(object, check)
        let contact = decodeContact(object, check)
        let stage: Stage? = check.vocabulary(object, "stage", required: mode == .stored) ?? .publication
        let serviceAgent = decodeServiceAgent(object, check)
        let sessions = check.textList(object, "sessions", maxItems: 20, maxLength: 80)
        let validThrough = check.date(object, "valid_through", required: true)
        let sameAs = decodeSameAs(object, id: id, check)

        var extra: [String: JSONValue] = [:]
        let kindKeys: Set<String>
        switch kind {
        case .achievement, .technology: kindKeys = Self.supplyKeys
        case .challenge: kindKeys = Self.challengeKeys
        case .finance: kindKeys = Self.financeKeys
        case nil: kindKeys = Self.supplyKeys.union(Self.challengeKeys).union(Self.financeKeys)
        }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) where value != .null || !Self.allKindKeys.contains(key) {
            if Self.commonKeys.contains(key) || Self.nodeKeys.contains(key) || kindKeys.contains(key) { continue }
            if Self.allKindKeys.contains(key), let kind {
                check.fail([.key(key)], "does not apply to kind \(kind.rawValue)")
            } else if mode == .stored || key.hasPrefix("x_") {
                // An import's extension text follows the rule of multi-line text (free-form, kept
                // as given); a stored record's, a peer's among them, is read as every node reads it.
                if mode != .stored { check.extensionText(value, at: [.key(key)]) }
                extra[key] = value
            } else {
                check.fail([.key(key)], "unknown field (extension fields must start with x_)")
            }
        }

        var version = 0
        var createdAt: String?
        var updatedAt: String?
        if mode == .stored {
            version = check.integer(object, "version", range: 1...Int(Int32.max), required: true) ?? 0
            createdAt = check.timestamp(object, "created_at", required: true)
            updatedAt = check.timestamp(object, "updated_at", required: true)
        }

        let details: Details?
        switch kind {
        case .achievement, .technology: details = decodeSupply(object, check).map(Details.supply)
        case .challenge: details = decodeChallenge(object, check).map(Details.challenge)
        case .finance: details = decodeFinance(object, check).map(Details.finance)
        case nil: details = nil
        }

        guard let id, let kind, let title, let summary, let industry, let organization, let stage,
            let validThrough, let details, check.issues.isEmpty
        else { return nil }
        return Project(
            id: id, kind: kind, title: title, summary: summary, description: description, industry: industry,
            keywords: keywords, organization: organization, contact: contact, stage: stage,
            serviceAgent: serviceAgent, sessions: sessions, validThrough: validThrough, sameAs: sameAs,
            details: details, version: version, createdAt: createdAt, updatedAt: updatedAt, extra: extra)
    }

    /// A field counts as present when it is there and not `null`, as everywhere in the decoder.
    private func isPresent(_ value: JSONValue?) -> Bool { value.map { $0 != .null } ?? false }

    private func decodeID(_ object: [String: JSONValue], _ check: Checker) -> RecordID? {
        guard let text = check.text(object, "id", max: 100, required: true) else { return nil }
        let declaredOrigin = check.text(object, "origin", max: 40, required: mode == .stored)
        switch mode {
        case .stored:
            guard let id = RecordID(text) else {
                check.fail([.key("id")], "must be origin:local-id (origin 2–32 of a-z 0-9 -, local id 1–64 of A-Z a-z 0-9 . _ -)")
                return nil
            }
            if let declaredOrigin, declaredOrigin != id.origin {
                check.fail([.key("origin")], "is \"\(declaredOrigin)\" but the id belongs to \"\(id.origin)\"")
            }
            return id
        case .importing(let origin):
            let full = text.contains(":") ? text : "\(origin):\(text)"
            guard let id = RecordID(full) else {
                check.fail([.key("id")], "must be a local id (1–64 of A-Z a-z 0-9 . _ -) or \(origin):<local id>")
                return nil
            }
            if id.origin != origin {
                check.fail([.key("id")], "\(id) belongs to origin \"\(id.origin)\"; this node (\(origin)) imports only its own records")
                return nil
            }
            if let declaredOrigin, declaredOrigin != origin {
                check.fail([.key("origin")], "is \"\(declaredOrigin)\"; this node (\(origin)) imports only its own records")
            }
            return id
        }
    }

    private func decodeOrganization(_ object: [String: JSONValue], _ check: Checker) -> Organization? {
        guard let nested = check.object(object, "organization", required: true) else { return nil }
        let path: [JSONPathComponent] = [.key("organization")]
        check.rejectUnknown(nested, allowed: ["name", "type", "region"], at: path, strict: mode != .stored)
        let name = check.text(nested, "name", at: path, max: 200, required: true)
        let type: OrganizationType? = check.vocabulary(nested, "type", at: path, required: true)
        let region = check.region(nested, "region", at: path, required: true)
        guard let name, let type, let region else { return nil }
        return Organization(name: name, type: type, region: region)
    }

    private func decodeContact(_ object: [String: JSONValue], _ check: Checker) -> Contact? {
        guard let nested = check.object(object, "contact", required: false) else { return nil }
        let path: [JSONPathComponent] = [.key("contact")]
        check.rejectUnknown(nested, allowed: ["name", "phone", "email", "visibility"], at: path, strict: mode != .stored)
        let name = check.text(nested, "name", at: path, max: 50, required: true)
        let phone = check.phone(nested, "phone", at: path)
        let email = check.email(nested, "email", at: path)
        let visibility: ContactVisibility = check.vocabulary(nested, "visibility", at: path) ?? .masked
        guard let name else { return nil }
        return Contact(name: name, phone: phone, email: email, visibility: visibility)
    }

    private func decodeServiceAgent(_ object: [String: JSONValue], _ check: Checker) -> ServiceAgent? {
        guard let nested = check.object(object, "service_agent", required: false) else { return nil }
        let path: [JSONPathComponent] = [.key("service_agent")]
        check.rejectUnknown(nested, allowed: ["name", "organization", "phone"], at: path, strict: mode != .stored)
        let name = check.text(nested, "name", at: path, max: 50, required: true)
        let organization = check.text(nested, "organization", at: path, max: 200)
        let phone = check.phone(nested, "phone", at: path)
        guard let name else { return nil }
        return ServiceAgent(name: name, organization: organization, phone: phone)
    }

    private func decodeSameAs(_ object: [String: JSONValue], id: RecordID?, _ check: Checker) -> [RecordID] {
        let texts = check.textList(object, "same_as", maxItems: 20, maxLength: 100)
        var ids: [RecordID] = []
        for (index, text) in texts.enumerated() {
            let path: [JSONPathComponent] = [.key("same_as"), .index(index)]
            guard let other = RecordID(text) else {
                check.fail(path, "must be a full id origin:local-id of another origin's record")
                continue
            }
            if let id, other.origin == id.origin {
                check.fail(path, "must name a record of another origin, not \(id.origin)")
                continue
            }
            if !ids.contains(other) { ids.append(other) }
        }
        return ids
    }

    private func decodeSupply(_ object: [String: JSONValue], _ check: Checker) -> Supply? {
        let trl = check.integer(object, "trl", range: 1...9, required: true)
        var rights: [IPRight] = []
        for (index, item) in check.array(object, "ip", maxItems: 50).enumerated() {
            let path: [JSONPathComponent] = [.key("ip"), .index(index)]
            guard let nested = check.object(item, at: path) else { continue }
            check.rejectUnknown(nested, allowed: ["type", "number", "status"], at: path, strict: mode != .stored)
            let type: IPType? = check.vocabulary(nested, "type", at: path, required: true)
            let number = check.text(nested, "number", at: path, max: 64, required: true, forbidden: "|;；")
            let status: IPStatus? = check.vocabulary(nested, "status", at: path, required: true)
            if let type, let number, let status { rights.append(IPRight(type: type, number: number, status: status)) }
        }
        let cooperation: [CooperationMode] = check.vocabularyList(object, "cooperation", required: true)
        let price = decodePrice(object, check)
        guard let trl else { return nil }
        return Supply(trl: trl, ip: rights, cooperation: cooperation, price: price)
    }

    private func decodePrice(_ object: [String: JSONValue], _ check: Checker) -> Price? {
        guard let nested = check.object(object, "price", required: false) else { return nil }
        let path: [JSONPathComponent] = [.key("price")]
        check.rejectUnknown(nested, allowed: ["mode", "amount", "min", "max", "currency"], at: path, strict: mode != .stored)
        let priceMode: PriceMode? = check.vocabulary(nested, "mode", at: path, required: true)
        let amount = check.amount(nested, "amount", at: path, required: priceMode == .fixed)
        let min = check.amount(nested, "min", at: path, required: priceMode == .range)
        let max = check.amount(nested, "max", at: path, required: priceMode == .range)
        let currency = check.currency(nested, at: path)
        if priceMode != .fixed, isPresent(nested["amount"]) {
            check.fail(path + [.key("amount")], "applies only to mode fixed")
        }
        if priceMode != .range, isPresent(nested["min"]) || isPresent(nested["max"]) {
            check.fail(path + [.key(isPresent(nested["min"]) ? "min" : "max")], "applies only to mode range")
        }
        if let min, let max, DecimalString.compare(min, max) > 0 {
            check.fail(path + [.key("max")], "must not be less than min (\(min))")
        }
        guard let priceMode else { return nil }
        return Price(mode: priceMode, amount: amount, min: min, max: max, currency: currency)
    }

    private func decodeRange(_ object: [String: JSONValue], _ key: String, _ check: Checker, required: Bool = false) -> AmountRange? {
        guard let nested = check.object(object, key, required: required) else { return nil }
        let path: [JSONPathComponent] = [.key(key)]
        check.rejectUnknown(nested, allowed: ["min", "max", "currency"], at: path, strict: mode != .stored)
        let min = check.amount(nested, "min", at: path)
        let max = check.amount(nested, "max", at: path)
        let currency = check.currency(nested, at: path)
        if !isPresent(nested["min"]), !isPresent(nested["max"]) {
            check.fail(path, "needs min, max or both")
        }
        if let min, let max, DecimalString.compare(min, max) > 0 {
            check.fail(path + [.key("max")], "must not be less than min (\(min))")
        }
        return AmountRange(min: min, max: max, currency: currency)
    }

    private func decodeChallenge(_ object: [String: JSONValue], _ check: Checker) -> Challenge? {
        let problem = check.text(object, "problem", max: 5000, multiline: true, required: true)
        var targets: [Target] = []
        for (index, item) in check.array(object, "targets", maxItems: 20).enumerated() {
            let path: [JSONPathComponent] = [.key("targets"), .index(index)]
            guard let nested = check.object(item, at: path) else { continue }
            check.rejectUnknown(nested, allowed: ["metric", "comparator", "value", "unit"], at: path, strict: mode != .stored)
            let metric = check.text(nested, "metric", at: path, max: 100, required: true, forbidden: "|;；")
            let comparator: Comparator? = check.vocabulary(nested, "comparator", at: path, required: true)
            let value = check.quantity(nested, "value", at: path)
            let unit = check.text(nested, "unit", at: path, max: 20, forbidden: "|;；")
            if let metric, let comparator, let value {
                targets.append(Target(metric: metric, comparator: comparator, value: value, unit: unit))
            }
        }
        let budget = decodeRange(object, "budget", check)
        let deadline = check.date(object, "deadline", required: false)
        let wanted: [CooperationMode] = check.vocabularyList(object, "wanted_modes", required: false)
        guard let problem else { return nil }
        return Challenge(problem: problem, targets: targets, budget: budget, deadline: deadline, wantedModes: wanted)
    }

    private func decodeFinance(_ object: [String: JSONValue], _ check: Checker) -> Finance? {
        let productType: FinanceProductType? = check.vocabulary(object, "product_type", required: true)
        let provider = check.text(object, "provider", max: 200, required: true)
        let amount = decodeRange(object, "amount", check)
        var term: TermRange?
        if let nested = check.object(object, "term", required: false) {
            let path: [JSONPathComponent] = [.key("term")]
            check.rejectUnknown(nested, allowed: ["min_months", "max_months"], at: path, strict: mode != .stored)
            let minMonths = check.integer(nested, "min_months", at: path, range: 1...600)
            let maxMonths = check.integer(nested, "max_months", at: path, range: 1...600)
            if !isPresent(nested["min_months"]), !isPresent(nested["max_months"]) {
                check.fail(path, "needs min_months, max_months or both")
            }
            if let minMonths, let maxMonths, minMonths > maxMonths {
                check.fail(path + [.key("max_months")], "must not be less than min_months (\(minMonths))")
            }
            term = TermRange(minMonths: minMonths, maxMonths: maxMonths)
        }
        let industries: [Industry] = check.vocabularyList(object, "eligible_industries", required: false)
        let stages: [Stage] = check.vocabularyList(object, "eligible_stages", required: false)
        var regions: [Region] = []
        for (index, item) in check.array(object, "eligible_regions", maxItems: 40).enumerated() {
            if let region = check.region(item, at: [.key("eligible_regions"), .index(index)]), !regions.contains(region) {
                regions.append(region)
            }
        }
        guard let productType, let provider else { return nil }
        return Finance(
            productType: productType, provider: provider, amount: amount, term: term,
            eligibleIndustries: industries, eligibleStages: stages, eligibleRegions: regions)
    }
}
