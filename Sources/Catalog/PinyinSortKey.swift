import Foundation
import Synchronization

/// A sort key that orders Chinese titles as a dictionary does: by the pinyin of each character.
///
/// SQLite compares text by code point, which puts 重庆 before 北京. The key spells each Han
/// character as its toneless pinyin followed by a space (先进 → `xian jin `), so plain binary
/// comparison of keys gives pinyin order, character by character (西安 `xi an ` sorts before 先
/// `xian `). Other characters are folded and kept. The original title is appended after a NUL,
/// so equal pinyin still orders deterministically.
///
/// Pinyin comes from ICU's `Han-Latin` transform, one character at a time, cached: sort keys are
/// local to a node (never part of the protocol), so the ICU version does not matter.
public enum PinyinSortKey {
    private static let cache = Mutex<[Unicode.Scalar: String]>([:])

    /// The sort key of `title`.
    public static func key(_ title: String) -> String {
        var key = ""
        key.reserveCapacity(title.utf8.count * 2)
        for scalar in TextNormalizer.fold(title).unicodeScalars {
            if scalar.properties.isIdeographic {
                key += pinyin(scalar)
                key += " "
            } else {
                key.unicodeScalars.append(scalar)
            }
        }
        key += "\u{0}"
        key += title
        return key
    }

    private static func pinyin(_ scalar: Unicode.Scalar) -> String {
        if let cached = cache.withLock({ $0[scalar] }) { return cached }
        let spelled = String(scalar).applyingTransform(StringTransform("Han-Latin; Latin-ASCII; Lower"), reverse: false)
            ?? String(scalar)
        cache.withLock { $0[scalar] = spelled }
        return spelled
    }
}
