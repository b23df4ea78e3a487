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
let domainModules: Set<String> = ["Catalog", "Feed", "Merge", "Store", "Sync", "Query", "API", "CLI"]

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
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CMicroHTTPD", path: "Sources/CMicroHTTPD", pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The only C code: wrappers for macros and variadic calls Swift cannot import.
        .target(name: "CShims", dependencies: ["CSQLite", "CMicroHTTPD"], path: "Sources/CShims"),

        // Interop: one thin Swift wrapper per C library.
        .target(name: "SQLite", dependencies: ["CSQLite", "CShims"]),
        .target(name: "Signing", dependencies: ["COpenSSL"]),
        .target(name: "Compression", dependencies: ["CZlib"]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "CShims"]),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "CShims"]),

        // Core.
        .target(name: "JSON"),

        // Domain, in pipeline order.
        .target(name: "Catalog", dependencies: ["JSON"]),
        // The auditor of a feed decides which record entries are ignored with Merge's fold.
        .target(name: "Merge", dependencies: ["Catalog", "JSON"]),
        .target(name: "Feed", dependencies: ["Catalog", "JSON", "Merge", "Signing"]),
        .target(name: "Store", dependencies: ["Catalog", "Compression", "Feed", "JSON", "Merge", "SQLite", "Signing"]),
        .target(name: "Sync", dependencies: ["Catalog", "Feed", "HTTPClient", "Signing", "Store"]),
        .target(name: "Query", dependencies: ["Catalog"]),
        .target(name: "API", dependencies: ["Catalog", "Feed", "HTTPClient", "HTTPServer", "JSON", "Query", "Signing", "Store"]),
        .target(
            name: "CLI",
            dependencies: ["API", "Catalog", "Compression", "Feed", "HTTPClient", "HTTPServer", "JSON", "Signing", "Store", "Sync", "Query"]),
        .executableTarget(name: "kechuang", dependencies: ["CLI"]),
        // Benchmark driver for `make bench`: in-process measurements the CLI cannot time itself.
        .executableTarget(
            name: "kechuang-bench", dependencies: ["API", "Catalog", "Feed", "JSON", "MatchEvaluation", "Query", "Signing", "SQLite", "Store"]),
        // The matching evaluation harness and its plain baseline (issue 10), for the quality
        // tests and `make bench`; not part of the node.
        .target(name: "MatchEvaluation", dependencies: ["API", "Catalog", "JSON", "Query", "SQLite", "Store"]),

        // Tests.
        .target(name: "TestSupport", dependencies: ["CShims", "JSON"], path: "Sources/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CompressionTests", dependencies: ["Compression", "TestSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "JSON", "TestSupport"]),
        .testTarget(name: "FeedTests", dependencies: ["Catalog", "Feed", "JSON", "Signing", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "StoreTests", dependencies: ["Store", "Catalog", "Compression", "Feed", "JSON", "Merge", "SQLite", "Signing", "TestSupport"]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "Catalog"]),
        .testTarget(name: "MergeTests", dependencies: ["Merge", "Catalog", "JSON", "TestSupport"]),
        .testTarget(
            name: "APITests",
            dependencies: ["API", "Catalog", "Compression", "Feed", "HTTPClient", "HTTPServer", "JSON", "Signing", "SQLite", "Store", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["kechuang", "CLI", "TestSupport", "JSON"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MatchTests", dependencies: ["API", "Catalog", "JSON", "MatchEvaluation", "Query", "SQLite", "Store", "TestSupport"], exclude: ["Evaluation"]),
        .testTarget(name: "SyncTests", dependencies: ["API", "Catalog", "Feed", "HTTPClient", "HTTPServer", "JSON", "Signing", "SQLite", "Store", "Sync", "TestSupport"]),
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
