public import JSON
import Feed
import HTTPClient
import Signing
public import Store

/// The JSON of `GET /v1/peers` and `kechuang peer status --json`:
/// `{"peers": [{"id", "url", "mirrors", "state", "last_error", "last_attempt", "last_success",
/// "failures", "retry_after", "federated_error", "federated_at"}], "origins": [{"origin", "state", "last_error", "source",
/// "updated_at", "checkpoint", "log_size", "ignored_entries", "ignored", "fork_evidence"}]}`.
///
/// URLs are shown without their credentials (`http://***@host/…`), in errors too.
public enum FederationJSON {
    /// How much of an error's text a view shows.
    public enum Errors: Sendable {
        /// The whole text, for the operator (`kechuang peer status`).
        case full
        /// Its class only (``SyncErrorClass``), for views anyone may read (`GET /v1/peers`, `/status`).
        case classOnly
    }

    /// - Parameter errors: `.classOnly` replaces `last_error` and `federated_error` with their class.
    public static func status(_ reader: FederationReader, errors: Errors) throws -> JSONValue {
        func shown(_ error: String?) -> JSONValue {
            guard let error else { return .null }
            return .string(errors == .full ? redactingUserInfo(error) : SyncErrorClass.of(error))
        }
        let peers: [JSONValue] = try reader.peers().map { status in
            [
                "id": .string(status.peer.id), "url": .string(redactingUserInfo(status.peer.url)),
                "mirrors": .array(status.peer.mirrors.map { .string(redactingUserInfo($0)) }), "state": .string(status.state.rawValue),
                "last_error": shown(status.lastError),
                "last_attempt": status.lastAttempt.map { .string($0) } ?? .null,
                "last_success": status.lastSuccess.map { .string($0) } ?? .null,
                "failures": .number(Double(status.failures)), "retry_after": status.retryAfter.map { .string($0) } ?? .null,
                "federated_error": shown(status.federatedError),
                "federated_at": status.federatedAt.map { .string($0) } ?? .null,
            ]
        }
        let origins: [JSONValue] = try reader.origins().map { status in
            [
                "origin": .string(status.origin), "state": .string(status.state.rawValue),
                "last_error": shown(status.lastError),
                "source": status.source.map { .string($0) } ?? .null,
                "updated_at": status.updatedAt.map { .string($0) } ?? .null,
                "checkpoint": status.checkpoint.map { .object($0.object) } ?? .null,
                "log_size": .number(Double(status.logSize)), "ignored_entries": .number(Double(status.ignored)),
                "ignored": .array(try reader.ignoredEntries(status.origin, limit: 20).map {
                    ["seq": .number(Double($0.seq)), "id": .string($0.id), "reason": .string($0.reason)]
                }),
                "fork_evidence": .array(status.forks.map { evidence in
                    [
                        "first": (try? JSONParser.parse(evidence.first)) ?? .null, "first_source": .string(evidence.firstSource),
                        "second": (try? JSONParser.parse(evidence.second)) ?? .null, "second_source": .string(evidence.secondSource),
                        "detected_at": .string(evidence.detectedAt),
                    ]
                }),
            ]
        }
        return ["peers": .array(peers), "origins": .array(origins)]
    }
}
