/* newstrace report: renders pages on demand from the JSON block; article text only ever goes in textContent. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("nt-data").textContent);
  var PAGE = 100, page = 0, SVGNS = "http://www.w3.org/2000/svg";
  var KINDS = {verbatim: 1, edited: 1, paraphrase: 1};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function sv(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u.trim()) ? u.trim() : null; }
  function day(a) { return a.published ? String(a.published).slice(0, 10) : "undated"; }
  function label(a) { return (a.outlet || "unknown outlet") + " · " + day(a); }
  function titleOf(a) { return a.title || a.text.slice(0, 90); }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); return n; }
  function show(id) {
    ["home", "story", "pair"].forEach(function (s) { document.getElementById(s).hidden = s !== id; });
    window.scrollTo(0, 0);
  }
  function link(href, text) { var a = el("a", null, text); a.setAttribute("href", href); return a; }
  function outLink(a) {
    var u = safeUrl(a.url);
    if (!u) return el("span", null, titleOf(a));
    var x = el("a", null, titleOf(a));
    x.href = u; x.rel = "noopener noreferrer nofollow"; x.target = "_blank";
    return x;
  }
  function table(head, rows) {
    var t = el("table"), tr = el("tr");
    head.forEach(function (h) { tr.appendChild(el("th", null, h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c) { var td = el("td"); if (c instanceof Node) td.appendChild(c); else td.textContent = c; row.appendChild(td); });
      t.appendChild(row);
    });
    return t;
  }

  function renderHome() {
    show("home");
    var m = D.meta;
    document.getElementById("meta").textContent = m.articles + " articles · " + m.stories + " stories · " + m.generated;
    document.getElementById("status").textContent = "stages: " + Object.keys(m.status).map(function (k) {
      return k + " " + m.status[k]; }).join("; ");
    var ol = clear(document.getElementById("stories"));
    ol.start = page * PAGE + 1;
    D.stories.slice(page * PAGE, (page + 1) * PAGE).forEach(function (s, i) {
      var li = el("li");
      li.appendChild(link("#s=" + (page * PAGE + i), s.title || "(untitled story)"));
      li.appendChild(el("span", "muted", " — " + s.articles.length + " article(s), " + s.links.length + " link(s)"));
      ol.appendChild(li);
    });
    var pages = Math.max(1, Math.ceil(D.stories.length / PAGE));
    document.getElementById("page").textContent = "page " + (page + 1) + " of " + pages;
    document.getElementById("prev").disabled = page === 0;
    document.getElementById("next").disabled = page >= pages - 1;
  }
  document.getElementById("prev").addEventListener("click", function () { page = Math.max(0, page - 1); renderHome(); });
  document.getElementById("next").addEventListener("click", function () { page += 1; renderHome(); });

  function edgeClass(lk) {
    if (lk.source === null || lk.source === undefined) return "undirected";
    return lk.credited ? "credited" : "uncredited";
  }
  function linkText(lk) {
    var A = D.articles[lk.a], B = D.articles[lk.b];
    if (lk.source === null || lk.source === undefined)
      return label(A) + " ↔ " + label(B) + " (" + lk.direction + (lk.common_source ? ": " + lk.common_source : "") + ")";
    return label(D.articles[lk.source]) + " → " + label(D.articles[lk.derived]);
  }

  function graph(s, k) {
    var g = s.graph, w = g.node_w, h = g.node_h;
    var svg = sv("svg", {"class": "graph", viewBox: "0 0 " + g.width + " " + g.height, width: g.width, height: g.height, role: "img"});
    var marker = sv("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto"});
    marker.appendChild(sv("path", {d: "M0,0 L10,5 L0,10 z", fill: "#444"}));
    var defs = sv("defs"); defs.appendChild(marker); svg.appendChild(defs);
    var byPair = {};
    s.links.forEach(function (lk, i) { byPair[Math.min(lk.a, lk.b) + "," + Math.max(lk.a, lk.b)] = i; });
    g.edges.forEach(function (e) {
      var i = byPair[Math.min(e.source, e.derived) + "," + Math.max(e.source, e.derived)];
      if (i === undefined) return;
      var lk = s.links[i], mid = (e.x1 + e.x2) / 2, bend = e.x1 === e.x2 ? 70 : 0;
      var d = "M" + e.x1 + "," + e.y1 + " C" + (bend ? e.x1 + bend : mid) + "," + e.y1 + " " +
        (bend ? e.x2 + bend : mid) + "," + e.y2 + " " + e.x2 + "," + e.y2;
      var p = sv("path", {d: d, "class": "edge " + (e.directed ? edgeClass(lk) : "undirected"), "data-link": i});
      if (e.directed) p.setAttribute("marker-end", "url(#arrow)");
      var t = sv("title"); t.textContent = linkText(lk) + " — " + (lk.credited ? "credited" : "not credited") +
        ", confidence " + lk.confidence;
      p.appendChild(t);
      p.addEventListener("click", function () { location.hash = "l=" + k + "," + i; });
      svg.appendChild(p);
    });
    g.nodes.forEach(function (n) {
      var a = D.articles[n.id], grp = sv("g", {"class": "node"});
      grp.appendChild(sv("rect", {x: n.x, y: n.y, width: w, height: h}));
      var t1 = sv("text", {x: n.x + 8, y: n.y + 17}); t1.textContent = (a.outlet || "unknown outlet").slice(0, 24);
      var t2 = sv("text", {x: n.x + 8, y: n.y + 34}); t2.textContent = day(a);
      var tt = sv("title"); tt.textContent = titleOf(a);
      grp.appendChild(t1); grp.appendChild(t2); grp.appendChild(tt);
      svg.appendChild(grp);
    });
    return svg;
  }
  function legend() {
    var p = el("p", "legend");
    [["credited", "credited copy"], ["uncredited", "uncredited copy"], ["undirected", "common source / direction unknown"]]
      .forEach(function (x) { var s = el("span"); s.appendChild(el("span", "sw " + x[0])); s.appendChild(document.createTextNode(x[1])); p.appendChild(s); });
    return p;
  }

  function creditsCell(a) {
    if (a.credits === null) return "not computed";
    if (!a.credits.length) return "none found";
    return a.credits.map(function (c) { return c[0] + " (" + c[1] + ")"; }).join("; ");
  }
  function quotesCell(a) {
    if (a.quotes === null) return "not computed";
    var d = el("details"), done = false;
    d.appendChild(el("summary", null, a.quotes.length + " quotation(s)"));
    d.addEventListener("toggle", function () {
      if (done) return; done = true;
      a.quotes.forEach(function (q) {
        var p = el("p", "quote");
        p.appendChild(el("b", null, (q[3] || "unnamed speaker") + (q[4] ? ", " + q[4] : "") + " (" + q[2] + "): "));
        p.appendChild(document.createTextNode(a.text.slice(q[0], q[1]).slice(0, 400)));
        d.appendChild(p);
      });
    });
    return d;
  }
  function diffNode(diff) {
    var s = el("span");
    if (!diff || !diff.length) { s.textContent = "same words"; return s; }
    diff.forEach(function (d) {
      if (d.a) s.appendChild(el("del", null, d.a));
      if (d.b) s.appendChild(el("ins", null, d.b));
      s.appendChild(document.createTextNode(" "));
    });
    return s;
  }

  function renderStory(k) {
    var s = D.stories[k];
    if (!s) return renderHome();
    var root = clear(document.getElementById("story"));
    show("story");
    root.appendChild(el("h2", null, s.title || "(untitled story)"));
    root.appendChild(el("p", "muted", s.articles.length + " article(s), " + s.links.length + " link(s)"));
    if (s.links.length) {
      root.appendChild(el("h3", null, "Provenance"));
      root.appendChild(graph(s, k));
      root.appendChild(legend());
      root.appendChild(table(["link", "direction", "credited", "confidence", "taken", "passages", ""],
        s.links.map(function (lk, i) {
          return [linkText(lk), lk.direction, lk.credited === null ? "n/a" : lk.credited ? "yes" : "no",
            String(lk.confidence), lk.churn === null ? "" : Math.round(lk.churn * 100) + "%",
            lk.passages === null ? "not computed" : String(lk.passages.length), link("#l=" + k + "," + i, "side by side")];
        })));
    }
    root.appendChild(el("h3", null, "Articles"));
    root.appendChild(table(["outlet", "published", "title", "credits", "quotations"], s.articles.map(function (i) {
      var a = D.articles[i];
      return [a.outlet || "", day(a), outLink(a), creditsCell(a), quotesCell(a)];
    })));
    var rows = [];
    s.links.forEach(function (lk, i) {
      (lk.quotes || []).forEach(function (q) {
        rows.push([q[8] || q[7] || "unnamed", label(D.articles[lk.a]) + " / " + label(D.articles[lk.b]),
          q[4] + (q[6] ? " (misattributed)" : ""), diffNode(q[5]), link("#l=" + k + "," + i, "see")]);
      });
    });
    root.appendChild(el("h3", null, "Quotations in several articles"));
    root.appendChild(rows.length ? table(["speaker", "articles", "match", "word differences", ""], rows)
      : el("p", "muted", "none found"));
  }

  function fill(div, text, spans, quotes) {
    var cuts = [0, text.length];
    spans.concat(quotes).forEach(function (x) { cuts.push(Math.max(0, Math.min(text.length, x[0]))); cuts.push(Math.max(0, Math.min(text.length, x[1]))); });
    cuts = cuts.filter(function (c, i, all) { return all.indexOf(c) === i; }).sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var x = cuts[i], y = cuts[i + 1], piece = text.slice(x, y), p = null, q = null;
      spans.forEach(function (s) { if (p === null && s[0] <= x && y <= s[1]) p = s; });
      quotes.forEach(function (s) { if (q === null && s[0] <= x && y <= s[1]) q = s; });
      if (!p && !q) { div.appendChild(document.createTextNode(piece)); continue; }
      var m = el("mark", null, piece);
      if (p) { m.classList.add("p", KINDS[p[2]] ? p[2] : "other"); m.dataset.p = String(p[3]); }
      if (q) { m.classList.add("q"); m.dataset.q = String(q[2]); }
      div.appendChild(m);
    }
  }
  function flash(attr, idx, from) {
    document.querySelectorAll("mark.flash").forEach(function (m) { m.classList.remove("flash"); });
    var all = document.querySelectorAll("#pair mark[data-" + attr + '="' + idx + '"]');
    all.forEach(function (m) { m.classList.add("flash"); });
    var other = Array.prototype.filter.call(all, function (m) { return !from.contains(m); });
    if (other.length) other[0].scrollIntoView({block: "center"});
  }
  function pairColumn(a, id) {
    var col = el("div", "col");
    col.appendChild(el("h3", null, label(a)));
    var t = el("p"); t.appendChild(outLink(a)); col.appendChild(t);
    var div = el("div", "text"); div.id = id; col.appendChild(div);
    div.addEventListener("click", function (ev) {
      var m = ev.target.closest("mark");
      if (!m) return;
      if (m.dataset.p !== undefined) flash("p", m.dataset.p, div);
      else if (m.dataset.q !== undefined) flash("q", m.dataset.q, div);
    });
    return col;
  }
  function renderPair(k, li) {
    var s = D.stories[k], lk = s && s.links[li];
    if (!lk) return renderHome();
    var swap = lk.source === lk.b, A = D.articles[swap ? lk.b : lk.a], B = D.articles[swap ? lk.a : lk.b];
    var root = clear(document.getElementById("pair"));
    show("pair");
    var back = el("p"); back.appendChild(link("#s=" + k, "← back to the story")); root.appendChild(back);
    root.appendChild(el("h2", null, "Side by side"));
    root.appendChild(el("p", null, linkText(lk) + " — " + lk.direction + ", " +
      (lk.credited === null ? "credit n/a" : lk.credited ? "credited" : "not credited") + ", confidence " + lk.confidence));
    var key = el("p", "key");
    ["verbatim", "edited", "paraphrase"].forEach(function (x) { key.appendChild(el("span", x, x)); });
    key.appendChild(el("span", "q", "shared quotation"));
    key.appendChild(el("span", "muted", "click a highlight to find it on the other side"));
    root.appendChild(key);
    if (lk.passages === null) root.appendChild(el("p", "muted", "passages: not computed"));
    var cols = el("div", "cols"), ca = pairColumn(A, "pa"), cb = pairColumn(B, "pb");
    cols.appendChild(ca); cols.appendChild(cb); root.appendChild(cols);
    var ps = lk.passages || [], qs = lk.quotes || [];
    var l = swap ? 2 : 0, r = swap ? 0 : 2;  /* the source, when known, on the left */
    fill(ca.querySelector(".text"), A.text, ps.map(function (p, i) { return [p[l], p[l + 1], p[4], i]; }), qs.map(function (q, i) { return [q[l], q[l + 1], i]; }));
    fill(cb.querySelector(".text"), B.text, ps.map(function (p, i) { return [p[r], p[r + 1], p[4], i]; }), qs.map(function (q, i) { return [q[r], q[r + 1], i]; }));
    root.appendChild(el("h3", null, "Shared quotations"));
    if (lk.quotes === null) root.appendChild(el("p", "muted", "not computed"));
    else root.appendChild(qs.length ? table(["speaker", "match", "word differences"], qs.map(function (q) {
      return [q[8] || q[7] || "unnamed", q[4] + (q[6] ? " (misattributed)" : ""), diffNode(q[5])]; })) : el("p", "muted", "none found"));
  }

  function route() {
    var h = location.hash.slice(1), m = /^s=(\d+)$/.exec(h);
    if (m) return renderStory(+m[1]);
    m = /^l=(\d+),(\d+)$/.exec(h);
    if (m) return renderPair(+m[1], +m[2]);
    renderHome();
  }
  window.addEventListener("hashchange", route);
  route();
}());
