// Progress bar of a running import: polls the extract's status endpoint, reloads when done.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-progress-label]");
  var url = box.getAttribute("data-status-url");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (state) {
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        label.textContent = state.percent + "% - " + state.message;
        if (state.done) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function (error) {
        label.textContent = "Could not read the progress (" + error.message + "); retrying.";
        window.setTimeout(poll, 3000);
      });
  }
  poll();
})();
