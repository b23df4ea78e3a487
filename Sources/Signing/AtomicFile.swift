#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes whole files atomically: readers see the old file or the new one, never a part.
///
/// The bytes go to a temporary file beside the target (created with `O_EXCL`, mode set with
/// `fchmod` so the umask cannot widen it), which is then published under the final name: with
/// `link` when nothing may be replaced (a `link` fails if the name exists, even against a
/// concurrent writer), with `rename` when the file is replaced (a token rotation, an export).
public enum AtomicFile {
    /// Writes `contents` to `path` with `mode`.
    ///
    /// - Parameters:
    ///   - replacing: replace an existing file (`rename`); when false an existing file is an error.
    ///   - sync: flush the file and its directory to disk before returning (secrets); exports of
    ///     many files skip it.
    /// - Throws: `SigningError.fileExists` when the file exists and `replacing` is false, or
    ///   `.fileSystem` naming the path and the failed call.
    public static func write(_ contents: [UInt8], to path: String, mode: UInt32 = 0o644, replacing: Bool, sync: Bool = true)
        throws(SigningError)
    {
        var status = stat()
        if !replacing, lstat(path, &status) == 0 {
            throw SigningError.make(.fileExists, "refusing to overwrite an existing file").naming(path: path)
        }
        let temporaryPath = path + ".tmp-" + Hex.encode(SecureRandom.bytes(8))
        let descriptor = try systemCall("open", path: path, "creating temporary file \(temporaryPath)") {
            open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode_t(mode))
        }
        var isOpen = true
        var published = false
        defer {
            if isOpen { close(descriptor) }
            if !published { unlink(temporaryPath) }
        }
        _ = try systemCall("fchmod", path: path, "setting the mode of \(temporaryPath)") { fchmod(descriptor, mode_t(mode)) }
        var offset = 0
        while offset < contents.count {
            let written = try systemCall("write", path: path, "writing \(temporaryPath)") {
                contents.withUnsafeBytes { buffer in Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset) }
            }
            offset += written
        }
        if sync {
            _ = try systemCall("fsync", path: path, "flushing \(temporaryPath) to disk") { fsync(descriptor) }
        }
        isOpen = false
        // close is not retried on EINTR: on Linux the descriptor is released even then.
        if close(descriptor) != 0 {
            throw .system(function: "close", errno: errno, path: path, "closing \(temporaryPath)")
        }
        if replacing {
            _ = try systemCall("rename", path: path, "moving \(temporaryPath) to the final name") { rename(temporaryPath, path) }
            published = true
        } else {
            _ = try systemCall("link", path: path, "publishing \(temporaryPath) under the final name") { link(temporaryPath, path) }
            published = true
            unlink(temporaryPath)
        }
        if sync { KeyFile.syncDirectory(containing: path) }
    }
}
