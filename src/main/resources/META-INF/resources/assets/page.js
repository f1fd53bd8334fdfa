// Refreshes the live part of a page without reloading it: fetches the page's fragment (same origin,
// same cookie) every data-interval seconds while the tab is visible, and swaps it in. The fragment is
// rendered and escaped by the server like the page itself. Without JavaScript the Refresh link does the same.
(function () {
  'use strict';
  var live = document.getElementById('live');
  if (!live || !window.fetch) {
    return;
  }
  var source = live.getAttribute('data-refresh');
  var seconds = Math.max(2, parseInt(live.getAttribute('data-interval'), 10) || 15);
  var busy = false;
  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(source, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        if (response.status === 401) {
          // Signed out or the token expired: the full page answers with the login form.
          window.location.reload();
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html) {
          live.innerHTML = html;
          live.setAttribute('data-refreshed', String(Date.now()));
        }
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { busy = false; });
  }
  window.setInterval(refresh, seconds * 1000);
})();
