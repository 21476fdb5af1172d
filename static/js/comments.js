// Moves the reply form under the comment being answered. Without JavaScript, the Reply link reloads the
// page with ?replyto= and the server does the same.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var parentInput = document.getElementById("id_parent");
  var title = document.getElementById("reply-title");
  var renderedAt = respond && respond.querySelector("input[name=rendered_at]");
  if (!respond || !parentInput || !title || !renderedAt) {
    return;
  }
  var home = document.createComment("reply form");
  respond.parentNode.insertBefore(home, respond);
  var originalTitle = title.textContent.trim();
  var cancel = document.createElement("p");
  var cancelLink = document.createElement("a");
  cancelLink.href = "#respond";
  cancelLink.textContent = "Cancel reply";
  cancel.appendChild(cancelLink);

  function replyTo(link) {
    var comment = document.getElementById("comment-" + link.dataset.replyTo);
    comment.querySelector("article").after(respond);
    parentInput.value = link.dataset.replyTo;
    renderedAt.value = link.dataset.renderedAt;  // the form's signed time is bound to the comment it answers
    title.textContent = "Reply to " + link.dataset.replyName;
    title.after(cancel);
    document.getElementById("id_body").focus();
  }

  cancelLink.addEventListener("click", function (event) {
    event.preventDefault();
    home.after(respond);
    parentInput.value = "";
    renderedAt.value = respond.dataset.renderedAt;
    title.textContent = originalTitle;
    cancel.remove();
  });

  document.querySelectorAll("a[data-reply-to]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      replyTo(link);
    });
  });
})();
