import Catalog
import Testing

/// `DisplayText.escaped`: what a terminal or a plain log line gets of untrusted text.
@Suite struct DisplayTextTests {
    @Test(arguments: [
        ("国内首台50MW重型燃气轮机 · 研制", "国内首台50MW重型燃气轮机 · 研制"),
        ("\u{1B}[31mRED\u{1B}]0;pwned\u{07}\u{1B}[2J", #"\u{1B}[31mRED\u{1B}]0;pwned\u{7}\u{1B}[2J"#),
        ("a\u{9B}2Jb\u{9D}0;x\u{85}c\u{7F}", #"a\u{9B}2Jb\u{9D}0;x\u{85}c\u{7F}"#),
        ("abc\u{202E}gnp.exe", #"abc\u{202E}gnp.exe"#),
        ("\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}", #"\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}"#),
        ("行\u{2028}段\u{2029}", #"行\u{2028}段\u{2029}"#),
        ("over\rwrite", #"over\u{D}write"#),
        ("two\nlines\tand a tab", "two\nlines\tand a tab"),
        ("عربي\u{200F}mark", "عربي\u{200F}mark"),
    ])
    func escaped(_ text: String, _ shown: String) {
        #expect(DisplayText.escaped(text) == shown)
    }

    @Test func oneLogLineEscapesLineFeedsAndTabs() {
        #expect(DisplayText.escaped("a\nkechuang serve: forged\tline", keepingLineBreaks: false) == #"a\u{A}kechuang serve: forged\u{9}line"#)
    }
}
