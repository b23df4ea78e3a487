// swift-tools-version: 6.2
// kechuang: a federation node for the regional technology-transfer project exchange.
//
// Targets are listed in the order data flows (see STYLE.md): C libraries, their thin Swift
// wrappers, the JSON core, then the domain modules from the data model to the command line.
import PackageDescription

/// Applied to every Swift target; system-library and C targets take no Swift settings.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

/// Domain modules hold no unsafe code; strict memory safety makes any that creeps in visible.
let domainModules: Set<String> = ["Catalog", "Store", "Query", "CLI"]

let package = Package(
    name: "kechuang",
    products: [
        .executable(name: "kechuang", targets: ["kechuang"])
    ],
    targets: [
        // C libraries from Debian, through system-library targets.
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // The only C code: wrappers for macros and variadic calls Swift cannot import.
        .target(name: "CShims", path: "Sources/CShims"),

        // Interop: one thin Swift wrapper per C library.
        .target(name: "SQLite", dependencies: ["CSQLite", "CShims"]),
        .target(name: "Signing", dependencies: ["COpenSSL"]),

        // Core.
        .target(name: "JSON"),

        // Domain, in pipeline order.
        .target(name: "Catalog", dependencies: ["JSON"]),
        .target(name: "Store", dependencies: ["Catalog", "JSON", "SQLite", "Signing"]),
        .target(name: "Query", dependencies: ["Catalog"]),
        .target(name: "CLI", dependencies: ["Catalog", "JSON", "Signing", "Store", "Query"]),
        .executableTarget(name: "kechuang", dependencies: ["CLI"]),
        // Benchmark driver for `make bench`: in-process measurements the CLI cannot time itself.
        .executableTarget(name: "kechuang-bench", dependencies: ["Catalog", "Query", "Store", "SQLite"]),

        // Tests.
        .target(name: "TestSupport", dependencies: ["JSON"], path: "Sources/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SigningTests", dependencies: ["Signing"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "JSON", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Catalog", "JSON", "TestSupport"]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "Catalog"]),
        .testTarget(name: "CLITests", dependencies: ["kechuang", "TestSupport", "JSON"]),
    ]
)

for target in package.targets where target.type != .system && target.name != "CShims" {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: swiftSettings)
    if domainModules.contains(target.name) {
        settings.append(.strictMemorySafety())
    }
    target.swiftSettings = settings
}
