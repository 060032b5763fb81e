// Starts fetching the board's state while the page's modules load: on a slow link every
// module costs a round trip to revalidate, and the state need not wait for them. Only a
// page that has a saved token (a phone coming back); link.js takes the answer over.
// A classic script, not a module, so that it runs before the modules arrive.
(function () {
  const script = document.currentScript;
  if (!script || new URLSearchParams(location.search).get("state") === "socket") return;
  let token = null;
  try {
    token = (JSON.parse(localStorage.getItem(script.dataset.store) || "{}") || {}).token || null;
  } catch (e) { return; }
  if (!token) return;
  const url = `/api/rooms/${encodeURIComponent(script.dataset.room)}/state`;
  const answer = fetch(url, { headers: { Authorization: `Bearer ${token}` }, cache: "no-cache" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`state: ${r.status}`))));
  answer.catch(() => {}); // link.js handles a failure; until then it is no unhandled rejection
  window.spwtEarlyState = { token, answer };
})();
