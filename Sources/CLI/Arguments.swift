/// An option a command accepts: `--name VALUE`, or a flag `--name` when `value` is nil.
struct OptionSpec: Sendable {
    let name: String
    /// Placeholder of the value in help (`KIND`), or nil for a flag.
    let value: String?
    let help: String
    var repeatable = false

    static func flag(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name: name, value: nil, help: help) }
}

/// What a command looks like to the user: its name, purpose, arguments and options.
struct CommandSpec: Sendable {
    /// The words that select the command (`search`, `keys show`).
    let name: String
    let summary: String
    /// The argument part of the usage line (`QUERY [--kind KIND] …`).
    let usage: String
    var discussion: String = ""
    var positionals: [(name: String, help: String)] = []
    var options: [OptionSpec] = []
    /// Positional arguments the command requires, and the most it takes.
    var minPositionals = 0
    var maxPositionals = 0

    /// Every command takes `--data` and `--help`.
    var allOptions: [OptionSpec] {
        options + [
            OptionSpec(name: "--data", value: "DIR", help: "Node data directory (default: $KECHUANG_DATA, else ./kechuang-data)."),
            .flag("--help", "Show this help."),
        ]
    }

    var help: String {
        var text = "\(summary)\n\nUsage: kechuang \(name)\(usage.isEmpty ? "" : " " + usage)\n"
        if !discussion.isEmpty { text += "\n\(discussion)\n" }
        if !positionals.isEmpty {
            text += "\nArguments:\n"
            for positional in positionals { text += Self.row(positional.name, positional.help) }
        }
        text += "\nOptions:\n"
        for option in allOptions {
            text += Self.row(option.name + (option.value.map { " " + $0 } ?? ""), option.help)
        }
        return text
    }

    private static func row(_ left: String, _ right: String) -> String {
        let padded = left.count < 24 ? left + String(repeating: " ", count: 24 - left.count) : left + "\n" + String(repeating: " ", count: 26)
        return "  \(padded)\(right)\n"
    }
}

/// Parsed arguments of one command.
struct Arguments {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// An integer option within `range`, or `defaultValue` when absent.
    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(CLIError) -> Int {
        guard let text = value(name) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw .usage("\(name) \(text): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A required option.
    func required(_ name: String, _ spec: CommandSpec) throws(CLIError) -> String {
        guard let text = value(name), !text.isEmpty else {
            throw .usage("\(spec.name): \(name) is required (see kechuang \(spec.name) --help)")
        }
        return text
    }

    /// Parses `words` against `spec`: `--name value`, `--name=value`, flags, and positionals;
    /// `--` ends the options.
    static func parse(_ words: [String], spec: CommandSpec) throws(CLIError) -> Arguments {
        var arguments = Arguments()
        let options = Dictionary(spec.allOptions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var index = 0
        var optionsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if optionsEnded || !word.hasPrefix("-") || word == "-" {
                arguments.positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            if word == "-h" {
                arguments.flags.insert("--help")
                continue
            }
            var name = word
            var inlineValue: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inlineValue = String(word[word.index(after: equals)...])
            }
            guard let option = options[name] else {
                throw .usage("\(spec.name): unknown option \(name) (see kechuang \(spec.name) --help)")
            }
            if option.value == nil {
                guard inlineValue == nil else { throw .usage("\(spec.name): \(name) takes no value") }
                arguments.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < words.count else { throw .usage("\(spec.name): \(name) needs a value \(option.value!)") }
                value = words[index]
                index += 1
            }
            if !option.repeatable, arguments.values[name] != nil, name != "--data" {
                throw .usage("\(spec.name): \(name) given twice")
            }
            arguments.values[name, default: []].append(value)
        }
        if !arguments.flag("--help") {
            if arguments.positionals.count < spec.minPositionals {
                let missing = spec.positionals.dropFirst(arguments.positionals.count).first?.name ?? "an argument"
                throw .usage("\(spec.name): missing \(missing) (usage: kechuang \(spec.name) \(spec.usage))")
            }
            if arguments.positionals.count > spec.maxPositionals {
                throw .usage("\(spec.name): unexpected argument \(arguments.positionals[spec.maxPositionals])")
            }
        }
        return arguments
    }
}
