// Scheduled posts in the reader's own time zone. The server stores and writes UTC; this shows
// "Scheduled for" times in the browser's zone, and has the editor's "Publish at" field send the
// zone's offset from UTC for the chosen date (summer time included). Without it, every time on
// the page is UTC, as the page says.

(() => {
  const pad = (number) => String(number).padStart(2, "0");

  const offsetText = (minutes) => {
    const sign = minutes < 0 ? "−" : "+";
    const size = Math.abs(minutes);
    return `UTC${sign}${pad(Math.floor(size / 60))}:${pad(size % 60)}`;
  };

  // "2030-01-31T09:00" at `offset` minutes east of UTC, as a Date; null if malformed.
  const instantOf = (value, offset) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
    if (!match) {
      return null;
    }
    const [, year, month, day, hour, minute, second] = match.map(Number);
    const utc = Date.UTC(year, month - 1, day, hour, minute, second || 0);
    return new Date(utc - offset * 60000);
  };

  const localValue = (date) =>
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`;

  const zoneName = () => {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  };

  const showLocalTimes = () => {
    const format = new Intl.DateTimeFormat(undefined, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
    document.querySelectorAll("time[data-local-time]").forEach((element) => {
      const moment = new Date(element.getAttribute("datetime"));
      if (!Number.isNaN(moment.getTime())) {
        element.title = element.textContent;
        element.textContent = format.format(moment);
      }
    });
  };

  const enhanceEditor = (fieldset) => {
    const input = fieldset.querySelector("input[type=datetime-local]");
    const form = fieldset.closest("form");
    const offset = form && form.querySelector("input[name=utc_offset]");
    const zone = fieldset.querySelector("[data-schedule-zone]");
    const button = form && form.querySelector("[data-schedule-label]");
    const buttonLabel = button ? button.value : "";
    if (!input || !offset) {
      return;
    }
    const update = () => {
      const chosen = input.value ? new Date(input.value) : new Date();
      const minutes = Number.isNaN(chosen.getTime()) ? 0 : -chosen.getTimezoneOffset();
      offset.value = String(minutes);
      if (zone) {
        const name = zoneName();
        zone.textContent = `Times are in your time zone${name ? `, ${name}` : ""} (${offsetText(minutes)}).`;
      }
      if (button) {
        const ahead = input.value && chosen.getTime() > Date.now();
        button.value = ahead ? button.dataset.scheduleLabel : buttonLabel;
      }
    };
    // The server sends the saved time in UTC (offset 0), or what was typed with its offset.
    if (input.value) {
      const saved = instantOf(input.value, Number(offset.value) || 0);
      if (saved) {
        input.value = localValue(saved);
      }
    }
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    update();
  };

  const start = () => {
    showLocalTimes();
    document.querySelectorAll("[data-schedule]").forEach(enhanceEditor);
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
