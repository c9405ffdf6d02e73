// A small rich-text editor for notice bodies (no dependency, no build step, nothing inline for the CSP).
// The <textarea data-editor> stays the form field: without JavaScript staff type HTML into it; with it,
// a toolbar and an editable area replace it and copy their HTML back. The server sanitises whatever arrives.
(function () {
  "use strict";

  var TOOLS = [
    ["bold", "加粗"], ["italic", "斜体"], ["underline", "下划线"],
    ["formatBlock:h3", "小标题"], ["formatBlock:p", "正文"],
    ["insertOrderedList", "编号"], ["insertUnorderedList", "项目符号"],
    ["formatBlock:blockquote", "引用"], ["createLink", "链接"], ["removeFormat", "清除格式"]
  ];

  // Browsers write <b>/<i> and <div>; the server keeps only <strong>/<em> and <p>, so rename before sending.
  var RENAME = { B: "strong", I: "em", DIV: "p" };

  function html(area) {
    var copy = area.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("b, i, div"), function (old) {
      var tag = document.createElement(RENAME[old.tagName]);
      while (old.firstChild) tag.appendChild(old.firstChild);
      old.parentNode.replaceChild(tag, old);
    });
    return copy.innerHTML;
  }

  function build(field) {
    var wrap = document.createElement("div");
    wrap.className = "editor";
    var bar = document.createElement("div");
    bar.className = "editor-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "正文格式");
    var area = document.createElement("div");
    area.className = "editor-area";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-label", field.getAttribute("aria-label") || "正文");
    area.setAttribute("data-testid", "editor");
    area.innerHTML = field.value || "<p><br></p>"; // already sanitised by the server
    var edited = false;

    function sync() {
      edited = true;
      field.value = html(area);
    }

    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = tool[1];
      button.setAttribute("data-command", tool[0]);
      bar.appendChild(button);
    });
    var source = document.createElement("button");
    source.type = "button";
    source.textContent = "HTML";
    source.setAttribute("aria-pressed", "false");
    bar.appendChild(source);

    bar.addEventListener("mousedown", function (event) {
      if (event.target.hasAttribute("data-command")) event.preventDefault(); // keep the selection
    });
    bar.addEventListener("click", function (event) {
      var command = event.target.getAttribute("data-command");
      if (!command) return;
      var parts = command.split(":");
      var value = parts[1] ? "<" + parts[1] + ">" : null;
      if (parts[0] === "createLink") {
        value = window.prompt("链接地址（http:// 或 https://）", "https://");
        if (!value) return;
      }
      area.focus();
      document.execCommand(parts[0], false, value);
      sync();
    });
    source.addEventListener("click", function () {
      var showing = field.classList.toggle("editor-source");
      source.setAttribute("aria-pressed", showing ? "true" : "false");
      area.hidden = showing;
      if (!showing) area.innerHTML = field.value;
    });
    area.addEventListener("input", sync);
    field.addEventListener("input", function () { edited = true; });
    // Unless someone edited, the field keeps the stored HTML exactly (a browser may rewrite markup it shows).
    field.form.addEventListener("submit", function () {
      if (edited && !area.hidden) field.value = html(area);
    });

    field.parentNode.insertBefore(wrap, field);
    wrap.appendChild(bar);
    wrap.appendChild(area);
    wrap.appendChild(field);
    field.classList.add("editor-field");
  }

  function start() {
    document.execCommand("defaultParagraphSeparator", false, "p");
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-editor]"), build);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
