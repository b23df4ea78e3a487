@testable import CLI
import Foundation
import TestSupport
import Testing

/// Every `--help` tells the truth (issue 15, item 6): its usage line names every option the
/// command accepts, and the product's documents name only files of the repository.
@Suite struct HelpTests {
    @Test func everyUsageLineNamesEveryOption() {
        for command in Kechuang.commands {
            let spec = command.spec
            let usage = spec.help.split(separator: "\n").filter { $0.hasPrefix("Usage:") || $0.hasPrefix("       kechuang") }.joined(separator: "\n")
            for option in spec.options where option.name != "--help" {
                #expect(usage.contains(option.name), "kechuang \(spec.name): its usage line does not name \(option.name)")
            }
        }
    }

    /// DOMAIN.md and DESIGN.md are the developers' brief, outside the repository: no help text,
    /// README or protocol document sends a user there.
    @Test func theDocumentsNameOnlyFilesOfTheRepository() throws {
        for command in Kechuang.commands {
            #expect(!command.spec.help.contains("DOMAIN.md") && !command.spec.help.contains("DESIGN.md"), "kechuang \(command.spec.name) --help")
        }
        let root = Repository.root
        var documents = ["README.md"]
        documents += try FileManager.default.contentsOfDirectory(atPath: root + "/protocols").filter { $0.hasSuffix(".md") }.map { "protocols/" + $0 }
        for document in documents + ["deploy/nginx/README.md", "deploy/README.md"] {
            let text = try String(contentsOfFile: root + "/" + document, encoding: .utf8)
            #expect(!text.contains("DOMAIN.md") && !text.contains("DESIGN.md"), "\(document)")
            // Every relative link leads to a file or directory of the repository.
            for match in text.matches(of: /\]\(([^)#\s]+)/) {
                let target = String(match.1)
                guard !target.hasPrefix("http") else { continue }
                let base = (document as NSString).deletingLastPathComponent
                let path = ((root + "/" + base + "/" + target) as NSString).standardizingPath
                #expect(FileManager.default.fileExists(atPath: path), "\(document) links to \(target), which is not in the repository")
            }
        }
    }
}
