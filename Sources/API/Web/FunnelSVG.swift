import Catalog
import Store

/// The funnel drawn by the node as inline SVG: per stage, a bar of the project clusters that
/// reached it, the deals at it, and the conversion from the stage before. Presentation attributes
/// only (no style), so the page's Content-Security-Policy holds.
enum FunnelSVG {
    static func render(_ counts: Funnel.Counts, title: String) -> String {
        let stages = Stage.allCases
        let rowHeight = 46, labelWidth = 92, barWidth = 250, width = labelWidth + barWidth + 8
        let height = rowHeight * stages.count + 8
        let most = max(1, stages.map { counts.projects[$0] ?? 0 }.max() ?? 1)
        var svg = """
            <svg class="funnel" role="img" aria-label="\(HTML.escape(title))" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" xmlns="http://www.w3.org/2000/svg">
            <title>\(HTML.escape(title))</title>

            """
        let conversion = Dictionary(uniqueKeysWithValues: counts.conversion.map { ($0.to, $0.ratio) })
        for (index, stage) in stages.enumerated() {
            let projects = counts.projects[stage] ?? 0, deals = counts.deals[stage] ?? 0
            let y = 4 + index * rowHeight
            let length = max(projects > 0 ? 2 : 0, barWidth * projects / most)
            var caption = "项目 \(projects) · 交易 \(deals)"
            if let ratio = conversion[stage] ?? nil { caption += " · 转化 \(Int((ratio * 100).rounded()))%" }
            svg += """
                <text x="0" y="\(y + 18)" font-size="13" fill="#1a1a1a">\(HTML.escape(stage.label))</text>
                <rect x="\(labelWidth)" y="\(y + 4)" width="\(length)" height="18" fill="#0b57d0"><title>\(HTML.escape(stage.label))：\(HTML.escape(caption))</title></rect>
                <text x="\(labelWidth)" y="\(y + 38)" font-size="11" fill="#5f6368">\(HTML.escape(caption))</text>

                """
        }
        return svg + "</svg>"
    }
}

extension Funnel.Counts {
    /// No projects and no deals: a region that has none yet.
    var emptied: Funnel.Counts {
        var counts = self
        counts.projects = [:]
        counts.deals = [:]
        counts.dealStatus = [:]
        return counts
    }
}
