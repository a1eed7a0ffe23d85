/* newstrace app: click a highlighted passage or quotation to find its partner on the other side. */
(function () {
  "use strict";
  function flash(attr, value, from) {
    var box = from.closest(".cols") || document;
    document.querySelectorAll("mark.flash").forEach(function (m) { m.classList.remove("flash"); });
    var all = box.querySelectorAll("mark[data-" + attr + "]");
    var mine = Array.prototype.filter.call(all, function (m) { return m.dataset[attr] === value; });
    mine.forEach(function (m) { m.classList.add("flash"); });
    var other = mine.filter(function (m) { return !from.contains(m); });
    if (other.length) other[0].scrollIntoView({block: "center"});
  }
  document.addEventListener("click", function (ev) {
    var m = ev.target.closest && ev.target.closest(".text mark");
    if (!m) return;
    var side = m.closest(".text");
    if (m.dataset.p !== undefined) flash("p", m.dataset.p, side);
    else if (m.dataset.q !== undefined) flash("q", m.dataset.q, side);
  });
}());
