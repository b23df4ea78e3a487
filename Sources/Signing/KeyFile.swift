#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes Ed25519 keys as PEM files.
///
/// Writing is atomic and never replaces anything: the PEM goes to a fresh temporary file beside the
/// destination (`open` with `O_CREAT | O_EXCL`), is flushed to disk (`fsync`) and is then published under the
/// final name with `link`, which fails if the name exists; the temporary name is removed afterwards. A
/// reader therefore sees either no file or the complete key. `rename` is not used for publishing because it
/// silently replaces an existing file, and Linux's no-replace variant (`renameat2`) is not importable from
/// Swift's Glibc module.
///
/// Every error is a ``SigningError`` whose ``SigningError/path`` names the file.
public enum KeyFile {
    /// Largest key file this type will read; real PEM keys are a few hundred bytes.
    private static let maximumFileSize = 64 * 1024

    /// Writes `key` as unencrypted PKCS#8 PEM to a new file at `path`, with mode exactly 0600.
    ///
    /// The mode is set with `fchmod` after creation, so the process's umask cannot loosen or tighten it.
    /// The in-memory copy of the PEM is wiped after writing.
    ///
    /// - Parameters:
    ///   - key: The private key.
    ///   - path: Where to create the file; nothing may exist there yet.
    /// - Throws: ``SigningError/fileExists`` if `path` exists, ``SigningError/fileSystem`` for other
    ///   failures; nothing is left behind on failure.
    public static func writePrivate(_ key: Ed25519PrivateKey, to path: String) throws(SigningError) {
        var pem = key.pemBytes()
        defer { cleanse(&pem) }
        try writeNewFile(pem, to: path, mode: 0o600)
    }

    /// Reads an Ed25519 private key from a PKCS#8 PEM file, as written by ``writePrivate(_:to:)`` or
    /// `openssl genpkey -algorithm ed25519`.
    ///
    /// The file's permissions are not checked. The in-memory copy of the file is wiped after parsing.
    ///
    /// - Parameter path: The file to read.
    /// - Returns: The key.
    /// - Throws: ``SigningError/fileSystem`` if the file cannot be read, ``SigningError/invalidPEM`` if it
    ///   does not hold an unencrypted Ed25519 private key; either way naming `path`.
    public static func readPrivate(path: String) throws(SigningError) -> Ed25519PrivateKey {
        var pem = try readFile(path)
        defer { cleanse(&pem) }
        do {
            return try Ed25519PrivateKey(pemBytes: pem)
        } catch {
            throw error.naming(path: path)
        }
    }

    /// Writes `key` as SubjectPublicKeyInfo PEM to a new file at `path`, with mode exactly 0644.
    ///
    /// - Parameters:
    ///   - key: The public key.
    ///   - path: Where to create the file; nothing may exist there yet.
    /// - Throws: ``SigningError/fileExists`` if `path` exists, ``SigningError/fileSystem`` for other
    ///   failures; nothing is left behind on failure.
    public static func writePublic(_ key: Ed25519PublicKey, to path: String) throws(SigningError) {
        try writeNewFile(Array(key.pemRepresentation.utf8), to: path, mode: 0o644)
    }

    /// Reads an Ed25519 public key from a SubjectPublicKeyInfo PEM file, as written by
    /// ``writePublic(_:to:)`` or `openssl pkey -pubout`.
    ///
    /// - Parameter path: The file to read.
    /// - Returns: The key.
    /// - Throws: ``SigningError/fileSystem`` if the file cannot be read, ``SigningError/invalidPEM`` if it
    ///   does not hold an Ed25519 public key; either way naming `path`.
    public static func readPublic(path: String) throws(SigningError) -> Ed25519PublicKey {
        let pem = try readFile(path)
        do {
            return try Ed25519PublicKey(pemRepresentation: String(decoding: pem, as: UTF8.self))
        } catch {
            throw error.naming(path: path)
        }
    }

    // MARK: Files

    /// Creates `path` with exactly `contents` and `mode`, atomically and without replacing anything.
    private static func writeNewFile(_ contents: [UInt8], to path: String, mode: mode_t) throws(SigningError) {
        try AtomicFile.write(contents, to: path, mode: UInt32(mode), replacing: false)
    }

    /// Flushes the directory entry of a newly published file, best effort: the file is already complete and
    /// visible, so a failure here is not worth reporting as a failed write.
    public static func syncDirectory(containing path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// Reads a whole regular file of at most ``maximumFileSize`` bytes.
    private static func readFile(_ path: String) throws(SigningError) -> [UInt8] {
        let descriptor = try systemCall("open", path: path, "opening the key file") {
            open(path, O_RDONLY | O_CLOEXEC)
        }
        defer { close(descriptor) }

        var status = stat()
        _ = try systemCall("fstat", path: path, "inspecting the key file") {
            fstat(descriptor, &status)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw SigningError.make(.fileSystem, "not a regular file").naming(path: path)
        }

        // Read to end of file rather than trusting st_size, but never more than the limit.
        var contents = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        defer { cleanse(&chunk) }
        while true {
            let count = try systemCall("read", path: path, "reading the key file") {
                chunk.withUnsafeMutableBytes { buffer in
                    read(descriptor, buffer.baseAddress, buffer.count)
                }
            }
            if count == 0 {
                break
            }
            guard contents.count + count <= maximumFileSize else {
                cleanse(&contents)
                throw SigningError.make(.fileSystem, "larger than \(maximumFileSize) bytes, not a key file")
                    .naming(path: path)
            }
            // Reserve once up front: growing would leave un-wiped copies of the secret behind.
            if contents.isEmpty {
                contents.reserveCapacity(maximumFileSize)
            }
            contents.append(contentsOf: chunk[0..<count])
        }
        return contents
    }
}
