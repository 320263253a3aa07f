// Progressive enhancement shared by every page: times shown in the viewer's own timezone.
document.querySelectorAll("time[datetime]").forEach(function (el) {
  var when = new Date(el.getAttribute("datetime"));
  if (!isNaN(when)) {
    el.textContent = when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    el.title = el.getAttribute("datetime");
  }
});
