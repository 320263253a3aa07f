// The /upload page with JavaScript: files (dropped or chosen) go to POST /api/v1/resumes with
// the session's CSRF header; the batch's event stream then drives the progress bar and fills
// the results table. Without JavaScript the form posts to /upload and the batch page shows
// the same table, rendered on the server.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("files");
  var problem = document.getElementById("upload-problem");
  var progressSection = document.getElementById("progress-section");
  var resultsSection = document.getElementById("results-section");
  var bar = document.getElementById("progress");
  var text = document.getElementById("progress-text");
  var rows = document.querySelector("#results tbody");

  function showProblem(message) {
    if (!problem) { return; }
    problem.textContent = message;
    problem.hidden = false;
  }

  function cell(row, content) {
    var td = document.createElement("td");
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content || ""; }
    row.appendChild(td);
  }

  function addRow(file) {
    var old = rows.querySelector('tr[data-resume="' + file.resume_id + '"]');
    var row = document.createElement("tr");
    row.setAttribute("data-resume", file.resume_id);
    if (file.status === "failed") { row.className = "bad"; }
    cell(row, file.filename);
    cell(row, file.status);
    if (file.candidate_id) {
      var link = document.createElement("a");
      link.href = "/candidates/" + file.candidate_id;
      link.textContent = file.name || ("#" + file.candidate_id);
      cell(row, link);
    } else {
      cell(row, "");
    }
    cell(row, file.reason);
    if (old) { rows.replaceChild(row, old); } else { rows.appendChild(row); }
  }

  function showProgress(done, total) {
    bar.max = Math.max(total, 1);
    bar.value = done;
    text.textContent = done + "/" + total + " processed";
  }

  function follow(eventsUrl) {
    progressSection.hidden = false;
    resultsSection.hidden = false;
    var parsed = 0, failed = 0, seen = {};
    var stream = new EventSource(eventsUrl);
    stream.addEventListener("progress", function (e) {
      var d = JSON.parse(e.data);
      showProgress(d.done, d.total);
    });
    stream.addEventListener("file", function (e) {
      var f = JSON.parse(e.data);
      if (!seen[f.resume_id]) {
        seen[f.resume_id] = true;
        if (f.status === "parsed") { parsed += 1; } else { failed += 1; }
      }
      addRow(f);
    });
    stream.addEventListener("done", function (e) {
      var d = JSON.parse(e.data);
      stream.close();
      showProgress(d.done, d.total);
      text.textContent += ": " + parsed + " parsed, " + failed + " failed";
      progressSection.setAttribute("data-state", "done");
    });
    // a dropped connection is retried by EventSource itself; the stream replays what ended
  }

  function send(files) {
    if (!files || !files.length) { return; }
    var data = new FormData();
    for (var i = 0; i < files.length; i += 1) { data.append("files", files[i], files[i].name); }
    var csrf = form.querySelector('input[name="csrf"]').value;
    if (problem) { problem.hidden = true; }
    rows.innerHTML = "";
    showProgress(0, files.length);
    progressSection.hidden = false;
    progressSection.removeAttribute("data-state");
    fetch(form.getAttribute("data-api"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (answer) {
      if (answer.status !== 202) {
        showProblem(answer.body.detail || answer.body.title || "The upload was refused.");
        return;
      }
      showProgress(0, answer.body.total);
      follow(answer.body.events_url);
    }).catch(function () {
      showProblem("The upload did not reach the server; check the connection and try again.");
    });
  }

  if (form && zone && input) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send(input.files);
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) { send(e.dataTransfer.files); });
  }

  // the batch page of an upload still running: follow it live
  if (progressSection && progressSection.getAttribute("data-events")) {
    var live = progressSection.getAttribute("data-events");
    rows.innerHTML = "";
    follow(live);
  }
})();
