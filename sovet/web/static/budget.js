/* The running total of a budget ballot (the cost of every project ticked, or given a
   point), as progressive enhancement: without scripts the "Add up" button asks the
   server for the same sum. */
(function () {
  "use strict";
  var form = document.getElementById("budget-ballot");
  var out = document.getElementById("running");
  if (!form || !out || !window.Intl) { return; }
  var total = Number(form.getAttribute("data-total"));
  var lang = document.documentElement.lang || "en";
  var fmt = new Intl.NumberFormat(lang);
  var template = out.getAttribute("data-template");
  var overText = out.getAttribute("data-over");
  function update() {
    var sum = 0;
    form.querySelectorAll("input[data-cost]").forEach(function (box) {
      var chosen = box.type === "checkbox" ? box.checked : Number(box.value) > 0;
      if (chosen) { sum += Number(box.getAttribute("data-cost")); }
    });
    var text = template.replace("{sum}", fmt.format(sum)).replace("{total}", fmt.format(total));
    if (sum > total) { text += " — " + overText; }
    out.textContent = text;
    out.classList.toggle("over", sum > total);
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
})();
