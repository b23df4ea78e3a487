import Foundation

/// Paths of the repository and of the built products, for tests that read committed files or run
/// the `kechuang` binary as a user would.
public enum Repository {
    /// The repository root, found from this source file's location.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `protocols/examples/<name>` in the repository.
    public static func example(_ name: String) -> String { "\(root)/protocols/examples/\(name)" }

    /// The shared test vectors (`../shared/testdata`), present in the development workspace only.
    public static var sharedTestData: String? {
        let path = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared/testdata").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The `kechuang` executable built beside the test bundle.
    public static var binary: String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // The test runner is `…/debug/kechuangPackageTests.xctest` (a file on Linux) or inside
        // a `.xctest` bundle; walk up until a `kechuang` binary sits beside us.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("kechuang").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return "\(root)/.build/debug/kechuang"
    }
}
