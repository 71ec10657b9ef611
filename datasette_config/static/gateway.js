// Export controls for Chinese text in Excel: a "CSV (Excel)" link with a UTF-8 BOM
// next to each CSV link, and a BOM checkbox (on by default) in "Advanced export".
document.addEventListener("DOMContentLoaded", function () {
  function withBom(href) {
    var url = new URL(href, window.location.href);
    url.searchParams.set("_bom", "1");
    return url.pathname + url.search;
  }
  document.querySelectorAll("p.export-links a").forEach(function (link) {
    if (!/\.csv(\?|$)/.test(link.getAttribute("href") || "")) return;
    var extra = document.createElement("span");
    extra.className = "csv-excel";
    extra.appendChild(document.createTextNode(" · "));
    var a = document.createElement("a");
    a.href = withBom(link.href);
    a.textContent = "CSV（Excel 中文，含BOM）";
    a.setAttribute("data-bom", "1");
    extra.appendChild(a);
    link.parentNode.insertBefore(extra, link.nextSibling);
  });
  document.querySelectorAll(".advanced-export form").forEach(function (form) {
    var label = document.createElement("label");
    label.innerHTML = '<input type="checkbox" name="_bom" value="1" checked> ' +
      "含BOM，Excel 打开中文不乱码 · BOM for Excel";
    var row = form.querySelector("p") || form;
    row.appendChild(label);
  });
});
