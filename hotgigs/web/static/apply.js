// The apply status page, live: poll the application's JSON while it is processing, then show
// what the parser read (or why it could not) without reloading. Without JavaScript the page
// refreshes itself (a meta refresh inside <noscript>) and the server renders the same result.
(function () {
  var page = document.getElementById("apply-status");
  if (!page || page.getAttribute("data-state") !== "processing") { return; }
  var url = page.getAttribute("data-poll");

  function text(id, value) {
    document.getElementById(id).textContent = value || "\u2014";
  }

  function show(status) {
    if (status.state === "parsed") {
      text("summary-name", status.name);
      text("summary-title", status.title ? status.title + (status.company ? " at " + status.company : "") : "");
      text("summary-location", status.location);
      var list = document.getElementById("summary-skills");
      list.textContent = "";
      (status.skills.length ? status.skills : ["\u2014"]).forEach(function (skill) {
        var item = document.createElement("li");
        item.textContent = skill;
        list.appendChild(item);
      });
    } else {
      text("failed-reason", status.reason);
    }
    document.getElementById("processing").hidden = true;
    document.getElementById(status.state).hidden = false;
    page.setAttribute("data-state", status.state);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status && status.state !== "processing") { show(status); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
