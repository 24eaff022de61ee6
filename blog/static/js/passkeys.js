// Passkeys: adding one on the settings page, and "Sign in with a passkey" on the sign-in page.
// Each is two JSON requests (the CSRF token in the X-CSRFToken header): the server's options,
// which the browser's navigator.credentials.create() or get() answer after the device has asked
// for its screen lock, then that answer, which the server checks. The binary fields travel as
// base64url. Without this script, or in a browser without passkeys, both stay hidden.
(() => {
  "use strict";

  const supported = Boolean(
    window.PublicKeyCredential && navigator.credentials && navigator.credentials.create,
  );

  function toBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const binary = window.atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (character) => character.charCodeAt(0));
  }

  function toBase64url(buffer) {
    if (!buffer) {
      return null;
    }
    let binary = "";
    new Uint8Array(buffer).forEach((byte) => { binary += String.fromCharCode(byte); });
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));
  }

  function creationOptions(options) {
    return {
      ...options,
      challenge: toBytes(options.challenge),
      user: { ...options.user, id: toBytes(options.user.id) },
      excludeCredentials: descriptors(options.excludeCredentials),
    };
  }

  function requestOptions(options) {
    return {
      ...options,
      challenge: toBytes(options.challenge),
      allowCredentials: descriptors(options.allowCredentials),
    };
  }

  function credentialJSON(credential) {
    const response = credential.response;
    const answer = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      answer.response.attestationObject = toBase64url(response.attestationObject);
      answer.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      answer.response.authenticatorData = toBase64url(response.authenticatorData);
      answer.response.signature = toBase64url(response.signature);
      answer.response.userHandle = toBase64url(response.userHandle);
    }
    return answer;
  }

  const FIELD_NAMES = { password: "Your password", name: "The name" };

  class Refused extends Error {}

  // POST ``body`` as JSON; the answer's JSON, or a Refused error with what the server said.
  async function post(url, token, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": token,
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new Refused("The site could not be reached. Check your connection and try again.");
    }
    const answer = await response.json().catch(() => null);
    if (response.ok && answer) {
      return answer;
    }
    const errors = (answer && answer.errors) || {};
    const field = Object.keys(errors)[0];
    if (field && errors[field].length) {
      const label = FIELD_NAMES[field];
      throw new Refused(label ? `${label} ${errors[field][0]}.` : errors[field][0]);
    }
    if (response.status === 429) {
      throw new Refused("Too many tries. Wait a minute, then try again.");
    }
    if (response.redirected || response.status === 401) {
      throw new Refused("You have been signed out. Sign in again, then try once more.");
    }
    throw new Refused(`Something went wrong (error ${response.status}). Please try again.`);
  }

  // What to tell the reader when the browser's own prompt failed.
  function promptFailure(error, making) {
    if (error instanceof Refused) {
      return error.message;
    }
    switch (error && error.name) {
      case "NotAllowedError":
        return "The passkey prompt was closed or timed out. Nothing was changed.";
      case "InvalidStateError":
        return making
          ? "This device already holds a passkey for your account."
          : "That passkey can't be used here.";
      case "SecurityError":
        return "Passkeys don't work on this address: they need a secure connection (HTTPS).";
      case "AbortError":
        return "The passkey prompt was cancelled.";
      default:
        return "The browser could not use a passkey. Please try again.";
    }
  }

  function errorShower(container) {
    const box = container.querySelector("[data-passkey-error]");
    return (message) => {
      box.textContent = message || "";
      box.hidden = !message;
    };
  }

  // A path on this site, else the home page: the server names only such places.
  function onThisSite(path) {
    return typeof path === "string" && path.startsWith("/") && !path.startsWith("//")
      && !path.includes("\\") ? path : "/";
  }

  function setUpAdding(form) {
    const show = errorShower(form);
    const button = form.querySelector("button[type=submit]");
    form.hidden = false;
    document.querySelectorAll("[data-passkeys-unsupported]").forEach((note) => {
      note.hidden = true;
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      show("");
      button.disabled = true;
      const token = form.dataset.csrfToken;
      try {
        const password = form.elements.password.value;
        const options = await post(form.dataset.optionsUrl, token, { password });
        const credential = await navigator.credentials.create({
          publicKey: creationOptions(options),
        });
        const answer = await post(form.dataset.registerUrl, token, {
          credential: credentialJSON(credential),
          name: form.elements.name.value,
        });
        window.location.assign(onThisSite(answer.redirect));
      } catch (error) {
        show(promptFailure(error, true));
        button.disabled = false;
      }
    });
  }

  function setUpSignIn(box) {
    const show = errorShower(box);
    const button = box.querySelector("button");
    box.hidden = false;
    button.addEventListener("click", async () => {
      show("");
      button.disabled = true;
      const token = box.dataset.csrfToken;
      const remember = document.querySelector("input[type=checkbox][name=remember]");
      try {
        const options = await post(box.dataset.optionsUrl, token, {});
        const credential = await navigator.credentials.get({
          publicKey: requestOptions(options),
        });
        const answer = await post(box.dataset.signInUrl, token, {
          credential: credentialJSON(credential),
          remember: Boolean(remember && remember.checked),
          next: new URLSearchParams(window.location.search).get("next"),
        });
        window.location.assign(onThisSite(answer.redirect));
      } catch (error) {
        show(promptFailure(error, false));
        button.disabled = false;
      }
    });
  }

  if (!supported) {
    return;
  }
  document.querySelectorAll("form[data-passkey-add]").forEach(setUpAdding);
  document.querySelectorAll("[data-passkey-sign-in]").forEach(setUpSignIn);
})();
