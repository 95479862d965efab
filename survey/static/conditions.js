// Show or hide the questions whose condition depends on answers on the same page, as soon as
// the owner answers. The rules mirror survey/core/expressions.py; the server still decides on saving,
// so the page works the same without this script.
(function () {
  "use strict";
  var data = document.getElementById("conditions");
  var form = document.querySelector("form.questions");
  if (!data || !form) return;
  var spec = JSON.parse(data.textContent);

  function inputs(name, extra) {
    return Array.prototype.slice.call(form.querySelectorAll('[name="q-' + name + '"]' + (extra || "")));
  }

  function read(id) {
    if (Object.prototype.hasOwnProperty.call(spec.stored, id)) return spec.stored[id];
    var type = spec.types[id];
    if (type === "checklist") {
      var ticked = inputs(id, ":checked").map(function (i) { return i.value; });
      if (!ticked.length) return null;
      return ticked.length === 1 && ticked[0] === "na" ? "na" : ticked;
    }
    if (type === "choice" || type === "yesno") {
      var chosen = inputs(id, ":checked")[0];
      return chosen ? chosen.value : null;
    }
    if (type === "number") {
      var na = form.querySelector('[name="q-' + id + '__na"]');
      if (na && na.checked) return "na";
      var typed = (inputs(id)[0] || {value: ""}).value.trim().replace(",", ".");
      var number = typed ? Number(typed) : NaN;
      return isFinite(number) ? number : null;
    }
    var field = inputs(id)[0];
    return field && field.value.trim() ? field.value.trim() : null;
  }

  function kind(v) {
    var t = typeof v;
    return t === "number" ? "number" : t === "string" ? "str" : t === "boolean" ? "bool" : "other";
  }

  function compare(op, left, right) {
    if (left === null || left === undefined || right === null || right === undefined) return false;
    var a = kind(left), b = kind(right);
    if (a !== b || a === "other") return op === "!=";
    if (a !== "number" && op !== "==" && op !== "!=") return false;
    switch (op) {
      case "==": return left === right;
      case "!=": return left !== right;
      case "<": return left < right;
      case "<=": return left <= right;
      case ">": return left > right;
      default: return left >= right;
    }
  }

  function holds(tree, answers) {
    var value;
    switch (tree[0]) {
      case "or": return tree.slice(1).some(function (t) { return holds(t, answers); });
      case "and": return tree.slice(1).every(function (t) { return holds(t, answers); });
      case "not": return !holds(tree[1], answers);
      case "const": return tree[1];
      case "cmp":
        return compare(tree[1], tree[2][0] === "q" ? answers[tree[2][1]] : tree[2][1],
                       tree[3][0] === "q" ? answers[tree[3][1]] : tree[3][1]);
      case "answered":
        value = answers[tree[1]];
        return value !== null && value !== undefined && value.length !== 0;
      case "selected":
        value = answers[tree[1]];
        return Array.isArray(value) ? value.indexOf(tree[2]) >= 0 : value === tree[2];
    }
    return false;
  }

  function update() {
    var answers = {};
    spec.names.forEach(function (id) { answers[id] = read(id); });
    // In evaluation order: a question hidden here counts as unanswered for those after it.
    spec.order.forEach(function (entry) {
      var shown = holds(entry[1], answers);
      if (!shown) answers[entry[0]] = null;
      var block = document.getElementById("question-" + entry[0]);
      if (block) block.hidden = !shown;
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
