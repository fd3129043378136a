// A kiosk link's page (templates/api/screen_start.html): sign the kiosk in at once, with no click.
(function () {
  function start() { var form = document.getElementById("kiosk-start"); if (form) { form.submit(); } }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
