import Catalog
import Foundation
import HTTPServer

/// The web pages' shared parts (README, "The web page"): escaping, links, the layout every page
/// has, and the answer with its headers. Pages are rendered on the server and work without
/// script; `/static/kechuang.js` only enhances (the import form needs it to send the token).
enum HTML {
    /// Only the node's own scripts and styles; nothing framed, posted or fetched elsewhere.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// `text` safe in element content and quoted attribute values.
    static func escape(_ text: String) -> String { RoadshowOutput.escape(text) }

    /// `text` for a URL path segment or query value: everything but unreserved characters
    /// percent-encoded (`:` and `~` of ids included, which every server decodes).
    static func component(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// A query string from `pairs` (empty values left out), `?a=1&b=2`, or "" when none remain.
    static func query(_ pairs: [(String, String?)]) -> String {
        let kept = pairs.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : "\(name)=\(component($0))" } }
        return kept.isEmpty ? "" : "?" + kept.joined(separator: "&")
    }

    /// The link to a project's page.
    static func projectLink(_ id: String, _ title: String) -> String {
        "<a class=\"title\" href=\"/p/\(escape(component(id)))\">\(escape(title))</a>"
    }

    /// A region's Chinese name with its code, or the code.
    static func region(_ code: String) -> String { Region(code: code)?.label ?? code }

    /// The pages of the navigation, in order: path, label.
    static let navigation: [(path: String, label: String)] = [
        ("/", "搜索"), ("/matches", "匹配"), ("/roadshows", "路演"), ("/deals", "成果转化与漏斗"), ("/status", "联盟状态"), ("/import", "导入（工作人员）"),
    ]

    /// A whole page: the layout around `body` (already escaped markup), `active` the navigation path.
    static func page(title: String, node: NodeInfo, active: String, body: String) -> String {
        let links = navigation.map { item in
            "<a href=\"\(item.path)\"\(item.path == active ? " aria-current=\"page\"" : "")>\(item.label)</a>"
        }.joined()
        return """
            <!doctype html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · \(escape(node.name))</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/static/kechuang.css">
            <script src="/static/kechuang.js" defer></script>
            </head>
            <body>
            <header><p class="site"><a href="/">科创项目联盟</a> · \(escape(node.name)) <span class="code">\(escape(node.id))</span></p>
            <nav>\(links)</nav></header>
            <main>
            <h1>\(escape(title))</h1>
            \(body)
            </main>
            <footer>kechuang · 节点 \(escape(node.id)) · 时间均为北京时间（UTC+8），除非注明 UTC</footer>
            </body>
            </html>

            """
    }

    /// The answer for an HTML page (or a static file of `type`), with the page headers.
    static func response(_ body: String, status: Int = 200, type: String = "text/html; charset=utf-8", extra: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [
                ("Content-Type", type), ("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff"),
                ("Content-Security-Policy", contentSecurityPolicy), ("Referrer-Policy", "no-referrer"),
            ] + extra,
            body: Array(body.utf8))
    }

    /// A moment (UTC timestamp) in Beijing time, `YYYY-MM-DD HH:MM`; the text as it is when it is not one.
    static func beijing(_ timestamp: String) -> String {
        Roadshow.beijing(timestamp).map { "\($0.date) \($0.time)" } ?? timestamp
    }

    /// `<select name=…>` of `options` (value, label) with `selected`, and a first "any" option.
    static func select(_ name: String, label: String, options: [(String, String)], selected: String?) -> String {
        var html = "<label>\(escape(label)) <select name=\"\(escape(name))\"><option value=\"\">全部</option>"
        for (value, text) in options {
            html += "<option value=\"\(escape(value))\"\(value == selected ? " selected" : "")>\(escape(text))</option>"
        }
        return html + "</select></label>"
    }
}
