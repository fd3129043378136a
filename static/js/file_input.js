// A file field shown as a labelled button 选择文件 with the chosen file's name beside it, instead of
// the browser's own "Choose File" (whose text is in the browser's language).
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[type=file].file-input");
  Array.prototype.forEach.call(inputs, function (input) {
    var name = document.getElementById(input.id + "-name");
    if (!name) { return; }
    var empty = name.textContent;
    input.addEventListener("change", function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : empty;
    });
  });
})();
