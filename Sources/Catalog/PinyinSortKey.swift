import Foundation
import Synchronization

/// A sort key that orders Chinese titles as a dictionary does: by the pinyin of each character.
///
/// SQLite compares text by code point, which puts 重庆 before 北京. The key spells each Han
/// character as its toneless pinyin followed by a space (先进 → `xian jin `), so plain binary
/// comparison of keys gives pinyin order, character by character (西安 `xi an ` sorts before 先
/// `xian `). Other characters are folded and kept. The original title is appended after U+0001,
/// so equal pinyin still orders deterministically.
///
/// Pinyin comes from ICU's `Han-Latin` transform, one character at a time, cached: sort keys are
/// local to a node (never part of the protocol), so the ICU version does not matter. A character
/// read differently in a common word of this domain (重 is zhòng, but 重庆 is chóng qìng; 行 is
/// xíng, but 银行 is yín háng) takes the word's reading from `wordReadings`.
public enum PinyinSortKey {
    private static let cache = Mutex<[Unicode.Scalar: String]>([:])

    /// Words whose characters read differently from each character's most common reading.
    static let wordReadings: [String: [String]] = [
        "重庆": ["chong", "qing"], "银行": ["yin", "hang"], "行业": ["hang", "ye"], "长江": ["chang", "jiang"],
        "长沙": ["chang", "sha"], "长春": ["chang", "chun"], "长安": ["chang", "an"], "长城": ["chang", "cheng"],
        "厦门": ["xia", "men"], "六安": ["lu", "an"], "蚌埠": ["beng", "bu"], "乐山": ["le", "shan"],
        "都江堰": ["du", "jiang", "yan"], "重复": ["chong", "fu"], "重组": ["chong", "zu"], "重建": ["chong", "jian"],
    ]
    private static let longestWord = wordReadings.keys.map(\.count).max() ?? 0
    private static let wordStarts = Set(wordReadings.keys.compactMap(\.first))

    /// The sort key of `title`.
    public static func key(_ title: String) -> String { key(title, folded: TextNormalizer.fold(title)) }

    /// The sort key of `title` whose fold the caller already has.
    public static func key(_ title: String, folded: String) -> String {
        let characters = Array(folded)
        var key = ""
        key.reserveCapacity(folded.utf8.count * 2)
        var missing: [Unicode.Scalar] = []
        var readings = cache.withLock { cache in
            var found: [Unicode.Scalar: String] = [:]
            for scalar in folded.unicodeScalars where TextNormalizer.isIdeograph(scalar.value) {
                if let reading = cache[scalar] { found[scalar] = reading } else { missing.append(scalar) }
            }
            return found
        }
        for scalar in missing where readings[scalar] == nil {
            let reading = pinyin(scalar)
            readings[scalar] = reading
            cache.withLock { $0[scalar] = reading }
        }
        var index = 0
        while index < characters.count {
            if wordStarts.contains(characters[index]), let (length, words) = word(in: characters, at: index) {
                for reading in words { key += reading + " " }
                index += length
                continue
            }
            for scalar in characters[index].unicodeScalars {
                if let reading = readings[scalar] {
                    key += reading
                    key += " "
                } else {
                    key.unicodeScalars.append(scalar)
                }
            }
            index += 1
        }
        // U+0001 ends the pinyin part: it sorts below every character a key holds, and unlike NUL
        // it survives SQLite's C-string functions.
        key += "\u{1}"
        key += title
        return key
    }

    private static func word(in characters: [Character], at index: Int) -> (Int, [String])? {
        for length in stride(from: min(longestWord, characters.count - index), through: 2, by: -1) {
            if let readings = wordReadings[String(characters[index..<index + length])] { return (length, readings) }
        }
        return nil
    }

    private static func pinyin(_ scalar: Unicode.Scalar) -> String {
        String(scalar).applyingTransform(StringTransform("Han-Latin; Latin-ASCII; Lower"), reverse: false) ?? String(scalar)
    }
}
