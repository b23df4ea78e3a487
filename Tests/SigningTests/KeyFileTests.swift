import Foundation
import Signing
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("KeyFile", .serialized)  // one test changes the process umask
struct KeyFileTests {
    /// A fresh empty directory per test, removed afterwards.
    final class TemporaryDirectory {
        let path: String
        init() throws {
            let url = FileManager.default.temporaryDirectory.appending(path: "signing-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
            path = url.path
        }
        deinit {
            try? FileManager.default.removeItem(atPath: path)
        }
        func file(_ name: String) -> String {
            path + "/" + name
        }
        func contents() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        }
    }

    static func mode(of path: String) throws -> mode_t {
        var status = stat()
        try #require(stat(path, &status) == 0)
        return status.st_mode & 0o7777
    }

    @Test func privateKeyRoundTripWithMode0600() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("node.key")
        let key = try Ed25519PrivateKey()
        try KeyFile.writePrivate(key, to: path)
        #expect(try Self.mode(of: path) == 0o600)
        #expect(try directory.contents() == ["node.key"])  // no temporary file left behind
        #expect(try String(contentsOfFile: path, encoding: .utf8) == key.pemRepresentation)
        #expect(try KeyFile.readPrivate(path: path).publicKey == key.publicKey)
    }

    @Test func privateKeyModeIgnoresUmask() throws {
        let directory = try TemporaryDirectory()
        let loose = umask(0)
        defer { umask(loose) }
        try KeyFile.writePrivate(try Ed25519PrivateKey(), to: directory.file("loose.key"))
        #expect(try Self.mode(of: directory.file("loose.key")) == 0o600)

        umask(0o377)
        try KeyFile.writePrivate(try Ed25519PrivateKey(), to: directory.file("tight.key"))
        try KeyFile.writePublic(try Ed25519PrivateKey().publicKey, to: directory.file("tight.pub"))
        umask(loose)
        #expect(try Self.mode(of: directory.file("tight.key")) == 0o600)
        #expect(try Self.mode(of: directory.file("tight.pub")) == 0o644)
    }

    @Test func publicKeyRoundTripWithMode0644() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("node.pub")
        let key = try Ed25519PrivateKey().publicKey
        try KeyFile.writePublic(key, to: path)
        #expect(try Self.mode(of: path) == 0o644)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == key.pemRepresentation)
        #expect(try KeyFile.readPublic(path: path) == key)
    }

    @Test func refusesToOverwrite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("node.key")
        let first = try Ed25519PrivateKey()
        try KeyFile.writePrivate(first, to: path)

        let error = #expect(throws: SigningError.fileExists) {
            try KeyFile.writePrivate(try Ed25519PrivateKey(), to: path)
        }
        #expect(error?.path == path)
        #expect(error?.description.contains(path) == true)
        #expect(try KeyFile.readPrivate(path: path).publicKey == first.publicKey)

        #expect(throws: SigningError.fileExists) { try KeyFile.writePublic(first.publicKey, to: path) }
        #expect(try directory.contents() == ["node.key"])
    }

    @Test func refusesToOverwriteASymlinkOrDirectory() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("target")
        let link = directory.file("link.key")
        try #require(symlink(target, link) == 0)  // dangling: target does not exist
        #expect(throws: SigningError.fileExists) { try KeyFile.writePrivate(try Ed25519PrivateKey(), to: link) }
        #expect(!FileManager.default.fileExists(atPath: target))

        let subdirectory = directory.file("sub")
        try FileManager.default.createDirectory(atPath: subdirectory, withIntermediateDirectories: false)
        #expect(throws: SigningError.fileExists) {
            try KeyFile.writePrivate(try Ed25519PrivateKey(), to: subdirectory)
        }
        #expect(try directory.contents() == ["link.key", "sub"])
    }

    @Test func errorsNameThePath() throws {
        let directory = try TemporaryDirectory()

        let missing = directory.file("missing.key")
        let readError = #expect(throws: SigningError.fileSystem) { try KeyFile.readPrivate(path: missing) }
        #expect(readError?.path == missing)
        #expect(readError?.systemErrorNumber == ENOENT)
        #expect(readError?.function == "open")
        #expect(readError?.description.hasPrefix(missing + ": ") == true)

        let noDirectory = directory.file("no/such/dir/node.key")
        let writeError = #expect(throws: SigningError.fileSystem) {
            try KeyFile.writePrivate(try Ed25519PrivateKey(), to: noDirectory)
        }
        #expect(writeError?.path == noDirectory)
        #expect(writeError?.description.contains(noDirectory) == true)

        let garbage = directory.file("garbage.key")
        try Data("not a key".utf8).write(to: URL(filePath: garbage))
        let parseError = #expect(throws: SigningError.invalidPEM) { try KeyFile.readPrivate(path: garbage) }
        #expect(parseError?.path == garbage)
        #expect(parseError?.description.hasPrefix(garbage + ": invalid PEM") == true)
        let publicParseError = #expect(throws: SigningError.invalidPEM) { try KeyFile.readPublic(path: garbage) }
        #expect(publicParseError?.path == garbage)

        let directoryError = #expect(throws: SigningError.fileSystem) { try KeyFile.readPublic(path: directory.path) }
        #expect(directoryError?.path == directory.path)
    }

    @Test func readsOpenSSLCLIKeyFiles() throws {
        let privatePath = try Fixtures.url("keys/test-only-ed25519.key").path
        let publicPath = try Fixtures.url("keys/test-only-ed25519.pub").path
        let privateKey = try KeyFile.readPrivate(path: privatePath)
        #expect(privateKey.publicKey.text == Ed25519KeyTests.fixtureKeyText)
        #expect(try KeyFile.readPublic(path: publicPath) == privateKey.publicKey)
    }

    @Test func refusesHugeFiles() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("huge.key")
        try Data(repeating: 0x41, count: 100_000).write(to: URL(filePath: path))
        let error = #expect(throws: SigningError.fileSystem) { try KeyFile.readPrivate(path: path) }
        #expect(error?.path == path)
    }
}
