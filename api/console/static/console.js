// What htmx attributes cannot say: a lost connection is reported, leaving a page drops its htmx requests in flight,
// and confirmations come from data-confirm.
(function () {
  "use strict";

  function flash(message) {
    var area = document.getElementById("flash");
    if (!area) return;
    area.innerHTML = "";
    var box = document.createElement("div");
    box.className = "flash error";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = message;
    box.appendChild(text);
    area.appendChild(box);
  }

  // htmx announces the page once it has wired it; until then console.css keeps its controls from
  // swallowing a click (a slow phone or a quick user would otherwise press a button that does nothing).
  document.addEventListener("htmx:load", function () {
    document.documentElement.classList.add("htmx-ready");
  });
  document.addEventListener("htmx:sendError", function () {
    flash("网络连接失败，请检查网络后重试。");
  });
  document.addEventListener("htmx:timeout", function () {
    flash("请求超时，请稍后重试。");
  });
  // Leaving the page (a link followed, a plain form sent) drops the htmx requests still in flight: a search
  // answered after a row was clicked would swap its results in and push its address, which cancels the
  // navigation the click started.
  window.addEventListener("beforeunload", function () {
    document.querySelectorAll("[hx-get], [hx-post], [hx-put], [hx-patch], [hx-delete]").forEach(function (element) {
      htmx.trigger(element, "htmx:abort");
    });
  });
  // A plain form or button with data-confirm asks first (htmx's hx-confirm covers htmx requests).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // Fields that only some roles use (an account's unit, its stations) show only while that role is chosen.
  function showRoleScopes(root) {
    root.querySelectorAll("form select[name=role]").forEach(function (select) {
      select.form.querySelectorAll("[data-role-scope]").forEach(function (field) {
        field.hidden = field.getAttribute("data-role-scope") !== select.value;
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name=role]") && event.target.form) showRoleScopes(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", function () { showRoleScopes(document); });
  document.addEventListener("htmx:afterSwap", function () { showRoleScopes(document); });
})();
