// An invitation link carries its code after "#", which the browser never sends to the
// server (so it is in no log); fill it into the form, and drop it from the address bar.
(function () {
  var code = decodeURIComponent(window.location.hash.slice(1));
  var field = document.getElementById("token");
  if (code && field) {
    field.value = code;
    history.replaceState(null, "", window.location.pathname);
    document.getElementById("invitation-code").submit();
  }
})();
