import Catalog
import Feed
import Merge
import Signing
import SQLite

/// The store's schema, as numbered migrations applied in order.
///
/// `PRAGMA user_version` holds the number of the last applied migration. Migrations only ever
/// append: a released migration is never edited, so every node reaches the same schema.
enum Schema {
    static let migrations: [String] = [
        // 1: records, tombstones and the trigram full-text index.
        """
        CREATE TABLE node (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

        -- The current state of every record. `body` is the record's canonical JSON (RFC 8785);
        -- the other columns are derived from it for filtering, ordering and search.
        CREATE TABLE records (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            origin TEXT NOT NULL,
            kind TEXT NOT NULL,
            industry TEXT NOT NULL,
            region TEXT NOT NULL,
            stage INTEGER NOT NULL,
            trl INTEGER,
            finance_type TEXT,
            valid_through TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL,
            title_key TEXT NOT NULL,
            content_hash BLOB NOT NULL,
            body TEXT NOT NULL,
            -- Folded text (NFKC, Traditional to Simplified, lowercase) that the index and the
            -- short-term scan read.
            s_title TEXT NOT NULL,
            s_summary TEXT NOT NULL,
            s_keywords TEXT NOT NULL,
            s_org TEXT NOT NULL
        );
        CREATE INDEX records_updated ON records (updated_at, rowid);
        CREATE INDEX records_title ON records (title_key, rowid);
        CREATE INDEX records_facets ON records (kind, industry, region, stage, origin, valid_through);
        CREATE INDEX records_origin ON records (origin);

        -- A deleted record keeps its last version here, so re-creating it continues from there.
        CREATE TABLE tombstones (
            id TEXT PRIMARY KEY,
            origin TEXT NOT NULL,
            version INTEGER NOT NULL,
            deleted_at TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Trigram full text over the folded columns (external content: the text lives in records).
        CREATE VIRTUAL TABLE records_fts USING fts5(
            s_title, s_summary, s_keywords, s_org,
            content = 'records', content_rowid = 'rowid', tokenize = 'trigram'
        );
        CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
            INSERT INTO records_fts (rowid, s_title, s_summary, s_keywords, s_org)
            VALUES (new.rowid, new.s_title, new.s_summary, new.s_keywords, new.s_org);
        END;
        CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
            INSERT INTO records_fts (records_fts, rowid, s_title, s_summary, s_keywords, s_org)
            VALUES ('delete', old.rowid, old.s_title, old.s_summary, old.s_keywords, old.s_org);
        END;
        -- Two-character terms cannot match trigrams. This contentless index holds every pair of
        -- adjacent letters or digits of the folded columns as a token (SearchGrams), so a
        -- two-character term is an index lookup instead of a scan. The store's writer keeps it in
        -- step with records (no trigger can compute the pairs); a record's grams are re-derived
        -- from its folded columns when they must be deleted.
        CREATE VIRTUAL TABLE records_grams USING fts5(
            grams, content = '', tokenize = 'unicode61 remove_diacritics 0'
        );
        CREATE TRIGGER records_fts_update AFTER UPDATE OF s_title, s_summary, s_keywords, s_org ON records BEGIN
            INSERT INTO records_fts (records_fts, rowid, s_title, s_summary, s_keywords, s_org)
            VALUES ('delete', old.rowid, old.s_title, old.s_summary, old.s_keywords, old.s_org);
            INSERT INTO records_fts (rowid, s_title, s_summary, s_keywords, s_org)
            VALUES (new.rowid, new.s_title, new.s_summary, new.s_keywords, new.s_org);
        END;
        """,
        // 2: origin logs (feed.md): entries with their bodies, sealed pages, checkpoints, key statements.
        """
        -- Every entry of every origin's log this node holds, with its body line. `entry` is the
        -- exact JCS line (what is hashed); `body` the exact body line (a record, a key statement,
        -- `null`, or a redaction marker). `record_id` and `op` are copies for lookups.
        CREATE TABLE log_entries (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            op TEXT NOT NULL,
            record_id TEXT NOT NULL,
            entry BLOB NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (origin, seq)
        ) WITHOUT ROWID;
        CREATE INDEX log_entries_record ON log_entries (origin, record_id, seq);

        -- A full page (256 entries) once sealed: its Merkle root and the gzip copies of its entry
        -- and body files, compressed once when the page fills (the body copy again on redaction).
        CREATE TABLE log_pages (
            origin TEXT NOT NULL,
            page INTEGER NOT NULL,
            root BLOB NOT NULL,
            entries_gz BLOB NOT NULL,
            bodies_gz BLOB NOT NULL,
            PRIMARY KEY (origin, page)
        ) WITHOUT ROWID;

        -- The latest checkpoint of each origin, as its JCS bytes.
        CREATE TABLE checkpoints (
            origin TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            issued_at TEXT NOT NULL,
            checkpoint BLOB NOT NULL
        ) WITHOUT ROWID;

        -- Signed documents the node publishes besides the logs (the node manifest).
        CREATE TABLE published (name TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
        """,
        // 3: federation: trust, peers, sync state, fork evidence, and the unified catalog.
        """
        -- Origins whose root key this node pins (its own key is in keys/root.pub). A node syncs
        -- only these; it never takes a key from a peer.
        CREATE TABLE trusted_origins (
            origin TEXT PRIMARY KEY,
            root_key TEXT NOT NULL,
            added_at TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Nodes this node pulls feeds from, with mirrors that serve the same files.
        CREATE TABLE peers (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            mirrors TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL
        ) WITHOUT ROWID;

        -- What the last syncs with each peer did: state ok | error, the last error, the circuit
        -- breaker, and the peer's last checkpoints.json with its ETag (an unchanged peer costs one 304).
        CREATE TABLE peer_state (
            peer TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            last_error TEXT,
            last_attempt TEXT,
            last_success TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            retry_after TEXT,
            checkpoints_etag TEXT,
            checkpoints BLOB
        ) WITHOUT ROWID;

        -- Each trusted origin's state: ok | stale | error | fork, the last error and its source.
        CREATE TABLE origin_state (
            origin TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            last_error TEXT,
            source TEXT,
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Two signed checkpoints of one origin that cannot both be true, kept as evidence.
        CREATE TABLE fork_evidence (
            id INTEGER PRIMARY KEY,
            origin TEXT NOT NULL,
            first BLOB NOT NULL,
            first_source TEXT NOT NULL,
            second BLOB NOT NULL,
            second_source TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            UNIQUE (origin, first, second)
        );

        -- Entries a reader ignores and reports (protocols/merge.md): foreign ids, versions that
        -- do not move forward, invalid bodies. They stay in the log.
        CREATE TABLE ignored_entries (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            id TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (origin, seq)
        ) WITHOUT ROWID;

        -- The merge's inputs besides records: each record's duplicate key and same_as links.
        ALTER TABLE records ADD COLUMN dup_key TEXT NOT NULL DEFAULT '';
        CREATE INDEX records_dup_key ON records (dup_key);
        CREATE TABLE record_links (
            from_id TEXT NOT NULL,
            to_id TEXT NOT NULL,
            PRIMARY KEY (from_id, to_id)
        ) WITHOUT ROWID;
        CREATE INDEX record_links_to ON record_links (to_id, from_id);

        -- The unified catalog: one entry per cluster (canonical JSON and its SHA-256), which
        -- record is in which cluster, and the records changed since the last refresh.
        CREATE TABLE unified (
            cluster_id TEXT PRIMARY KEY,
            entry BLOB NOT NULL,
            hash BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE cluster_members (
            record_id TEXT PRIMARY KEY,
            cluster_id TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX cluster_members_cluster ON cluster_members (cluster_id);
        CREATE TABLE merge_dirty (record_id TEXT PRIMARY KEY) WITHOUT ROWID;
        """,
        // 4: log entries and unified entries in rowid tables. Their rows (an entry with its body,
        // a cluster's canonical JSON) run to kilobytes, and a WITHOUT ROWID table keeps little of
        // such a row in its b-tree page: each spilled to an overflow page of its own, which made
        // the file about 2.5 times larger (4.4 KB per log entry) and every write slower.
        """
        CREATE TABLE log_entries_v4 (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            op TEXT NOT NULL,
            record_id TEXT NOT NULL,
            entry BLOB NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (origin, seq)
        );
        INSERT INTO log_entries_v4 (origin, seq, op, record_id, entry, body)
            SELECT origin, seq, op, record_id, entry, body FROM log_entries ORDER BY origin, seq;
        DROP TABLE log_entries;
        ALTER TABLE log_entries_v4 RENAME TO log_entries;
        CREATE INDEX log_entries_record ON log_entries (origin, record_id, seq);

        CREATE TABLE unified_v4 (
            cluster_id TEXT NOT NULL UNIQUE,
            entry BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        INSERT INTO unified_v4 (cluster_id, entry, hash) SELECT cluster_id, entry, hash FROM unified ORDER BY cluster_id;
        DROP TABLE unified;
        ALTER TABLE unified_v4 RENAME TO unified;
        -- The digest reads every cluster's hash in cluster order: from this index alone.
        CREATE INDEX unified_hash ON unified (cluster_id, hash);
        """,
        // 5: each origin's generation, bumped whenever the origin's data may be replaced (its trust
        // removed or pinned anew). A server caches files that never change for a given copy of an
        // origin's log; it keys them by this number, so a change made by another process (trust
        // remove, trust, sync) is never answered from the cache of the copy it replaced. A row is
        // never deleted, so a generation never comes back.
        """
        CREATE TABLE origin_generations (
            origin TEXT PRIMARY KEY,
            generation INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 6: the filter and one-character indexes of search. A search's filters become one
        // full-text expression over tags (SearchTags), so SQLite intersects them and counts their
        // matches without reading a row, and the planner can tell a rare filter from a common one.
        // One-character terms, which neither trigrams nor pairs can answer, are looked up in an
        // index of each record's distinct characters (SearchGrams.characters) instead of scanning
        // every row; the store's writer keeps it in step with the grams, and `backfills` fills it
        // for the records a store already holds. Both tables keep only which rows hold a token
        // (detail = none, no column sizes): nothing ranks by them.
        """
        CREATE VIRTUAL TABLE records_chars USING fts5(
            chars, content = '', detail = none, columnsize = 0, tokenize = 'unicode61 remove_diacritics 0'
        );
        CREATE VIRTUAL TABLE records_tags USING fts5(
            tags, content = '', detail = none, columnsize = 0, tokenize = "unicode61 remove_diacritics 0 tokenchars '_-'"
        );
        INSERT INTO records_tags (rowid, tags) SELECT rowid, \(SearchTags.sql("")) FROM records;
        CREATE TRIGGER records_tags_insert AFTER INSERT ON records BEGIN
            INSERT INTO records_tags (rowid, tags) VALUES (new.rowid, \(SearchTags.sql("new.")));
        END;
        CREATE TRIGGER records_tags_delete AFTER DELETE ON records BEGIN
            INSERT INTO records_tags (records_tags, rowid, tags) VALUES ('delete', old.rowid, \(SearchTags.sql("old.")));
        END;
        CREATE TRIGGER records_tags_update AFTER UPDATE OF kind, industry, region, stage, trl, origin ON records BEGIN
            INSERT INTO records_tags (records_tags, rowid, tags) VALUES ('delete', old.rowid, \(SearchTags.sql("old.")));
            INSERT INTO records_tags (rowid, tags) VALUES (new.rowid, \(SearchTags.sql("new.")));
        END;
        """,
        // 7: the catalog digest stored with the catalog generation it describes (CatalogDigest):
        // `generation` rises with every merge that changes `unified`, a merge run's end stores the
        // digest of that generation, and readers serve it instead of hashing the catalog each call.
        """
        CREATE TABLE catalog_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL,
            digest_generation INTEGER NOT NULL,
            digest TEXT NOT NULL,
            clusters INTEGER NOT NULL
        );
        INSERT INTO catalog_state (id, generation, digest_generation, digest, clusters) VALUES (1, 1, 0, '', 0);
        """,
        // 8: the counts `stats`, `/v1/stats` and `/metrics` serve, kept instead of counted per call
        // (GROUP BY over a million records took seconds): `record_counts` is kept exact by triggers
        // on `records` in the writing transaction (a count whose last record went stays as 0 and is
        // skipped by readers); clusters by region are stored with the digest, per catalog generation.
        """
        CREATE TABLE record_counts (
            dimension TEXT NOT NULL,
            value NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (dimension, value)
        ) WITHOUT ROWID;
        \(RecordCounts.backfill)
        CREATE TRIGGER record_counts_insert AFTER INSERT ON records BEGIN
            \(RecordCounts.add("new", 1))
        END;
        CREATE TRIGGER record_counts_delete AFTER DELETE ON records BEGIN
            \(RecordCounts.add("old", -1))
        END;
        CREATE TRIGGER record_counts_update
        AFTER UPDATE OF \(RecordCounts.columns.joined(separator: ", ")) ON records BEGIN
            \(RecordCounts.add("old", -1))
            \(RecordCounts.add("new", 1))
        END;
        ALTER TABLE catalog_state ADD COLUMN clusters_by_region TEXT NOT NULL DEFAULT '{}';
        UPDATE catalog_state SET digest_generation = -1;
        """,
        // 9: the pairs of `match --all` (protocols/matching.md), computed once per catalog
        // generation and served from here until the unified catalog changes. IF NOT EXISTS: a
        // store taken back to an older version by dropping that version's tables (the migration
        // tests) still holds these.
        """
        CREATE TABLE IF NOT EXISTS match_pairs (
            position INTEGER PRIMARY KEY,
            cross_region INTEGER NOT NULL,
            industries TEXT NOT NULL,
            regions TEXT NOT NULL,
            pair TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS match_state (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT NOT NULL);
        """,
        // 10: the last error each peer caused in a federated query (protocols/federation.md): a
        // result it served that failed verification, shown by `peer status` beside its sync state.
        """
        CREATE TABLE IF NOT EXISTS federation_reports (
            peer TEXT PRIMARY KEY,
            error TEXT NOT NULL,
            at TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
        // 11: typed objects of the origin logs (merge.md §2, "Typed objects"): each id's accepted
        // state, for the types this version knows (deals). `body` is NULL once deleted or redacted;
        // `version` is the id's last accepted version either way.
        """
        CREATE TABLE IF NOT EXISTS typed_objects (
            id TEXT PRIMARY KEY,
            origin TEXT NOT NULL,
            type TEXT NOT NULL,
            version INTEGER NOT NULL,
            body BLOB
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS typed_objects_type ON typed_objects (type, origin);
        """,
        // 12: the audit trail of the admin API's writes: who (the name of the token that
        // authorised it, never the token), when, and what changed (`kechuang audit`).
        """
        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            token TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_time ON audit (time);
        """,
    ]

    /// Work a migration needs beyond its SQL, run in the same transaction, by migration number.
    static let backfills: [Int: @Sendable (Connection) throws -> Void] = [
        6: backfillCharacters, 7: CatalogDigest.storeDigestIfBehind, 8: CatalogDigest.storeIfBehind, 11: backfillTypedObjects,
    ]

    /// Folds the typed objects a store's logs already hold: the version before typed objects
    /// ignored and reported them (merge.md §2), so a node that upgrades takes in the deals it
    /// synced before and forgets those reports. Entries are folded in log order, as a sync would.
    static func backfillTypedObjects(_ connection: Connection) throws {
        let rows = try connection.prepare(
            "SELECT origin, entry, body FROM log_entries WHERE record_id LIKE '%:~%' AND op <> 'key' ORDER BY origin, seq"
        ).query { ($0.text(0) ?? "", $0.blob(1) ?? [], $0.blob(2) ?? []) }
        for (origin, line, body) in rows {
            let entry = try LogEntry(line: line[...])
            guard let id = TypedObjectID(entry.id) else { continue }
            let input = OriginApplier.input(entry, storedBody: body)
            try connection.run("DELETE FROM ignored_entries WHERE origin = ? AND seq = ?", [.text(origin), .integer(Int64(entry.seq))])
            switch Merge.fold(input, origin: origin, lastVersion: try TypedObjects.version(id, connection: connection)) {
            case .object(let object, let bytes): try TypedObjects.put(object, version: entry.version, body: bytes, connection: connection)
            case .remove: try TypedObjects.remove(id, version: entry.version, connection: connection)
            case .ignore(let reason): try OriginApplier.report(entry, origin: origin, reason: reason, connection: connection)
            case .put, .skip: break
            }
        }
    }

    /// Indexes the characters of every record a store held before `records_chars` existed.
    static func backfillCharacters(_ connection: Connection) throws {
        let insert = try connection.prepare("INSERT INTO records_chars (rowid, chars) VALUES (?, ?)")
        try connection.prepare("SELECT rowid, s_title, s_summary, s_keywords, s_org FROM records").forEach { row in
            try insert.run([.integer(row.int64(0)), .text(SearchGrams.characters((1...4).map { row.text($0) ?? "" }))])
        }
    }

    /// Applies the migrations the database has not seen, each in its own transaction.
    static func migrate(_ connection: Connection) throws {
        let current = try connection.userVersion()
        guard current <= migrations.count else {
            throw StoreError.invalidArgument(
                "\(connection.path) has schema version \(current), newer than this kechuang (\(migrations.count)); upgrade kechuang")
        }
        for (offset, sql) in migrations.enumerated().dropFirst(current) {
            try connection.transaction {
                try connection.execute(sql)
                try backfills[offset + 1]?(connection)
                try connection.setUserVersion(offset + 1)
            }
        }
    }

    /// The schema objects (`sqlite_master`: type, name, table, SQL) that the migrations up to
    /// `version` make, in an empty in-memory database: what a store of that version holds, and
    /// nothing else.
    static func objects(atVersion version: Int) throws -> Set<SchemaObject> {
        let connection = try Connection(path: ":memory:")
        for sql in migrations.prefix(version) { try connection.execute(sql) }
        return try objects(of: connection)
    }

    /// The schema objects of `connection`, read from `sqlite_master` alone (no table or view is
    /// queried, no trigger can fire). SQLite's own statistics tables (`sqlite_stat1`, …) are left
    /// out: ANALYZE makes them in any database.
    static func objects(of connection: Connection) throws -> Set<SchemaObject> {
        Set(try connection.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master").query {
            SchemaObject(type: $0.text(0) ?? "", name: $0.text(1) ?? "", table: $0.text(2) ?? "", sql: $0.text(3))
        }.filter { !$0.name.hasPrefix("sqlite_stat") })
    }

    /// Opens a connection with the pragmas every connection of the store uses.
    static func open(path: String, readOnly: Bool) throws -> Connection {
        let connection = try Connection(path: path, mode: readOnly ? .readOnly : .readWrite(create: false))
        if !readOnly {
            // WAL lets readers run while the writer commits; NORMAL is durable at each checkpoint
            // of the WAL and never corrupts the database on a crash.
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
            // Checkpoint every 32 MiB of WAL rather than 4 MiB: a long sync commits many times, and
            // each checkpoint copies the pages hot in every commit again and syncs the file. The
            // WAL file is truncated back to 64 MiB after a checkpoint that let it grow past that.
            try connection.execute("PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864")
        }
        try connection.execute("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536")
        return connection
    }
}

/// One entry of `sqlite_master`.
struct SchemaObject: Hashable, Sendable {
    let type: String
    let name: String
    let table: String
    let sql: String?
}
