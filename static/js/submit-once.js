/*
 * The first line of defence against a double click: a POST form, once sent, cannot be
 * sent again from the same page, and its buttons are disabled. The server holds the
 * rule on its own (one-time submission tokens, klientstod/submissions.py); this only
 * spares the second request.
 */
(function () {
  "use strict";

  var TOKEN_FIELD = "submission_token";

  function buttonsOf(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }

  function freshToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Handlers that send the form themselves have prevented the default.
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) {
      return;
    }
    if (form.method.toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.ksSent) {
      event.preventDefault();
      return;
    }
    form.dataset.ksSent = "1";
    // Disabled only after the submit event, so that the clicked button's own name and
    // value (name="save" value="milestone") are still sent with the form.
    window.setTimeout(function () {
      buttonsOf(form).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.dataset.ksDisabled = "1";
        }
      });
    }, 0);
  });

  // A page brought back from the browser's history is a new page: its forms may be sent
  // again, as a new sending with a new token.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-ks-sent]").forEach(function (form) {
      delete form.dataset.ksSent;
      buttonsOf(form).forEach(function (button) {
        if (button.dataset.ksDisabled) {
          button.disabled = false;
          delete button.dataset.ksDisabled;
        }
      });
    });
    document.querySelectorAll("input[name=" + TOKEN_FIELD + "]").forEach(function (input) {
      input.value = freshToken();
    });
  });
})();
