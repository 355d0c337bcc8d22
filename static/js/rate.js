// Rating a week's recipes: each answer is saved as it is given (participant/batch.html).
//
// Every card is an ordinary form that posts to /me/recommendations/<id>/rating/ and works
// without JavaScript. With it, a change of stars or "would you cook this?" (and a pause in
// typing a comment) posts the same form with Accept: application/json. The card says
// "Saving…", "Saved" or why not; a failed save (no network, server error) is kept and
// retried, with back-off and as soon as the browser is online again. Until it is saved, the
// answer is also kept in localStorage, so closing the tab or losing the phone's network
// loses nothing: the next visit sends it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.rate-form"));
  if (!forms.length) return;
  var progress = document.getElementById("progress");
  var TYPING_PAUSE_MS = 800;
  var MAX_RETRY_MS = 10000;
  var cards = forms.map(setUp);

  function setUp(form) {
    var card = {
      form: form,
      key: "recipe-pilot:rating:" + form.getAttribute("data-rec"),
      state: form.querySelector(".save-state"),
      inflight: false,
      dirty: false,
      retryMs: 1000,
      retryTimer: null,
      typingTimer: null,
      stopped: false,
    };
    form.addEventListener("change", function (event) {
      if (event.target.name === "comment") return; // saved by the typing pause or blur
      changed(card, 0);
    });
    form.addEventListener("input", function (event) {
      if (event.target.name === "comment") changed(card, TYPING_PAUSE_MS);
    });
    form.querySelector("textarea").addEventListener("blur", function () {
      if (card.typingTimer) changed(card, 0);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      changed(card, 0);
    });
    restoreDraft(card);
    return card;
  }

  function values(form) {
    var data = new FormData(form);
    return {
      stars: data.get("stars") || "",
      would_cook: data.get("would_cook") || "",
      comment: data.get("comment") || "",
    };
  }

  function restoreDraft(card) {
    var draft = null;
    try {
      draft = JSON.parse(window.localStorage.getItem(card.key) || "null");
    } catch (error) {
      draft = null;
    }
    if (!draft) return;
    var now = values(card.form);
    if (now.stars === draft.stars && now.would_cook === draft.would_cook && now.comment === draft.comment) {
      forget(card);
      return;
    }
    check(card.form, "stars", draft.stars);
    check(card.form, "would_cook", draft.would_cook);
    card.form.querySelector("textarea").value = draft.comment;
    changed(card, 0);
  }

  function check(form, name, value) {
    var input = value && form.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (input) input.checked = true;
  }

  function remember(card) {
    try {
      window.localStorage.setItem(card.key, JSON.stringify(values(card.form)));
    } catch (error) {
      // Private mode or full storage: the retry in this tab still works.
    }
  }

  function forget(card) {
    try {
      window.localStorage.removeItem(card.key);
    } catch (error) {
      // nothing kept, nothing to remove
    }
  }

  function changed(card, delay) {
    if (card.stopped) return;
    window.clearTimeout(card.typingTimer);
    card.typingTimer = null;
    var v = values(card.form);
    if (!v.stars || !v.would_cook) {
      show(card, "incomplete", !v.stars ? "Choose the stars to save this." : "Say whether you would cook it to save this.");
      return;
    }
    remember(card);
    card.dirty = true;
    if (delay) {
      show(card, "incomplete", "Not saved yet…");
      card.typingTimer = window.setTimeout(function () {
        card.typingTimer = null;
        send(card);
      }, delay);
    } else {
      send(card);
    }
  }

  function send(card) {
    if (card.inflight || card.stopped || !card.dirty) return;
    window.clearTimeout(card.retryTimer);
    card.retryTimer = null;
    card.inflight = true;
    card.dirty = false;
    var sent = values(card.form);
    show(card, "saving", "Saving…");
    fetch(card.form.action, {
      method: "POST",
      body: new FormData(card.form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            return { status: response.status, body: body };
          });
      })
      .then(function (result) {
        card.inflight = false;
        answered(card, result.status, result.body, sent);
      })
      .catch(function () {
        card.inflight = false;
        card.dirty = true;
        retryLater(card, "Not saved: no connection. It will be saved when you are back online.");
      });
  }

  function answered(card, status, body, sent) {
    clearErrors(card.form);
    if (status === 200) {
      card.retryMs = 1000;
      card.form.setAttribute("data-rated", "true");
      if (body.progress) updateProgress(body.progress.rated, body.progress.total);
      var now = values(card.form);
      if (card.dirty || now.stars !== sent.stars || now.would_cook !== sent.would_cook || now.comment !== sent.comment) {
        card.dirty = true;
        send(card);
      } else {
        forget(card);
        show(card, "saved", "Saved");
      }
    } else if (status === 400 && body.errors) {
      forget(card);
      Object.keys(body.errors).forEach(function (field) {
        fieldError(card.form, field, body.errors[field]);
      });
      show(card, "error", "Not saved: see the message above.");
    } else if (status === 409) {
      forget(card);
      stop(card, body.error || "This week is closed: answers can no longer be changed.");
    } else if (status === 401) {
      card.dirty = true;
      showSignedOut(card, body.signin || "/signin/");
    } else if (status === 403) {
      card.dirty = true;
      show(card, "error", "Not saved: this page is out of date. Reload it and try again.");
    } else if (status === 404) {
      forget(card);
      stop(card, "Not saved: this recipe is no longer in your week.");
    } else {
      card.dirty = true;
      retryLater(card, "Not saved: the server had a problem. Trying again…");
    }
  }

  function retryLater(card, message) {
    show(card, "unsaved", message);
    window.clearTimeout(card.retryTimer);
    card.retryTimer = window.setTimeout(function () {
      card.retryTimer = null;
      send(card);
    }, card.retryMs);
    card.retryMs = Math.min(card.retryMs * 2, MAX_RETRY_MS);
  }

  function stop(card, message) {
    card.stopped = true;
    show(card, "error", message);
    Array.prototype.forEach.call(card.form.elements, function (element) {
      element.disabled = true;
    });
  }

  function show(card, state, text) {
    card.state.setAttribute("data-state", state);
    card.state.textContent = text;
  }

  function showSignedOut(card, url) {
    card.state.setAttribute("data-state", "error");
    card.state.textContent = "Not saved: you are signed out. ";
    var link = document.createElement("a");
    link.href = url + "?next=" + encodeURIComponent(window.location.pathname);
    link.textContent = "Get a new sign-in link";
    card.state.appendChild(link);
  }

  function fieldError(form, field, message) {
    var id = "err-" + field + "-" + form.getAttribute("data-rec");
    var target = field === "comment" ? form.querySelector("textarea") : form.querySelector('input[name="' + field + '"]');
    if (!target) return;
    var holder = field === "comment" ? target.parentNode : target.closest("fieldset");
    var p = document.createElement("p");
    p.className = "field-error js-error";
    p.id = id;
    p.textContent = message;
    holder.appendChild(p);
    if (field === "comment") {
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-describedby", id);
    } else {
      holder.setAttribute("aria-describedby", id);
      holder.classList.add("invalid");
    }
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) {
      p.parentNode.removeChild(p);
    });
    Array.prototype.forEach.call(form.querySelectorAll(".invalid, [aria-invalid]"), function (el) {
      el.classList.remove("invalid");
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
  }

  function updateProgress(rated, total) {
    if (!progress) return;
    progress.querySelector("[data-rated-count]").textContent = rated;
    var bar = progress.querySelector("progress");
    bar.max = total;
    bar.value = rated;
    bar.textContent = rated + " of " + total;
  }

  window.addEventListener("online", function () {
    cards.forEach(function (card) {
      if (card.dirty && !card.inflight) {
        card.retryMs = 1000;
        send(card);
      }
    });
  });

  window.addEventListener("beforeunload", function (event) {
    var unsaved = cards.some(function (card) {
      return card.dirty || card.inflight || card.typingTimer;
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
