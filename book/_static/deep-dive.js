// Fold the optional deep dives (sections tagged "deep-dive" by book/_ext/deep_dive.py)
// under their heading, behind a button. A link into a deep dive unfolds it.
(function () {
  "use strict";

  function fold(section) {
    var heading = section.querySelector("h1, h2, h3, h4, h5, h6");
    if (!heading || section.querySelector(":scope > .deep-dive-body")) return;
    var body = document.createElement("div");
    body.className = "deep-dive-body";
    var node = heading.nextSibling;
    while (node) {
      var next = node.nextSibling;
      body.appendChild(node);
      node = next;
    }
    section.appendChild(body);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "deep-dive-toggle";
    heading.appendChild(button);
    function show(open) {
      body.hidden = !open;
      button.textContent = open ? "收起" : "展开（选读）";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      section.classList.toggle("deep-dive-open", open);
    }
    button.addEventListener("click", function () { show(body.hidden); });
    section.deepDiveShow = show;
    show(false);
  }

  function openTarget() {
    if (!window.location.hash) return;
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    for (var el = target; el; el = el.parentElement) {
      if (el.deepDiveShow) el.deepDiveShow(true);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("section.deep-dive").forEach(fold);
    openTarget();
  });
  window.addEventListener("hashchange", openTarget);
})();
