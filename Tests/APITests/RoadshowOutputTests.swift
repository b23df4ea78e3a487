import API
import Catalog
import Foundation
import JSON
import TestSupport
import Testing

/// The CSV and the HTML agenda of a roadshow (protocols/roadshows.md §3), from a view built here.
@Suite struct RoadshowOutputTests {
    static let hostile = #"<script>alert("x")</script> & 'q'"#

    static func view(status: Roadshow.Status = .published) throws -> RoadshowView {
        var record = try #require(
            RecordFixture.supply("sichuan:sc-ach-001", title: hostile, organization: "=HYPERLINK(\"http://evil\")").objectValue)
        record["service_agent"] = ["name": "王芳", "organization": "四川省科协", "phone": "13812345678"]
        let project = try ProjectDecoder(mode: .importing(origin: "sichuan")).decode(.object(record))
        let known = ClusterProject(project: project, cluster: "sichuan:sc-ach-001", regions: ["sichuan"])
        let first = Roadshow.Slot(time: "2024-11-20T01:00:00Z", project: project.id, expert: "李明, 教授", why: "跨区域匹配：\n重庆")
        let late = Roadshow.Slot(time: "2024-11-20T16:30:00Z", project: try #require(RecordID("beijing:bj-0001")))
        let roadshow = Roadshow(
            id: try #require(TypedObjectID("sichuan:~roadshow.tianfu-2024")), version: 3, event: "tianfu-2024", title: "路演 <b>", status: status,
            sessions: [
                Roadshow.Session(
                    id: "tianfu-2024/electronics-equipment", name: "电子信息和装备制造专场", industries: [.electronics, .equipment], date: "2024-11-20",
                    start: "2024-11-20T01:00:00Z", place: "主会场", slots: [first]),
                Roadshow.Session(
                    id: "tianfu-2024/overseas", name: "海外专场", industries: [], date: "2024-11-21", start: "2024-11-20T16:00:00Z", place: "分会场一",
                    slots: [late]),
            ], createdAt: "2024-11-01T00:00:00Z", updatedAt: "2024-11-02T00:00:00Z")
        _ = try Roadshow(.object(roadshow.object))  // the view is of a valid roadshow
        return RoadshowView(roadshow: roadshow, sessions: [[.init(slot: first, project: known)], [.init(slot: late, project: nil)]])
    }

    @Test func theCSVOpensInASpreadsheet() throws {
        let bytes = RoadshowOutput.csv(try Self.view())
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with BOM")
        let rows = try CSVParser.rows(Array(bytes.dropFirst(3))).map(\.fields)
        #expect(rows.count == 3, "a header and a row per slot: \(rows)")
        #expect(rows[0] == RoadshowOutput.columns)
        func cell(_ row: Int, _ column: String) -> String { rows[row][RoadshowOutput.columns.firstIndex(of: column)!] }
        #expect(cell(1, "date") == "2024-11-20" && cell(1, "time") == "09:00" && cell(1, "time_utc") == "2024-11-20T01:00:00Z")
        #expect(cell(2, "date") == "2024-11-21" && cell(2, "time") == "00:30", "past midnight in Beijing is the next day")
        #expect(cell(1, "organization") == "'=HYPERLINK(\"http://evil\")", "a formula is neutralised")
        #expect(cell(1, "title") == Self.hostile && cell(1, "expert") == "李明, 教授" && cell(1, "why") == "跨区域匹配：\n重庆")
        #expect(cell(1, "service_agent_phone") == "138****5678")
        #expect(cell(2, "kind") == "unknown" && cell(2, "title").isEmpty && cell(2, "project") == "beijing:bj-0001")
        #expect(!String(decoding: bytes, as: UTF8.self).contains("13812345678"), "the phone only masked")
    }

    @Test func theAgendaIsEscapedChineseAndInBeijingTime() throws {
        let html = RoadshowOutput.html(try Self.view())
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"zh-CN\">"))
        #expect(!html.contains("<script>") && !html.contains("<b>"), "no text is markup")
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;") && html.contains("路演 &lt;b&gt;"))
        #expect(html.contains("2024-11-20 09:00（北京时间）") && html.contains("<td>09:00</td>") && html.contains("<td>00:30</td>"))
        #expect(html.contains("电子信息、装备制造") && html.contains("不限行业"))
        #expect(html.contains("138****5678") && !html.contains("13812345678"))
        #expect(html.contains("未知项目（本节点未持有）") && html.contains("beijing:bj-0001"))
        #expect(!html.contains("已撤回"))
        #expect(html.components(separatedBy: "<table>").count == html.components(separatedBy: "</table>").count)
        #expect(html.components(separatedBy: "<tr>").count == html.components(separatedBy: "</tr>").count)
        #expect(!html.contains("src=") && !html.contains("href="), "the page loads nothing")
    }

    @Test func aWithdrawnAgendaSaysSo() throws {
        let html = RoadshowOutput.html(try Self.view(status: .withdrawn))
        #expect(html.contains("class=\"withdrawn\">已撤回"))
        let rows = try CSVParser.rows(Array(RoadshowOutput.csv(try Self.view(status: .withdrawn)).dropFirst(3))).map(\.fields)
        #expect(rows.dropFirst().allSatisfy { $0.last == "withdrawn" })
    }
}
