// Progressive enhancement shared by every page: times shown in the viewer's own timezone.
// The server writes <time datetime="ISO">5 Dec 2026, 04:57 UTC</time>; a date alone stays as is.
document.querySelectorAll("time[datetime]").forEach(function (el) {
  var iso = el.getAttribute("datetime");
  if (iso.indexOf("T") < 0) { return; }
  var when = new Date(iso);
  if (!isNaN(when)) {
    el.textContent = when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    el.title = iso;
    el.classList.add("local");
  }
});

// A table wider than the screen scrolls inside its .table-wrap: let keyboards reach and scroll it.
document.querySelectorAll(".table-wrap").forEach(function (wrap) {
  if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
    var caption = wrap.querySelector("caption");
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "table");
  }
});
