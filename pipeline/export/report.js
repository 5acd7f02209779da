(function () {
  "use strict";
  var DATA = {};
  document.querySelectorAll("script.ev-data").forEach(function (node) {
    var part = JSON.parse(node.textContent);
    Object.keys(part).forEach(function (key) { DATA[key] = part[key]; });
  });
  var sheet = document.getElementById("detail");
  var detail = document.getElementById("detail-body");
  var selected = null;
  // Narrow screens show the evidence as a bottom sheet over the text (the CSS media query).
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 1000px)") : {matches: false};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function markedText(d) {
    var box = el("div", "stext"), marks = [];
    d.labels.forEach(function (lab) {
      lab.evidence.forEach(function (e) { marks.push([e.start - d.start, e.end - d.start]); });
    });
    marks.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var chars = Array.from(d.text), offsets = [], pos = 0;
    // Offsets are code points; JavaScript strings count UTF-16 units.
    chars.forEach(function (c) { offsets.push(pos); pos += c.length; });
    offsets.push(pos);
    var at = 0;
    marks.forEach(function (m) {
      var a = Math.max(m[0], at), b = Math.min(m[1], chars.length);
      if (b <= a) return;
      box.appendChild(document.createTextNode(chars.slice(at, a).join("")));
      box.appendChild(el("mark", "", chars.slice(a, b).join("")));
      at = b;
    });
    box.appendChild(document.createTextNode(chars.slice(at).join("")));
    return box;
  }

  function show(span) {
    var d = DATA[span.id];
    if (!d) return;
    if (selected) selected.classList.remove("sel");
    selected = span;
    span.classList.add("sel");
    detail.textContent = "";
    detail.appendChild(el("h3", "", "Sentence"));
    var head = el("div", "small");
    var link = el("a", "", d.id);
    link.href = "#" + span.id;
    head.appendChild(link);
    var doc = span.closest("details.doc");
    var where = [d.section, "chars " + d.start + "–" + d.end];
    if (d.page !== null) where.push("page " + d.page);
    if (d.heading) where.push("heading");
    head.appendChild(el("span", "muted", " · " + where.join(" · ")));
    if (doc) head.appendChild(el("div", "muted", doc.getAttribute("data-title")));
    detail.appendChild(head);
    detail.appendChild(markedText(d));
    d.labels.forEach(function (lab) {
      var row = el("div", "lab-row");
      row.style.borderColor = "var(--" + lab.scheme + ", #7f7f7f)";
      row.appendChild(el("span", "ln", lab.scheme + ": " + lab.label));
      row.appendChild(el("span", "tag", lab.source));
      if (lab.score !== null) row.appendChild(el("span", "tag", "score " + lab.score.toFixed(3)));
      if (lab.negated) row.appendChild(el("span", "tag neg", "negated"));
      if (lab.evidence.length) {
        var list = el("ul");
        lab.evidence.forEach(function (e) {
          var text = "“" + e.term + "” [" + e.start + "–" + e.end + "]";
          if (e.concept) text += " · " + e.concept;
          if (e.negated) text += " · negated";
          list.appendChild(el("li", "", text));
        });
        row.appendChild(list);
      } else {
        row.appendChild(el("div", "muted", "no lexicon terms"));
      }
      detail.appendChild(row);
    });
    if (d.actors.length) {
      detail.appendChild(el("h3", "", "Organisations"));
      var table = el("table");
      d.actors.forEach(function (a) {
        var tr = el("tr");
        tr.appendChild(el("td", "", a.text));
        tr.appendChild(el("td", "", a.org_id || "(generic)"));
        tr.appendChild(el("td", "muted", a.org_type));
        tr.appendChild(el("td", "muted", a.start + "–" + a.end));
        table.appendChild(tr);
      });
      detail.appendChild(table);
    }
    sheet.classList.add("open");
    if (narrow.matches) {
      // keep the tapped sentence in sight above the sheet
      var rect = span.getBoundingClientRect(), top = window.innerHeight - sheet.offsetHeight;
      if (rect.bottom > top - 8 || rect.top < 0) window.scrollBy(0, rect.top - Math.max(top / 3, 8));
    }
  }

  function closeSheet() {
    sheet.classList.remove("open");
    if (selected) selected.classList.remove("sel");
    selected = null;
  }
  document.getElementById("detail-close").addEventListener("click", closeSheet);

  function reveal(id, flash) {
    var target = document.getElementById(id);
    if (!target) return;
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView({block: "center"});
    if (flash && target.classList.contains("s")) {
      target.classList.remove("flash");
      void target.offsetWidth;
      target.classList.add("flash");
      show(target);
    }
  }

  document.addEventListener("click", function (event) {
    var span = event.target.closest ? event.target.closest(".s.lab, .s.act") : null;
    if (span) show(span);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && document.activeElement && document.activeElement.classList.contains("s")) {
      show(document.activeElement);
    } else if (event.key === "Escape") {
      closeSheet();
    }
  });

  // Sortable tables: a click on a header sorts by its column, a second click reverses.
  function sortKey(row, col, type) {
    var cell = row.children[col];
    if (!cell) return type === "num" ? 0 : "";
    var value = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent.trim();
    return type === "num" ? (parseFloat(value) || 0) : value.toLowerCase();
  }
  document.querySelectorAll("table.sortable th[data-col]").forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var table = th.closest("table"), body = table.tBodies[0];
      var col = +th.getAttribute("data-col"), type = th.getAttribute("data-type");
      // numbers start from the largest, text from A
      var descending = th.getAttribute("aria-sort") ? th.getAttribute("aria-sort") === "ascending" : type === "num";
      table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var rows = Array.from(body.rows).map(function (row, index) { return [sortKey(row, col, type), index, row]; });
      rows.sort(function (a, b) {
        var order = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
        return (descending ? -order : order) || a[1] - b[1];
      });
      rows.forEach(function (item) { body.appendChild(item[2]); });
    });
  });
  window.addEventListener("hashchange", function () { reveal(decodeURIComponent(location.hash.slice(1)), true); });

  // Filter: one option per label found in the text, with its sentence count.
  var sentences = Array.from(document.querySelectorAll(".text .s"));
  var counts = {}, schemes = {};
  sentences.forEach(function (s) {
    var labels = (s.getAttribute("data-labels") || "").split(" ").filter(Boolean);
    var seen = {};
    labels.forEach(function (l) {
      counts[l] = (counts[l] || 0) + 1;
      seen[l.split(":")[0]] = true;
    });
    Object.keys(seen).forEach(function (k) { schemes[k] = (schemes[k] || 0) + 1; });
  });
  document.querySelectorAll(".lc").forEach(function (node) {
    node.textContent = (schemes[node.getAttribute("data-scheme")] || 0) + " sentences";
  });
  var select = document.getElementById("filter"), status = document.getElementById("filter-status");
  var groups = {};
  Object.keys(counts).sort().forEach(function (key) {
    var scheme = key.split(":")[0];
    if (!groups[scheme]) {
      groups[scheme] = el("optgroup");
      groups[scheme].label = scheme;
      select.appendChild(groups[scheme]);
    }
    var option = el("option", "", key.slice(scheme.length + 1).replace(/_/g, " ") + " (" + counts[key] + ")");
    option.value = key;
    groups[scheme].appendChild(option);
  });
  select.hidden = false;
  status.textContent = sentences.filter(function (s) { return s.classList.contains("lab"); }).length +
    " labelled sentences.";

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function applyFilter() {
    var key = select.value, matches = 0, docs = 0;
    document.body.classList.toggle("filtering", key !== "");
    sentences.forEach(function (s) {
      var hit = key !== "" && (" " + (s.getAttribute("data-labels") || "") + " ").indexOf(" " + key + " ") >= 0;
      s.classList.toggle("miss", key !== "" && !hit);
      if (hit) matches++;
    });
    document.querySelectorAll(".text p, .text h4").forEach(function (p) {
      p.classList.toggle("none", key !== "" && !p.querySelector(".s:not(.miss)"));
    });
    document.querySelectorAll("details.doc").forEach(function (doc) {
      var n = key === "" ? 0 : doc.querySelectorAll(".text .s:not(.miss)").length;
      doc.querySelector(".hits").textContent = key === "" ? "" : plural(n, "match", "matches");
      doc.classList.toggle("none", key !== "" && n === 0);
      if (n) { doc.open = true; docs++; }
    });
    status.textContent = key === "" ? status.getAttribute("data-all") :
      plural(matches, "sentence", "sentences") + " in " + plural(docs, "document", "documents") + ".";
  }
  status.setAttribute("data-all", status.textContent);
  select.addEventListener("change", applyFilter);
  document.getElementById("chips").addEventListener("change", function (event) {
    document.body.classList.toggle("nochips", !event.target.checked);
  });
  document.getElementById("open-all").addEventListener("click", function () {
    document.querySelectorAll("details.doc").forEach(function (d) { d.open = true; });
  });
  document.getElementById("close-all").addEventListener("click", function () {
    document.querySelectorAll("details.doc").forEach(function (d) { d.open = false; });
  });
  if (location.hash) reveal(decodeURIComponent(location.hash.slice(1)), true);
  document.body.setAttribute("data-ready", "1");
})();
