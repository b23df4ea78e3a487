public import JSON

extension Project {
    /// The body line a publisher writes for this record (feed.md §3): the JCS bytes of its stored
    /// form, with the contact masked. At most `FeedLimits.recordLine` bytes are published.
    public func publishedBody() throws -> [UInt8] {
        try JCS.canonicalize(jsonValue(nodeFields: true, maskContact: true))
    }

    /// The record as JSON, the form of `protocols/schema/project.schema.json`.
    ///
    /// - Parameter nodeFields: include `origin`, `version`, `created_at` and `updated_at`; without
    ///   them the value is the record's content, which decides whether a re-import changed it.
    /// - Parameter maskContact: mask personal data as the public may see it: the contact (unless
    ///   its visibility is public) and the service agent's phone.
    public func jsonValue(nodeFields: Bool = true, maskContact: Bool = false) -> JSONValue {
        var object = extra
        object["id"] = .string(id.description)
        object["kind"] = .string(kind.rawValue)
        object["title"] = .string(title)
        object["summary"] = .string(summary)
        if let description { object["description"] = .string(description) }
        object["industry"] = .string(industry.rawValue)
        object["keywords"] = .array(keywords.map(JSONValue.string))
        object["organization"] = [
            "name": .string(organization.name), "type": .string(organization.type.rawValue),
            "region": .string(organization.region.code),
        ]
        if let contact = maskContact ? contact?.masked() : contact {
            var fields: [String: JSONValue] = ["name": .string(contact.name), "visibility": .string(contact.visibility.rawValue)]
            if let phone = contact.phone { fields["phone"] = .string(phone) }
            if let email = contact.email { fields["email"] = .string(email) }
            object["contact"] = .object(fields)
        }
        object["stage"] = .string(stage.rawValue)
        if let serviceAgent {
            var fields: [String: JSONValue] = ["name": .string(serviceAgent.name)]
            if let organization = serviceAgent.organization { fields["organization"] = .string(organization) }
            // The agent's name and organisation are public; the phone is personal data, published masked.
            if let phone = serviceAgent.phone { fields["phone"] = .string(maskContact ? Contact.maskPhone(phone) : phone) }
            object["service_agent"] = .object(fields)
        }
        object["sessions"] = .array(sessions.map(JSONValue.string))
        object["valid_through"] = .string(validThrough)
        if !sameAs.isEmpty { object["same_as"] = .array(sameAs.map { .string($0.description) }) }
        switch details {
        case .supply(let supply):
            object["trl"] = .number(Double(supply.trl))
            if !supply.ip.isEmpty {
                object["ip"] = .array(supply.ip.map {
                    ["type": .string($0.type.rawValue), "number": .string($0.number), "status": .string($0.status.rawValue)]
                })
            }
            object["cooperation"] = .array(supply.cooperation.map { .string($0.rawValue) })
            if let price = supply.price {
                var fields: [String: JSONValue] = ["mode": .string(price.mode.rawValue), "currency": .string(price.currency)]
                if let amount = price.amount { fields["amount"] = .string(amount) }
                if let min = price.min { fields["min"] = .string(min) }
                if let max = price.max { fields["max"] = .string(max) }
                object["price"] = .object(fields)
            }
        case .challenge(let challenge):
            object["problem"] = .string(challenge.problem)
            if !challenge.targets.isEmpty {
                object["targets"] = .array(challenge.targets.map { target in
                    var fields: [String: JSONValue] = [
                        "metric": .string(target.metric), "comparator": .string(target.comparator.rawValue),
                        "value": .string(target.value),
                    ]
                    if let unit = target.unit { fields["unit"] = .string(unit) }
                    return .object(fields)
                })
            }
            if let budget = challenge.budget { object["budget"] = budget.jsonValue }
            if let deadline = challenge.deadline { object["deadline"] = .string(deadline) }
            if !challenge.wantedModes.isEmpty {
                object["wanted_modes"] = .array(challenge.wantedModes.map { .string($0.rawValue) })
            }
        case .finance(let finance):
            object["product_type"] = .string(finance.productType.rawValue)
            object["provider"] = .string(finance.provider)
            if let amount = finance.amount { object["amount"] = amount.jsonValue }
            if let term = finance.term {
                var fields: [String: JSONValue] = [:]
                if let minMonths = term.minMonths { fields["min_months"] = .number(Double(minMonths)) }
                if let maxMonths = term.maxMonths { fields["max_months"] = .number(Double(maxMonths)) }
                object["term"] = .object(fields)
            }
            if !finance.eligibleIndustries.isEmpty {
                object["eligible_industries"] = .array(finance.eligibleIndustries.map { .string($0.rawValue) })
            }
            if !finance.eligibleStages.isEmpty {
                object["eligible_stages"] = .array(finance.eligibleStages.map { .string($0.rawValue) })
            }
            if !finance.eligibleRegions.isEmpty {
                object["eligible_regions"] = .array(finance.eligibleRegions.map { .string($0.code) })
            }
        }
        if nodeFields {
            object["origin"] = .string(origin)
            object["version"] = .number(Double(version))
            if let createdAt { object["created_at"] = .string(createdAt) }
            if let updatedAt { object["updated_at"] = .string(updatedAt) }
        }
        return .object(object)
    }
}

extension AmountRange {
    var jsonValue: JSONValue {
        var fields: [String: JSONValue] = ["currency": .string(currency)]
        if let min { fields["min"] = .string(min) }
        if let max { fields["max"] = .string(max) }
        return .object(fields)
    }
}
