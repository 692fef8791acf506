// Progressive enhancement: on pages marked data-live, ask the server every few seconds whether the store
// changed, and offer a reload listing the new stories. Text is inserted with textContent only.
(function () {
  "use strict";
  var body = document.body;
  var version = body.getAttribute("data-version");
  var box = document.getElementById("live");
  if (!version || !box || !window.fetch || body.getAttribute("data-live") !== "1") { return; }
  var list = box.querySelector("ul");
  function check() {
    fetch("/api/v1/changes?since=" + encodeURIComponent(version), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.changed) { return; }
        version = data.version;
        (data.stories || []).slice(0, 5).forEach(function (s) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = "/story/" + encodeURIComponent(s.id);
          a.textContent = s.title;
          a.setAttribute("dir", "auto");
          li.appendChild(a);
          list.appendChild(li);
        });
        box.classList.add("shown");
      })
      .catch(function () {});
  }
  setInterval(check, 3000);
})();
