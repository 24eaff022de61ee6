// Images in the editor: the "Add image" button, an image dropped on or pasted into the body, and
// the cover's upload button and preview. Each image goes to POST /uploads (the CSRF token in the
// X-CSRFToken header) and its Markdown is put where the cursor is. Without this script the
// editor still works: the cover takes a URL and images can be linked by hand.
(() => {
  "use strict";

  const ACCEPTED = ["image/jpeg", "image/png", "image/webp", "image/gif"];

  function imagesIn(fileList) {
    return Array.from(fileList || []).filter((file) => file.type.startsWith("image/"));
  }

  function setUp(tools) {
    const form = tools.closest("form");
    const body = form && form.querySelector("textarea[name=body]");
    const status = tools.querySelector("[data-upload-status]");
    const cover = form && form.querySelector("input[name=cover_image]");
    const preview = form && form.querySelector("[data-cover-preview]");

    function show(message, kind) {
      status.textContent = message;
      status.dataset.kind = kind || "";
    }

    function failure(file, request) {
      let answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = null;
      }
      const messages = answer && answer.errors && (answer.errors.file || answer.errors.body);
      if (messages && messages.length) {
        return `${file.name} ${messages[0]}`;
      }
      if (request.status === 413) {
        return `${file.name} is too large.`;
      }
      return `${file.name} could not be uploaded (error ${request.status}). Please try again.`;
    }

    function send(file, done) {
      if (!ACCEPTED.includes(file.type) && file.type !== "") {
        show(`${file.name} is not a JPEG, PNG, WebP or GIF image.`, "error");
        return;
      }
      const data = new FormData();
      data.append("file", file);
      const request = new XMLHttpRequest();  // fetch() can't report upload progress
      request.open("POST", tools.dataset.uploadUrl);
      // The form's token, which the editor renews after the author signs in again.
      const formToken = tools.closest("form")?.querySelector("input[name=csrf_token]");
      request.setRequestHeader("X-CSRFToken", formToken ? formToken.value : tools.dataset.csrfToken);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) {
          show(`Uploading ${file.name}… ${Math.round((100 * event.loaded) / event.total)}%`);
        }
      });
      request.addEventListener("load", () => {
        if (request.status === 201) {
          const answer = JSON.parse(request.responseText);
          show(`${file.name} added.`, "success");
          done(answer.upload);
        } else {
          show(failure(file, request), "error");
        }
      });
      request.addEventListener("error", () => {
        show(`${file.name} could not be sent: check your connection and try again.`, "error");
      });
      show(`Uploading ${file.name}…`);
      request.send(data);
    }

    function insert(markdown) {
      const start = body.selectionStart;
      const end = body.selectionEnd;
      const before = body.value.slice(0, start);
      const after = body.value.slice(end);
      const opening = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      const closing = after.startsWith("\n") ? "\n" : "\n\n";
      body.setRangeText(opening + markdown + closing, start, end, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));  // the live preview, autosave
      body.focus();
    }

    function insertAll(files) {
      imagesIn(files).forEach((file) => send(file, (upload) => insert(upload.markdown)));
    }

    const bodyInput = tools.querySelector("[data-upload-input=body]");
    tools.querySelector("[data-upload-button=body]").addEventListener("click", () => bodyInput.click());
    bodyInput.addEventListener("change", () => {
      insertAll(bodyInput.files);
      bodyInput.value = "";
    });

    body.addEventListener("dragover", (event) => {
      if (Array.from(event.dataTransfer.types).includes("Files")) {
        event.preventDefault();
        body.classList.add("is-dropping");
      }
    });
    body.addEventListener("dragleave", () => body.classList.remove("is-dropping"));
    body.addEventListener("drop", (event) => {
      body.classList.remove("is-dropping");
      const files = imagesIn(event.dataTransfer.files);
      if (files.length) {
        event.preventDefault();
        insertAll(files);
      }
    });
    body.addEventListener("paste", (event) => {
      const files = imagesIn(event.clipboardData && event.clipboardData.files);
      if (files.length) {
        event.preventDefault();
        insertAll(files);
      }
    });

    if (!cover || !preview) {
      return;
    }
    function showCover() {
      const url = cover.value.trim();
      // Only what the server may take as a cover (blog.domain.uploads.clean_cover_image) is fetched.
      const usable = /^(https?:\/\/[^\s\/<>"']+\/?[^\s<>"']*|\/uploads\/[^\s<>"']+)$/.test(url);
      preview.hidden = !usable;
      if (usable) {
        preview.src = url;
      } else {
        preview.removeAttribute("src");
      }
    }
    cover.addEventListener("input", showCover);
    const coverInput = tools.querySelector("[data-upload-input=cover]");
    const coverButton = tools.querySelector("[data-upload-button=cover]");
    coverButton.hidden = false;
    coverButton.addEventListener("click", () => coverInput.click());
    coverInput.addEventListener("change", () => {
      imagesIn(coverInput.files).slice(0, 1).forEach((file) => send(file, (upload) => {
        cover.value = upload.url;
        showCover();
      }));
      coverInput.value = "";
    });
    showCover();
  }

  document.querySelectorAll("[data-upload-url]").forEach(setUp);
})();
