// The moderation workspace: the cards' plain forms sent with fetch(), keyboard shortcuts, and undo.
// Without this script every button still works: the forms post and the page comes back.
(function () {
  "use strict";

  const UNDO_SECONDS = 8;
  const root = document.querySelector("[data-workspace]");
  if (!root) {
    return;
  }
  const toast = root.querySelector("[data-toast]");
  const toastText = root.querySelector("[data-toast-text]");
  const help = root.querySelector("[data-help]");
  const undoable = [];  // decisions still in their undo window, latest last
  let current = null;
  let toastTimer = null;
  let queue = Promise.resolve();  // one request at a time, in the order the moderator decided

  function cards() {
    return Array.from(root.querySelectorAll("[data-card]:not(.is-decided)"));
  }

  function focusCard(card) {
    if (current) {
      current.classList.remove("is-current");
    }
    current = card || null;
    if (current) {
      current.classList.add("is-current");
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest", behavior: "instant" });
    }
  }

  function move(step) {
    const list = cards();
    if (!list.length) {
      return;
    }
    const index = list.indexOf(current);
    const next = index === -1 ? 0 : Math.min(Math.max(index + step, 0), list.length - 1);
    focusCard(list[next]);
  }

  function nextAfter(card) {
    const list = cards();
    const all = Array.from(root.querySelectorAll("[data-card]"));
    const after = all.slice(all.indexOf(card) + 1).find((other) => list.includes(other));
    return after || list[list.length - 1] || null;
  }

  function setPendingCount(count) {
    document.querySelectorAll("[data-pending-count]").forEach((element) => {
      element.textContent = String(count);
    });
    document.title = document.title.replace(/\([\d,]+\+? waiting\)/, "(" + count + " waiting)");
  }

  function showEmptyIfDone() {
    root.querySelector("[data-empty]").hidden = cards().length > 0;
  }

  function send(form, fields) {
    const request = queue.then(() => post(form, fields));
    queue = request.catch(() => null);
    return request;
  }

  async function post(form, fields) {
    const data = new FormData(form);
    Object.entries(fields || {}).forEach(([name, value]) => data.set(name, value));
    const response = await fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
      credentials: "same-origin",
    });
    if (!(response.headers.get("Content-Type") || "").includes("application/json")) {
      throw new Error("The server did not answer (" + response.status + "). Reload the page and try again.");
    }
    const answer = await response.json();
    setPendingCount(answer.pending_count);
    return answer;
  }

  function status(card, text, isError) {
    const line = card.querySelector("[data-status]");
    line.textContent = text;
    line.classList.toggle("is-error", Boolean(isError));
  }

  // A decision shows at once and the next card comes up; a refusal or a failure brings the card back.
  async function decide(card, decision, extra) {
    if (!card || card.classList.contains("is-busy")) {
      return;
    }
    const form = card.querySelector("[data-decide]");
    const undoing = decision === "undo";
    card.classList.add("is-busy");
    closeReasons(card);
    if (!undoing) {
      card.classList.add("is-decided");
      if (current === card) {
        focusCard(nextAfter(card));
      }
    }
    try {
      const answer = await send(form, Object.assign({ decision: decision }, extra));
      status(card, answer.message, !answer.ok);
      if (!answer.ok) {
        card.classList.remove("is-decided");
      } else if (undoing) {
        card.classList.remove("is-decided", "is-gone");
        focusCard(card);
      } else {
        remember(card, answer);
      }
    } catch (error) {
      card.classList.remove("is-decided");
      status(card, error.message, true);
    } finally {
      card.classList.remove("is-busy");
      showEmptyIfDone();
    }
  }

  function remember(card, answer) {
    const entry = { card: card, undo: answer.undo };
    entry.timer = window.setTimeout(() => forget(entry), UNDO_SECONDS * 1000);
    undoable.push(entry);
    toastText.textContent = card.querySelector(".ws-card__name").textContent + ": " + answer.message;
    toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => { toast.hidden = true; }, UNDO_SECONDS * 1000);
  }

  function forget(entry) {
    const index = undoable.indexOf(entry);
    if (index !== -1) {
      undoable.splice(index, 1);
    }
    if (entry.card.classList.contains("is-decided")) {
      entry.card.classList.add("is-gone");
    }
  }

  function undo() {
    const entry = undoable.pop();
    if (!entry) {
      return;
    }
    window.clearTimeout(entry.timer);
    toast.hidden = undoable.length === 0;
    decide(entry.card, "undo", { previous: entry.undo.previous, was_pick: entry.undo.was_pick ? "1" : "0" });
  }

  // Reject asks for a reason: a digit picks one, Enter rejects with the one chosen in the menu, Esc cancels.
  function openReasons(card) {
    card.classList.add("is-choosing-reason");
    status(card, "Reason? Press 1–" + (card.querySelector("[data-reason]").options.length - 1)
      + ", Enter for none, Esc to cancel.");
  }

  function closeReasons(card) {
    if (card.classList.contains("is-choosing-reason")) {
      card.classList.remove("is-choosing-reason");
      status(card, "");
    }
  }

  function reasonKey(card, key) {
    const select = card.querySelector("[data-reason]");
    if (key === "Escape") {
      closeReasons(card);
    } else if (key === "Enter") {
      decide(card, "reject", { reason: select.value });
    } else if (/^[1-9]$/.test(key) && Number(key) < select.options.length) {
      select.selectedIndex = Number(key);
      decide(card, "reject", { reason: select.value });
    }
  }

  function openReply(card) {
    const details = card.querySelector("[data-reply]");
    details.open = true;
    details.querySelector("textarea").focus();
  }

  async function reply(form) {
    const card = form.closest("[data-card]");
    const body = form.querySelector("textarea").value;
    form.closest("details").open = false;
    card.classList.add("is-decided");
    focusCard(nextAfter(card));
    try {
      const answer = await send(form);
      status(card, answer.message, !answer.ok);
      if (answer.ok) {
        form.reset();
        card.classList.add("is-gone");
      } else {
        card.classList.remove("is-decided");
      }
    } catch (error) {
      card.classList.remove("is-decided");
      status(card, error.message, true);
    }
    if (card.classList.contains("is-decided") === false) {
      form.querySelector("textarea").value = body;
    }
    showEmptyIfDone();
  }

  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("[data-reply-form]")) {
      event.preventDefault();
      reply(form);
    } else if (form.matches("[data-decide]")) {
      event.preventDefault();
      const button = event.submitter;
      const card = form.closest("[data-card]");
      focusCard(card);
      decide(card, button ? button.value : "approve");
    }
  });

  root.addEventListener("click", (event) => {
    const card = event.target.closest("[data-card]");
    if (card && !card.classList.contains("is-decided") && card !== current) {
      focusCard(card);
    }
  });

  toast.querySelector("[data-undo]").addEventListener("click", undo);
  root.querySelectorAll("[data-help-open]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => help.showModal());
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.key === "Enter" && event.target.matches("[data-reply-form] textarea")) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || help.open) {
      return;
    }
    if (event.target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape") {
        event.target.blur();
        focusCard(event.target.closest("[data-card]") || current);
      }
      return;
    }
    if (current && current.classList.contains("is-choosing-reason")) {
      event.preventDefault();
      reasonKey(current, event.key);
      return;
    }
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      a: () => decide(current, "approve"),
      r: () => current && openReasons(current),
      s: () => decide(current, "spam"),
      p: () => decide(current, "pick"),
      e: () => current && openReply(current),
      u: undo,
      "?": () => help.showModal(),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      if (!current && "arsep".includes(event.key)) {
        move(0);
      }
      action();
    }
  });

  focusCard(cards()[0]);
})();
