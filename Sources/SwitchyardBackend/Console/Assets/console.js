// Progressive enhancement only: every page works without this. The dashboard's panel reloads itself every 10 s
// while the page is visible.
(function () {
  "use strict";
  var panel = document.querySelector("[data-refresh]");
  if (!panel) { return; }
  var url = panel.getAttribute("data-refresh");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (response) {
      // A session that expired answers with the sign-in page: reload to show it.
      if (response.redirected || !response.ok) { window.location.reload(); return null; }
      return response.text();
    }).then(function (html) {
      if (html !== null && html !== undefined) { panel.innerHTML = html; }
    }).catch(function () { /* the next tick tries again */ });
  }
  window.setInterval(refresh, 10000);
})();
