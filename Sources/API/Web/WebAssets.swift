/// The web pages' stylesheet and script, served from the binary (`/static/…`): no build step,
/// nothing fetched from elsewhere, so the pages work offline, on a phone and printed.
enum WebAssets {
    static let css = """
        :root { --ink: #1a1a1a; --muted: #5f6368; --line: #d0d4d9; --accent: #0b57d0; --warn: #b3261e; --ok: #146c2e; --bg: #fff; --soft: #f3f5f8; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.6;
          font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif; }
        header { background: var(--soft); border-bottom: 1px solid var(--line); padding: .5rem 1rem; }
        .site { margin: 0 0 .25rem; font-weight: bold; }
        .site a { color: var(--ink); text-decoration: none; }
        nav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; }
        nav a { color: var(--accent); text-decoration: none; }
        nav a[aria-current] { font-weight: bold; text-decoration: underline; }
        main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
        footer { color: var(--muted); font-size: .8rem; padding: 1rem; border-top: 1px solid var(--line); }
        h1 { font-size: 1.4rem; margin: 0 0 .75rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
        a { overflow-wrap: anywhere; }
        .code, .id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; color: var(--muted); overflow-wrap: anywhere; }
        .muted { color: var(--muted); }
        .warn { color: var(--warn); font-weight: bold; }
        .ok { color: var(--ok); }
        form.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin-bottom: 1rem; }
        form.search label.q { flex: 1 1 14rem; min-width: 0; }
        form.search label.q input { width: 100%; font-size: 1rem; padding: .4rem; }
        label { display: inline-flex; flex-direction: column; font-size: .85rem; color: var(--muted); max-width: 100%; }
        select, input, button { font: inherit; max-width: 100%; }
        button { padding: .4rem .9rem; }
        ol.results, ul.plain { list-style: none; padding: 0; margin: 0; }
        li.result, li.match, li.pair, li.deal, li.roadshow { border-bottom: 1px solid var(--line); padding: .6rem 0; }
        li.result .title, li.match .title, li.pair .title { font-size: 1.05rem; }
        .facts { color: var(--muted); font-size: .85rem; }
        .table { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        .table table { min-width: 38rem; }
        th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
        th { background: var(--soft); white-space: nowrap; }
        dl.record { display: grid; grid-template-columns: minmax(5rem, max-content) 1fr; gap: .2rem .8rem; }
        dl.record dt { color: var(--muted); }
        dl.record dd { margin: 0; overflow-wrap: anywhere; }
        tr.peer-error td, tr.fork td { background: #fdecea; }
        tr.fork td { font-weight: bold; }
        .pager { margin: 1rem 0; }
        svg.funnel { max-width: 100%; height: auto; display: block; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft); padding: .6rem; font-size: .85rem; }
        #import-result li.import-issue { color: var(--warn); }
        @media print {
          header nav, footer, form.search, .pager { display: none; }
          main { padding: 0; max-width: none; }
          .table { overflow: visible; }
          a { color: inherit; text-decoration: none; }
        }
        """

    /// Enhancement only. The import form sends the chosen file to the admin import with the token
    /// typed into the form (never stored: no cookie, no storage), and shows the answer; every
    /// text it shows is set with textContent, never parsed as markup.
    static let js = """
        "use strict";
        (function () {
          var form = document.getElementById("import-form");
          if (!form) { return; }
          var result = document.getElementById("import-result");
          function show(lines, issues) {
            result.textContent = "";
            lines.forEach(function (text) { var p = document.createElement("p"); p.textContent = text; result.appendChild(p); });
            if (issues && issues.length) {
              var list = document.createElement("ol");
              issues.forEach(function (issue) {
                var item = document.createElement("li");
                item.className = "import-issue";
                var where = issue.line ? "第 " + issue.line + " 行 " : "";
                item.textContent = where + (issue.field || "") + ": " + (issue.problem || "");
                list.appendChild(item);
              });
              result.appendChild(list);
            }
          }
          form.addEventListener("submit", function (event) {
            event.preventDefault();
            var file = document.getElementById("import-file").files[0];
            var token = document.getElementById("import-token").value.trim();
            var format = document.getElementById("import-format").value;
            var encoding = document.getElementById("import-encoding").value;
            if (!file) { show(["请选择文件。"]); return; }
            if (!token) { show(["请输入管理令牌（admin token）。"]); return; }
            var type = format === "csv" ? "text/csv" : "application/json";
            if (encoding === "gb18030") { type += "; charset=gb18030"; }
            show(["正在上传 " + file.name + " …"]);
            fetch("/v1/projects/import", {
              method: "POST", body: file, credentials: "omit", cache: "no-store",
              headers: { "Authorization": "Bearer " + token, "Content-Type": type }
            }).then(function (response) {
              return response.json().then(function (body) { return { status: response.status, body: body }; });
            }).then(function (answer) {
              if (answer.status === 200) {
                var b = answer.body;
                show(["导入成功：共 " + b.total + " 条，新建 " + b.created + "，更新 " + b.updated + "，未变 " + b.unchanged + "。"]);
              } else {
                var error = answer.body.error || {};
                show(["导入被拒绝（HTTP " + answer.status + "）：" + (error.message || "") + "，未导入任何记录。"], error.issues || []);
              }
            }).catch(function (error) { show(["上传失败：" + error]); });
          });
        })();
        """
}
