/* The schedule's admin form (django-celery-beat): below the crontab field, what the chosen crontab
   means in words. Loaded as a file, not inline, so that it runs under the site's CSP. */
"use strict";
(function () {
  const $ = django.jQuery;
  const script = document.getElementById("periodic-task-overrides");
  const readableCrontabs = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const help = script.dataset.crontabHelp || "";
  const label = script.dataset.translationLabel || "";

  function showMeaning(meaning) {
    const box = $(".field-crontab .help");
    box.text(help);
    if (meaning) {
      box.append(document.createElement("br"), document.createTextNode(`${label}：${meaning}`));
    }
  }

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    showMeaning(readableCrontabs[$("#id_crontab").val()]);
  });
  showMeaning(readableCrontabs[$("#id_crontab").val()]);
})();
