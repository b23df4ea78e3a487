import Catalog
import Foundation
import JSON
import SQLite

/// Told the records read so far and the share of the input read (0–1, nil when unknown).
public typealias ImportProgress = @Sendable (_ records: Int, _ share: Double?) -> Void

/// How often an import says how far it got.
enum ImportProgressRate {
    static let every = 1_000
}

/// Runs one import: reads records, validates every one, and writes them in a single transaction
/// that commits only when no record had a problem.
///
/// Validation goes on after the first problem, so the operator sees every problem of the file at
/// once (up to `maxIssues`), each as `FILE:LINE: field: problem`; nothing is written then.
struct ProjectImporter {
    let connection: Connection
    let origin: String
    let now: String
    /// Stop collecting after this many problems: the file is refused either way.
    var maxIssues = 1000
    /// Accept records that publish again a `contact` or `service_agent` a redaction erased.
    var republish = false
    /// Told the records read so far and the share of the input read (nil when unknown), every
    /// `ImportProgressRate.every` records and at the end.
    var progress: ImportProgress?

    /// Per-record limits: a record is a few kilobytes; a megabyte is a broken file.
    static let limits = JSONParser.Limits(maxBytes: 1 << 20, maxDepth: 16, maxStringBytes: 256 << 10, maxNumberLength: 40)

    func run(_ source: ImportSource) throws -> ImportReport {
        do {
            return try connection.transaction { try read(source, decodedFallback: false) }
        } catch let error as JSONError where error == .invalidUTF8 && source.encoding == .auto {
            // A streamed file turned out not to be UTF-8: the transaction rolled back, so read it
            // again whole, as GB18030.
            return try connection.transaction { try read(source, decodedFallback: true) }
        }
    }

    private func read(_ source: ImportSource, decodedFallback: Bool) throws -> ImportReport {
        var state = State(name: source.name, maxIssues: maxIssues, writer: try RecordWriter(connection: connection, origin: origin))
        state.republish = republish
        state.progress = progress
        defer { progress?(state.report.total, 1) }
        switch source.content {
        case .file(let path):
            let format = source.format ?? Self.format(fromName: path)
            if format == .json, !decodedFallback, source.encoding != .gb18030 {
                // A file's size, for the share read (an unreadable size only costs the estimate).
                state.inputBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil  // only the progress estimate needs it
                try importJSON(try JSONArrayStreamReader(path: path, limits: Self.limits), &state)
            } else {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw StoreError.unreadable(path, "cannot read the file")
                }
                let encoding: ImportSource.Encoding = decodedFallback ? .gb18030 : source.encoding
                try importBytes(TextDecoding.utf8(Array(data), encoding: encoding, name: path), format: format, &state)
            }
        case .bytes(let bytes):
            let utf8 = try TextDecoding.utf8(bytes, encoding: source.encoding, name: source.name)
            try importBytes(utf8, format: source.format, &state)
        }
        if !state.issues.isEmpty { throw StoreError.invalidImport(state.issues, file: source.name) }
        return state.report
    }

    private func importBytes(_ bytes: [UInt8], format: ImportSource.Format?, _ state: inout State) throws {
        let sniffed = format ?? (bytes.first(where: { !isJSONWhitespace($0) }) == UInt8(ascii: "[") ? .json : .csv)
        switch sniffed {
        case .json: try importJSON(JSONArrayStreamReader(bytes: bytes, limits: Self.limits), &state)
        case .csv: try importCSV(bytes, &state)
        }
    }

    private func importJSON(_ reader: consuming JSONArrayStreamReader, _ state: inout State) throws {
        while !state.isFull {
            let element: JSONArrayStreamReader.Element?
            do throws(JSONError) {
                element = try reader.next()
            } catch where error == .invalidUTF8 {
                throw error
            } catch {
                state.issue(line: error.line ?? 1, field: "(file)", problem: "not a JSON array of records: \(error.message)")
                return
            }
            guard let element else { return }
            state.bytesRead += element.bytes.count
            state.record(element.value, line: element.line, origin: origin, now: now) { path in
                JSONLocator.line(of: path, in: element.bytes, firstLine: element.line) ?? element.line
            }
        }
    }

    private func importCSV(_ bytes: [UInt8], _ state: inout State) throws {
        // Row by row: a file of millions of rows holds one row's strings at a time.
        var reader = CSVParser.RowReader(Array(TextDecoding.stripBOM(bytes)))
        state.inputBytes = bytes.count
        func nextRow(_ state: inout State) -> CSVParser.Row? {
            do {
                let row = try reader.next()
                state.bytesRead = reader.offset
                return row
            } catch {
                state.issue(line: error.line, field: "(file)", problem: error.problem)
                return nil
            }
        }
        guard let headerRow = nextRow(&state), state.issues.isEmpty else { return }
        let header: [String]
        do {
            header = try ProjectCSV.validateHeader(headerRow.fields)
        } catch {
            state.issue(line: headerRow.line, field: "(header)", problem: error.description)
            return
        }
        while !state.isFull, let row = nextRow(&state) {
            if row.fields.count > header.count {
                state.issue(line: row.line, field: "(row)", problem: "has \(row.fields.count) cells; the header has \(header.count)")
                continue
            }
            let object: JSONValue
            do {
                object = try ProjectCSV.object(header: header, fields: row.fields)
            } catch {
                state.issue(line: row.line, field: error.column, problem: error.problem)
                continue
            }
            state.record(object, line: row.line, origin: origin, now: now) { _ in row.line }
        }
    }

    private func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0xEF || byte == 0xBB || byte == 0xBF
    }

    static func format(fromName path: String) -> ImportSource.Format? {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".csv") { return .csv }
        return nil
    }

    /// The running state of one import: the report, the problems, and the ids already seen.
    private struct State {
        let name: String
        let maxIssues: Int
        var writer: RecordWriter
        var report = ImportReport()
        var issues: [ImportIssue] = []
        var firstLineOfID: [String: Int] = [:]
        var republish = false
        var progress: ImportProgress?
        /// Bytes read, of `inputBytes` (a JSON file or a CSV input).
        var bytesRead = 0
        var inputBytes: Int?

        var isFull: Bool { issues.count >= maxIssues }

        init(name: String, maxIssues: Int, writer: RecordWriter) {
            self.name = name
            self.maxIssues = maxIssues
            self.writer = writer
        }

        mutating func issue(line: Int, field: String, problem: String) {
            issues.append(ImportIssue(file: name, line: line, field: field, problem: problem))
        }

        /// Validates one record and, while the import is still clean, writes it.
        mutating func record(
            _ value: JSONValue, line: Int, origin: String, now: String, lineOf: ([JSONPathComponent]) -> Int
        ) {
            report.total += 1
            if let progress, report.total % ImportProgressRate.every == 0 {
                let share = inputBytes.map { Double(bytesRead) / Double(max($0, 1)) }
                progress(report.total, share.map { min(1, $0) })
            }
            let project: Project
            do {
                project = try ProjectDecoder(mode: .importing(origin: origin)).decode(value)
            } catch {
                for issue in error.issues.prefix(max(maxIssues - issues.count, 0)) {
                    self.issue(line: lineOf(issue.path), field: issue.field, problem: issue.problem)
                }
                return
            }
            let id = project.id.description
            if let first = firstLineOfID[id] {
                self.issue(line: line, field: "id", problem: "\(id) appears twice in this file (first on line \(first))")
                return
            }
            firstLineOfID[id] = line
            guard issues.isEmpty else { return }
            do {
                switch try writer.put(project, now: now, republish: republish) {
                case .created: report.created += 1
                case .updated: report.updated += 1
                case .unchanged: report.unchanged += 1
                }
            } catch let error as StoreError where error.field != nil {
                // A rule that needs the stored record, such as "a stage is never lost" or "an
                // erased contact is not published again unasked".
                let field = error.field ?? "(record)"
                self.issue(line: lineOf([.key(field)]), field: field, problem: error.message)
            } catch {
                self.issue(line: line, field: "(record)", problem: "cannot be stored: \(error)")
            }
        }
    }
}
