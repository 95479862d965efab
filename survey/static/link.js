// The private link page: a button that copies the link, and the phone's own share sheet where the
// browser has one. Without JavaScript the link stays in its field, to select and copy by hand.
(function () {
  var field = document.getElementById("resume-link");
  var buttons = document.querySelector("[data-share-buttons]");
  var status = document.getElementById("copy-status");
  if (!field || !buttons) return;
  buttons.hidden = false;

  function copied() { status.textContent = status.getAttribute("data-copied"); }
  function copyBySelecting() {
    field.focus();
    field.select();
    try { if (document.execCommand("copy")) copied(); } catch (e) { /* the link stays selected */ }
  }
  buttons.querySelector("[data-copy]").addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied, copyBySelecting);
    } else {
      copyBySelecting();
    }
  });

  var share = buttons.querySelector("[data-share]");
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({title: document.title, text: share.getAttribute("data-text"), url: field.value})
        .catch(function () { /* closed by the owner */ });
    });
  }
})();
