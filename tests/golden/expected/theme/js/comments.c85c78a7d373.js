// Progressive enhancement of the comment form (partials/comment_form.html) and the
// thank-you page (thanks.html); everything works without it.
"use strict";

const SENT =
  "Thank you: your comment was sent. It appears here once an editor approves it.";

// Send the form to the intake service in place and show its answer under the form. If the
// service cannot be asked that way (an older service, a proxy that drops the CORS header,
// no network), the form is sent as it would be without JavaScript.
function sendInPlace(form, status) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.classList.remove("intake-error", "comment-form-sent");
    status.textContent = "Sending your comment…";
    let response;
    let answer;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
        credentials: "omit",
        cache: "no-store",
      });
      answer = await response.json();
    } catch {
      status.textContent = "";
      button.disabled = false;
      HTMLFormElement.prototype.submit.call(form); // no submit event: not sent twice here
      return;
    }
    button.disabled = false;
    if (response.status === 202 && answer.sent === true) {
      status.classList.add("comment-form-sent");
      status.textContent = SENT;
      form.querySelector("#comment-text").value = "";
      const replyto = form.querySelector("#comment-replyto");
      if (replyto) replyto.value = "";
    } else {
      status.classList.add("intake-error");
      status.textContent =
        `Your comment was not sent: ${String(answer.reason || response.status)}. ` +
        "Your text is still in the form.";
    }
    status.focus(); // read out either way; the message sits right under the button
  });
}

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
  const form = document.getElementById("comment-form");
  const status = document.getElementById("comment-form-status");
  if (form && status && window.fetch && window.URLSearchParams) sendInPlace(form, status);
  // The thank-you page's link goes back to the write-up (?writeup=<site path>).
  const back = document.getElementById("thanks-back");
  const target = new URLSearchParams(window.location.search).get("writeup") || "";
  if (back && /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/.test(target) && !target.includes("..")) {
    back.href = back.dataset.base + target;
    back.textContent = "Back to the write-up";
  }
});
