// Progressive enhancement of the comment form (partials/comment_form.html) and the
// thank-you page (thanks.html); everything works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A Reply link chooses its comment in "In reply to" and moves focus to the form.
  const select = document.getElementById("comment-replyto");
  for (const link of document.querySelectorAll("a.comment-reply[data-replyto]")) {
    link.addEventListener("click", (event) => {
      if (!select) return;
      event.preventDefault();
      select.value = link.dataset.replyto;
      document.getElementById("comment-form").scrollIntoView();
      document.getElementById("comment-text").focus();
    });
  }
  // The thank-you page's link goes back to the write-up (?writeup=<site path>).
  const back = document.getElementById("thanks-back");
  const target = new URLSearchParams(window.location.search).get("writeup") || "";
  if (back && /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/.test(target) && !target.includes("..")) {
    back.href = back.dataset.base + target;
    back.textContent = "Back to the write-up";
  }
});
