// The editor, from a file because the Content-Security-Policy allows no inline script. It
// enhances every <form data-editor> that has a <textarea name="body">; without it the form
// works as before (its Preview button renders on the server, its buttons save).
//
// What it adds, and what it reads from the form's attributes:
// - A live preview beside the text on wide screens, behind Write / Preview tabs on phones:
//   data-preview-url answers a POST of body=... with {"html": ...} from the server's renderer,
//   or {"message": ...} (422) when the body can't be rendered.
// - Autosave a few seconds after typing stops, to data-autosave-url (absent: no autosave, as for
//   a published post, which changes only when its author presses Update). It sends the form's
//   fields and updated_at, the version last seen (data-updated-at; 409 when another save came
//   since), and gets back {"updated_at", "edit_url", "autosave_url"}: a new post's form moves
//   to its draft's addresses.
// - A word count and reading time under the body; Ctrl/Cmd+S saves now (an autosave, or the
//   button marked data-editor-save).
// - The text kept in this browser (localStorage, per account and form address) until it is saved, and put
//   back with a notice when the page is opened again.
// - A 401 (signed out) asks to sign in again in a new tab (data-sign-in-url); a 400 with
//   errors.csrf fetches a fresh token from data-token-url (signing in starts a new session,
//   which the page's token doesn't belong to) and sends again.
(() => {
  "use strict";

  const PREVIEW_DELAY = 400;
  const AUTOSAVE_DELAY = 3000;
  const STORE_DELAY = 300;
  const WORDS_PER_MINUTE = 220; // as the post page's reading time
  const STORAGE_PREFIX = "blog-editor:";
  const TEXT_TYPES = new Set(["text", "url", "search", "date", "time", "datetime-local"]);

  function make(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
    node.textContent = text;
    return node;
  }

  function clock(date = new Date()) {
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function sameValues(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  const storage = {
    read(key) {
      try {
        return JSON.parse(window.localStorage.getItem(key));
      } catch {
        return null;
      }
    },
    write(key, value) {
      try {
        window.localStorage.setItem(key, JSON.stringify(value));
      } catch {
        // Full or forbidden (private browsing): the text is only on the page, as without us.
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch {
        // as above
      }
    },
  };

  class Editor {
    constructor(form) {
      this.form = form;
      this.body = form.elements.body;
      this.version = form.dataset.updatedAt || "";
      this.timers = {};
      this.saved = this.textValues("defaultValue"); // what the server has, as the page came
      this.savedSnapshot = this.fields(this.saved).toString();
      this.key = this.storageKey();
      this.buildLayout();
      this.watch();
      if (!this.restore() && !sameValues(this.textValues(), this.saved)) {
        this.changed(); // the browser put back what was typed before a reload
      }
      this.updateCount();
      this.showTitle();
      this.preview();
      const button = form.querySelector("[data-editor-save]");
      if (!form.dataset.autosaveUrl && button) {
        this.setStatus(`Saved when you press ${button.value || button.textContent.trim()}.`);
      }
    }

    // ---- The page: preview pane, tabs, count and status ----

    /** Everything is put around the form, never the form moved: a field being typed in keeps
     * its focus (and its keystrokes) while the page is enhanced. */
    buildLayout() {
      const form = this.form;
      form.id = form.id || "editor-form";
      this.workspace = form.parentElement;
      this.workspace.classList.add("editor-workspace");
      this.workspace.dataset.tab = "write";
      this.tabs = make("div", { class: "editor-tabs", role: "tablist", "aria-label": "View" });
      this.pane = make("section", {
        class: "live-preview",
        id: `${form.id}-preview`,
        "aria-label": "Preview",
      });
      this.paneTitle = make("h1", { class: "live-preview-title" });
      this.paneMessage = make("p", { class: "live-preview-message", hidden: "" });
      this.paneContent = make("div", { class: "prose" });
      this.pane.append(
        make("p", { class: "eyebrow", "aria-hidden": "true" }, "Preview"),
        this.paneTitle,
        this.paneMessage,
        this.paneContent,
      );
      for (const [name, panel] of [["write", form], ["preview", this.pane]]) {
        const tab = make("button", {
          type: "button",
          role: "tab",
          class: "editor-tab",
          "data-tab": name,
          "aria-controls": panel.id,
          "aria-selected": String(name === "write"),
        }, name === "write" ? "Write" : "Preview");
        tab.addEventListener("click", () => this.showTab(name));
        this.tabs.append(tab);
      }
      form.before(this.tabs);
      form.after(this.pane);

      this.count = make("span", { class: "editor-count" });
      this.status = make("span", { class: "editor-status", role: "status" });
      const meta = make("div", { class: "editor-meta" });
      meta.append(this.count, this.status);
      this.body.after(meta);
      this.notice = make("div", { class: "editor-notice notice", role: "status", hidden: "" });
      form.prepend(this.notice);
    }

    showTab(name) {
      this.workspace.dataset.tab = name;
      this.tabs.querySelectorAll("[role=tab]").forEach((tab) => {
        tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
      });
      if (name === "preview") {
        this.preview();
      }
    }

    updateCount() {
      const words = this.body.value.split(/\s+/).filter(Boolean).length;
      const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
      const noun = words === 1 ? "word" : "words";
      const time = words ? ` · ${minutes} min read` : "";
      this.count.textContent = `${words.toLocaleString()} ${noun}${time}`;
    }

    showTitle() {
      this.paneTitle.textContent = this.form.elements.title?.value.trim() || "";
    }

    setStatus(text, state = "", link = null) {
      this.status.replaceChildren(text);
      if (link) {
        this.status.append(link.before, link.anchor, link.after);
      }
      this.status.dataset.state = state;
    }

    // ---- What the form holds ----

    textFields() {
      return [...this.form.elements].filter((field) => field.name && field.name !== "csrf_token"
        && (field instanceof HTMLTextAreaElement
          || (field instanceof HTMLInputElement && TEXT_TYPES.has(field.type))));
    }

    textValues(property = "value") {
      return Object.fromEntries(this.textFields().map((field) => [field.name, field[property]]));
    }

    setTextValues(values) {
      this.textFields().forEach((field) => {
        if (typeof values[field.name] === "string") {
          field.value = values[field.name];
        }
      });
      this.updateCount();
      this.showTitle();
      this.preview();
    }

    /** The form as it would be submitted (no button, no file, no token), ``values`` over it. */
    fields(values = this.textValues()) {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(this.form)) {
        if (name !== "csrf_token" && typeof value === "string") {
          params.append(name, name in values ? values[name] : value);
        }
      }
      return params;
    }

    // ---- Events ----

    watch() {
      this.form.addEventListener("input", (event) => this.changed(event.target));
      this.form.addEventListener("submit", (event) => this.submitting(event));
      document.addEventListener("keydown", (event) => this.shortcut(event));
      window.addEventListener("pagehide", () => this.timers.store && this.store());
      window.addEventListener("focus", () => this.signedOut && this.checkSignIn());
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible" && this.signedOut) {
          this.checkSignIn();
        }
      });
    }

    later(name, delay, action) {
      window.clearTimeout(this.timers[name]);
      this.timers[name] = window.setTimeout(() => {
        delete this.timers[name];
        action();
      }, delay);
    }

    changed(field = this.body) {
      this.updateCount();
      this.showTitle();
      if (field === this.body) {
        this.later("preview", PREVIEW_DELAY, () => this.preview());
      }
      this.later("store", STORE_DELAY, () => this.store());
      if (this.form.dataset.autosaveUrl) {
        this.later("autosave", AUTOSAVE_DELAY, () => this.save());
      }
    }

    shortcut(event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== "s") {
        return;
      }
      event.preventDefault(); // not the browser's "Save page as"
      if (this.form.dataset.autosaveUrl) {
        window.clearTimeout(this.timers.autosave);
        this.save({ now: true });
      } else {
        const button = this.form.querySelector("[data-editor-save]");
        if (button && !button.disabled) {
          this.form.requestSubmit(button);
        }
      }
    }

    /** A submission by hand. While a new post's first autosave is on its way, it waits for it,
     * so that it goes to the draft that autosave makes instead of making a second post. */
    submitting(event) {
      if (this.saving) {
        event.preventDefault();
        const button = event.submitter;
        this.saving.then(() => this.form.requestSubmit(button));
        return;
      }
      Object.values(this.timers).forEach((timer) => window.clearTimeout(timer));
      this.timers = {};
      this.store({ submitted: true });
    }

    // ---- Requests ----

    token() {
      return this.form.elements.csrf_token?.value || "";
    }

    async send(url, params, signal = undefined, retried = false) {
      const response = await fetch(url, {
        method: "POST",
        body: params,
        signal,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": this.token() },
      });
      const data = await response.json().catch(() => ({}));
      if (response.status === 400 && data.errors?.csrf && !retried && await this.refreshToken()) {
        return this.send(url, params, signal, true);
      }
      if (response.status === 401) {
        this.askToSignIn(data.sign_in_url);
      } else if (response.ok) {
        this.signedOut = false;
      }
      const retryAfter = Number(response.headers.get("Retry-After")) || 30;
      return { status: response.status, data, retryAfter };
    }

    async refreshToken() {
      const url = this.form.dataset.tokenUrl;
      if (!url) {
        return false;
      }
      try {
        const response = await fetch(url, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "application/json" },
        });
        if (response.status === 401) {
          this.askToSignIn();
        }
        const data = response.ok ? await response.json() : {};
        if (!data.csrf_token || !this.form.elements.csrf_token) {
          return false;
        }
        this.form.elements.csrf_token.value = data.csrf_token;
        return true;
      } catch {
        return false;
      }
    }

    askToSignIn(url = this.form.dataset.signInUrl || "/login") {
      this.signedOut = true;
      const anchor = make("a", { href: url, target: "_blank", rel: "noopener" });
      anchor.textContent = "sign in again (in a new tab)";
      this.setStatus("", "signed-out", {
        before: "You're signed out: ",
        anchor,
        after: ", then save. Your text is kept in this browser.",
      });
    }

    async checkSignIn() {
      if (this.checkingSignIn) {
        return;
      }
      this.checkingSignIn = true;
      const signedIn = await this.refreshToken();
      this.checkingSignIn = false;
      if (!signedIn) {
        return;
      }
      if (this.signedOut) {
        this.signedOut = false;
        this.setStatus("Signed in again.");
      }
      this.previewed = null;
      this.preview();
      if (this.form.dataset.autosaveUrl && this.fields().toString() !== this.savedSnapshot) {
        this.save();
      }
    }

    // ---- Live preview ----

    showPreviewMessage(text) {
      this.paneMessage.textContent = text;
      this.paneMessage.hidden = !text;
      this.paneContent.hidden = Boolean(text);
    }

    async preview() {
      const url = this.form.dataset.previewUrl;
      const body = this.body.value;
      if (!url || body === this.previewed) {
        return;
      }
      this.previewController?.abort();
      if (!body.trim()) {
        this.previewed = body;
        this.paneContent.replaceChildren();
        this.showPreviewMessage("Nothing to preview yet: the body is empty.");
        return;
      }
      const controller = new AbortController();
      this.previewController = controller;
      let answer;
      try {
        answer = await this.send(url, new URLSearchParams({ body }), controller.signal);
      } catch (error) {
        if (error.name !== "AbortError") {
          this.showPreviewMessage("No preview: the blog can't be reached right now.");
        }
        return;
      }
      if (controller !== this.previewController) {
        return; // a newer preview is on its way
      }
      if (answer.status === 200) {
        this.previewed = body;
        this.paneContent.innerHTML = answer.data.html; // sanitised by the server's renderer
        this.showPreviewMessage("");
      } else if (answer.status === 401) {
        this.showPreviewMessage("No preview while you're signed out.");
      } else if (answer.status === 429) {
        this.showPreviewMessage("Preview paused for a moment: too many in a short while.");
        this.later("preview", answer.retryAfter * 1000, () => this.preview());
      } else {
        this.showPreviewMessage(answer.data.message || `No preview (error ${answer.status}).`);
      }
    }

    // ---- Autosave ----

    save({ now = false } = {}) {
      const url = this.form.dataset.autosaveUrl;
      if (!url || this.conflict) {
        return this.saving;
      }
      if (this.saving) {
        this.saveAgain = true; // after this one, with whatever was typed meanwhile
        return this.saving;
      }
      const params = this.fields();
      const snapshot = params.toString();
      if (snapshot === this.savedSnapshot) {
        if (now) {
          this.setStatus(this.savedAt ? `Saved at ${this.savedAt}` : "No changes to save.", "saved");
        }
        return null;
      }
      if (this.version) {
        params.set("updated_at", this.version);
      }
      this.setStatus("Saving…", "saving");
      this.saving = this.autosave(url, params, snapshot).finally(() => {
        this.saving = null;
        if (this.saveAgain) {
          this.saveAgain = false;
          this.save();
        }
      });
      return this.saving;
    }

    async autosave(url, params, snapshot) {
      let answer;
      try {
        answer = await this.send(url, params);
      } catch {
        this.setStatus("Not saved: the blog can't be reached. Your text is kept here.", "error");
        return;
      }
      const { status, data } = answer;
      if (status === 200 || status === 201) {
        this.saved = Object.fromEntries(
          Object.keys(this.saved).map((name) => [name, params.get(name) ?? this.saved[name]]),
        );
        this.savedSnapshot = snapshot;
        this.version = data.updated_at;
        this.form.dataset.updatedAt = data.updated_at;
        if (data.edit_url && data.autosave_url !== this.form.dataset.autosaveUrl) {
          this.moveTo(data);
        }
        this.store();
        this.savedAt = clock();
        this.setStatus(`Saved at ${this.savedAt}`, "saved");
      } else if (status === 401) {
        // askToSignIn has said so
      } else if (status === 409) {
        this.conflict = true;
        this.setStatus(`Not saved: ${data.message}`, "error");
      } else if (status === 429) {
        this.setStatus("Not saved yet: too many saves in a short while. Trying again soon.", "error");
        this.later("autosave", answer.retryAfter * 1000, () => this.save());
      } else {
        this.setStatus(`Not saved: ${data.message || `the blog answered ${status}.`}`, "error");
      }
    }

    /** A new post's first autosave made a draft: the form now edits it, at its address. */
    moveTo({ edit_url: editUrl, autosave_url: autosaveUrl }) {
      const oldKey = this.key;
      this.form.action = editUrl;
      this.form.dataset.autosaveUrl = autosaveUrl;
      window.history.replaceState(window.history.state, "", editUrl);
      this.key = this.storageKey();
      storage.remove(oldKey);
    }

    // ---- Kept in this browser ----

    /** Per account and form address: another account signing in on this browser never gets
     *  the text back. */
    storageKey() {
      const account = this.form.dataset.account || "";
      return `${STORAGE_PREFIX}${account}:${new URL(this.form.action, window.location.href).pathname}`;
    }

    /** Keep the text while it differs from what the server has; forget it once saved. */
    store({ submitted = false } = {}) {
      window.clearTimeout(this.timers.store);
      delete this.timers.store;
      const values = this.textValues();
      if (sameValues(values, this.saved)) {
        storage.remove(this.key);
        return;
      }
      storage.write(this.key, { values, version: this.version, at: Date.now(), submitted });
    }

    /** Text kept from an earlier visit is put back with a notice (true), unless it is what the
     * server has. Text sent by hand since, which may well have been saved, is only offered. */
    restore() {
      const kept = storage.read(this.key);
      if (!kept || typeof kept.values !== "object" || kept.values === null) {
        return false;
      }
      if (sameValues({ ...this.saved, ...kept.values }, this.saved)) {
        storage.remove(this.key);
        return false;
      }
      const when = clock(new Date(kept.at));
      if (kept.submitted && this.version && kept.version === this.version) {
        this.setTextValues(kept.values); // sent, and the post hasn't changed: it wasn't saved
        this.showNotice(`Your text from ${when} wasn't saved: it is back, kept in this browser.`,
          [["Discard it", () => this.setTextValues(this.saved)]]);
      } else if (kept.submitted) {
        this.showNotice(`This browser kept text you sent at ${when}; it may have been saved.`,
          [["Put it back", () => this.setTextValues(kept.values)], ["Discard it", () => {}]]);
      } else {
        this.setTextValues(kept.values);
        this.showNotice(`Restored the changes you made at ${when}, kept in this browser.`,
          [["Discard them", () => this.setTextValues(this.saved)]]);
      }
      return true;
    }

    showNotice(text, choices) {
      this.notice.replaceChildren(make("span", {}, text));
      for (const [label, choose] of choices) {
        const button = make("button", { type: "button", class: "button button-small" }, label);
        button.addEventListener("click", () => {
          choose();
          this.notice.hidden = true;
          this.store();
          if (this.form.dataset.autosaveUrl) {
            this.later("autosave", AUTOSAVE_DELAY, () => this.save());
          }
        });
        this.notice.append(button);
      }
      this.notice.hidden = false;
    }
  }

  document.querySelectorAll("form[data-editor]").forEach((form) => {
    if (form.elements.body instanceof HTMLTextAreaElement) {
      new Editor(form); // eslint-disable-line no-new
    }
  });
})();
