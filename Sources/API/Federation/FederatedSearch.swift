public import Catalog
import Dispatch
public import Feed
public import Foundation
public import HTTPClient
public import JSON
import Signing
public import Store

/// A federated query (protocols/federation.md): this node's own search, and the same search fanned
/// out to every peer's `/v1/search` in parallel with a deadline, one hop (`scope=local`), each
/// peer's results checked against the origins this node pins, merged by a documented rank merge.
///
/// The story, one step each: ask every peer at once (``HTTPClient/executeBlocking(_:deadline:)``,
/// one libcurl multi handle); read each answer within its bound; check each result
/// (``RecordProofCheck``); merge (``FederatedMerge``). A peer that is down, slow, or answers
/// garbage never fails the query: it is reported in `peers[]`. What must be written (the last
/// error of a peer that served a forged record, fork evidence) is returned for the caller to store.
public struct FederatedSearch: Sendable {
    /// Most results a fanned-out request asks each peer for when it asks for proofs: a record and
    /// its proofs take up to 256 KiB, and an answer is read up to ``maxAnswerBytes``.
    public static let maxPeerResults = 16
    /// Most bytes read of one peer's answer.
    public static let maxAnswerBytes = 4 << 20
    /// The deadline when none is given, and the largest one accepted, in milliseconds.
    public static let defaultDeadline = 2_000
    public static let maxDeadline = 5_000
    /// Most federated queries in progress at once on one node (`/v1/search` answers 503 beyond).
    public static let maxInProgress = 8

    /// The search parameters forwarded to peers (q, filters, sort, unified, include_expired): the
    /// request's own, as `/v1/search` takes them.
    public var parameters: [(name: String, value: String)]
    /// Results in the merged answer.
    public var limit: Int
    /// Milliseconds from the start of the query to the moment the answer is due.
    public var deadline: Int

    public init(parameters: [(name: String, value: String)], limit: Int, deadline: Int = Self.defaultDeadline) {
        self.parameters = parameters
        self.limit = limit
        self.deadline = deadline
    }

    /// What the caller must store after a federated query.
    public struct Report: Sendable {
        /// The answer: `{"scope": "federation", "results", "total", "peers", "deadline_ms"}`.
        public var json: JSONValue
        /// Per peer that served a result that failed verification: the error, for `peer status`.
        public var peerErrors: [(peer: String, error: String)] = []
        /// Checkpoints correctly signed by a pinned origin whose tree disagrees with the one held:
        /// fork evidence, to record as sync does.
        public var forks: [(trust: TrustedOrigin, held: Checkpoint, offered: Checkpoint, peer: String)] = []

        /// Stores what the query found: each peer's error for `peer status`, and fork evidence as
        /// sync records it (the held checkpoint as `held`, the offered one under the peer's id).
        public func record(in store: isolated CatalogStore, now: Date = Date()) throws {
            for (peer, error) in peerErrors {
                try store.recordFederatedError(peer: peer, error: "federated query: " + error, now: now)
            }
            for fork in forks {
                do {
                    try store.recordFork(
                        origin: fork.trust.origin, first: fork.held, firstSource: "held", second: fork.offered,
                        secondSource: fork.peer, trust: fork.trust, now: now)
                } catch let error as StoreError where error.isTrustChanged {
                    continue  // The origin was unpinned or pinned anew meanwhile: the evidence is moot.
                }
            }
        }
    }

    /// Runs the query: `search` makes this node's own search page for the same request. The deadline
    /// counts from the call, so the time of the local search is part of it.
    ///
    /// Blocks the calling thread until every peer has answered or the deadline has passed.
    public func run(
        local search: () throws -> SearchPage, peers: [Peer], reader: CatalogReader, client: HTTPClient, now: Date = Date()
    ) throws -> Report {
        let started = DispatchTime.now()
        let due = DispatchTime(uptimeNanoseconds: started.uptimeNanoseconds + UInt64(deadline) * 1_000_000)
        let local = try search()
        let pinned = Dictionary(try reader.pinnedOrigins().map { ($0.origin, $0) }, uniquingKeysWith: { first, _ in first })
        var held: [String: Checkpoint] = [:]
        for origin in pinned.keys {
            if let checkpoint = try reader.heldCheckpoint(origin: origin) { held[origin] = checkpoint }
        }
        let requests = peers.map { request(to: $0, heldSizes: held.mapValues(\.size)) }
        let outcomes = client.executeBlocking(requests, deadline: due)

        var merge = FederatedMerge(limit: limit)
        merge.add(source: "local", results: local.hits.map { hit in
            var fields = CatalogJSON.result(hit).objectValue ?? [:]
            fields["score"] = nil
            return FederatedMerge.Item(fields: fields, members: hit.members.isEmpty ? [hit.project.id.description] : hit.members, verified: true)
        })
        var report = Report(json: .null)
        var peerEntries: [JSONValue] = []
        for (peer, outcome) in zip(peers, outcomes) {
            var entry: [String: JSONValue] = [
                "id": .string(peer.id), "ms": .number((outcome.seconds * 1000).rounded()), "results": 0, "error": .null,
            ]
            switch answer(of: peer, outcome.result) {
            case .failure(let failure):
                entry["status"] = .string(failure.timedOut ? "timed_out" : "failed")
                entry["error"] = .string(failure.message)
            case .success(let value):
                entry["status"] = "answered"
                var checker = ResultChecker(pinned: pinned, held: held, node: reader.node.id, reader: reader, now: now)
                let checked = try checker.check(value, from: peer.id)
                merge.add(source: peer.id, results: checked.items)
                entry["results"] = .number(Double(checked.items.count))
                if !checked.dropped.isEmpty {
                    let error = "dropped \(checked.dropped.count) result\(checked.dropped.count == 1 ? "" : "s") that failed verification: "
                        + checked.dropped.joined(separator: "; ")
                    entry["error"] = .string(Excerpt.of(error))
                    report.peerErrors.append((peer.id, error))
                }
                report.forks += checked.forks.map { ($0.trust, $0.held, $0.offered, peer.id) }
            }
            peerEntries.append(.object(entry))
        }
        let results = merge.results()
        report.json = [
            "scope": "federation", "results": .array(results), "total": .number(Double(results.count)),
            "peers": .array(peerEntries), "deadline_ms": .number(Double(deadline)),
        ]
        return report
    }

    /// The request to `peer`: the same search, one hop (`scope=local`), with proofs, for at most
    /// ``maxPeerResults`` results, telling the peer which tree size this node holds of each pinned
    /// origin (`sizes`), so that a larger checkpoint comes with its consistency proof.
    func request(to peer: Peer, heldSizes: [String: Int]) -> HTTPClientRequest {
        var query = parameters
        query.append(("scope", "local"))
        query.append(("proofs", "true"))
        query.append(("limit", String(min(limit, Self.maxPeerResults))))
        let sizes = heldSizes.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
        if !sizes.isEmpty { query.append(("sizes", sizes.joined(separator: ","))) }
        var base = peer.url
        while base.hasSuffix("/") { base.removeLast() }
        let url = base + "/v1/search?" + query.map { "\(Self.percentEncoded($0.name))=\(Self.percentEncoded($0.value))" }.joined(separator: "&")
        var limits = HTTPClientLimits.default
        limits.maxBodyBytes = Self.maxAnswerBytes
        limits.maxRedirects = 0
        return HTTPClientRequest(url: url, headers: ["Accept": "application/json"], acceptCompressed: true, limits: limits)
    }

    private struct Failure: Error {
        var message: String
        var timedOut = false
    }

    /// The peer's answer parsed, or why it is not one.
    private func answer(of peer: Peer, _ result: Result<HTTPClientResponse, HTTPClientError>) -> Result<JSONValue, Failure> {
        switch result {
        case .failure(let error):
            return .failure(Failure(message: error.description, timedOut: error == .timeout))
        case .success(let response):
            guard response.status == 200 else {
                return .failure(Failure(message: "GET \(redactingUserInfo(response.effectiveURL)): status \(response.status)"))
            }
            let limits = JSONParser.Limits(maxBytes: Self.maxAnswerBytes, maxDepth: 32, maxStringBytes: 1 << 20, maxNumberLength: 40)
            do {
                let value = try JSONParser.parse(response.body, limits: limits)
                guard value["results"]?.arrayValue != nil else {
                    return .failure(Failure(message: "the answer of \(peer.id) has no results array"))
                }
                return .success(value)
            } catch {
                return .failure(Failure(message: "the answer of \(peer.id) is not JSON: \(error.description)"))
            }
        }
    }

    /// RFC 3986 percent-encoding of a query component: everything but the unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
