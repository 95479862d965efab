// A page of questions: the header's language switch first saves what the owner has typed, so
// nothing is lost; the server shows the same page again in the other language. Without
// JavaScript, a button in the form (in <noscript>) does the same.
(function () {
  var form = document.querySelector("form.questions");
  if (!form) return;
  document.querySelectorAll("nav.languages a[hreflang]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var nav = document.createElement("input");
      nav.type = "hidden";
      nav.name = "nav";
      nav.value = "language:" + link.getAttribute("hreflang");
      form.appendChild(nav);
      form.submit();
    });
  });
})();
