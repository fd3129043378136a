// The progress form: choosing 自评状态 "进度滞后" shows at once that 存在问题 must be filled in.
// The rule itself is the server's (reporting.services.progress_problems_required); the form
// carries the value that means "behind" in data-behind-value.
(function () {
  "use strict";
  var form = document.getElementById("progress-form");
  if (!form) { return; }
  var select = form.querySelector("select[name=self_status]");
  var hint = document.getElementById("problems-hint-status");
  if (!select || !hint) { return; }
  function update() {
    hint.hidden = select.value !== form.getAttribute("data-behind-value");
  }
  select.addEventListener("change", update);
  update();
})();
