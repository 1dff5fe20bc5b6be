// formkit web: the few behaviours plain HTML lacks. No framework, no inline script (CSP).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // a select that reloads the page for another year
  document.querySelectorAll("[data-autosubmit]").forEach((el) =>
    el.addEventListener("change", () => el.form.submit()));

  // one submit per form (the server refuses a second one anyway), confirm, busy text
  document.querySelectorAll("form").forEach((form) => form.addEventListener("submit", (ev) => {
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { ev.preventDefault(); return; }
    if (form.dataset.sent) { ev.preventDefault(); return; }
    form.dataset.sent = "1";
    if (form.dataset.busy) {
      const note = document.createElement("p");
      note.className = "busy"; note.textContent = form.dataset.busy;
      form.append(note);
    }
  }));

  // a print button (no inline script under the CSP)
  document.querySelectorAll("[data-print]").forEach((el) =>
    el.addEventListener("click", () => window.print()));

  // uploads: refuse a too large selection before sending it (the server checks it too)
  const upload = document.getElementById("upload-form");
  if (upload) upload.addEventListener("submit", (ev) => {
    const files = upload.querySelector("input[type=file]").files;
    let total = 0;
    for (const f of files) total += f.size;
    if (total > Number(upload.dataset.maxBytes)) {
      ev.preventDefault(); ev.stopImmediatePropagation(); delete upload.dataset.sent;
      const box = upload.querySelector(".client-error");
      box.textContent = `Các tệp đã chọn nặng ${(total / 1048576).toFixed(0)} MB, quá giới hạn ` +
        `${(Number(upload.dataset.maxBytes) / 1048576).toFixed(0)} MB một lần: chia thành nhiều lần tải.`;
      box.hidden = false;
    }
  }, true);

  // batch progress: ask the server once a second until the batch is done
  const job = document.getElementById("job");
  if (job && ["queued", "running"].includes(job.dataset.state)) {
    const tick = async () => {
      try {
        const r = await fetch(job.dataset.progressUrl, {headers: {Accept: "application/json"}});
        const p = await r.json();
        document.getElementById("job-bar").value = p.percent;
        document.getElementById("job-count").textContent = `${p.done}/${p.total} trang`;
        document.getElementById("job-state").textContent = p.state_label;
        const o = p.outcomes || {};
        document.getElementById("job-outcomes").textContent =
          `Đã đọc ${o.read || 0} · trùng ${o.duplicate || 0} · bị từ chối ${o.rejected || 0}`;
        if (p.finished) { window.location.reload(); return; }
      } catch (e) { /* the server may be busy: try again on the next tick */ }
      window.setTimeout(tick, 1000);
    };
    window.setTimeout(tick, 1000);
  }

  // review: 1, 2, 3 … choose; Enter agrees with the machine; S skips; Ctrl+Enter saves text;
  // Alt+T nothing written, Alt+K illegible (written zones)
  const review = document.getElementById("review-form");
  if (review) document.addEventListener("keydown", (ev) => {
    if (review.dataset.sent) return;
    if (ev.altKey && ["t", "k"].includes(ev.key.toLowerCase())) {
      const b = review.querySelector(`[data-key="alt-${ev.key.toLowerCase()}"]`);
      if (b) { ev.preventDefault(); b.click(); }
      return;
    }
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(ev.target.tagName);
    if (typing && !(ev.key === "Enter" && ev.ctrlKey)) return;
    if (ev.altKey || ev.metaKey) return;
    let target = null;
    if (ev.key === "Enter" && ev.ctrlKey) target = review.querySelector("button.primary");
    else if (/^[1-9]$/.test(ev.key)) target = review.querySelector(`[data-key="${ev.key}"]`);
    else if (ev.key === "Enter") target = review.querySelector('[data-key="Enter"]');
    else if (ev.key === "s" || ev.key === "S") target = review.querySelector('[data-key="s"]');
    if (target) { ev.preventDefault(); target.click(); }
  });

  // transcription of a name: known names for what is typed; Tab takes the first one
  const text = document.getElementById("review-text");
  const list = document.getElementById("suggestions");
  if (text && list && text.dataset.suggestUrl) {
    let asked = 0;
    const ask = async () => {
      const n = ++asked;
      const q = text.value.trim();
      if (!q) { list.replaceChildren(); list.dataset.ready = "0"; return; }
      try {
        const r = await fetch(`${text.dataset.suggestUrl}?q=${encodeURIComponent(q)}`,
                              {headers: {Accept: "application/json"}});
        const names = await r.json();
        if (n !== asked) return;  // a later keystroke already asked again
        list.replaceChildren(...names.map((k, i) => {
          const li = document.createElement("li");
          li.textContent = k.name;
          li.dataset.name = k.name;
          if (i === 0) li.className = "first";
          if (k.tax_code) {
            const s = document.createElement("small"); s.textContent = `MST ${k.tax_code}`; li.append(s);
          }
          li.addEventListener("mousedown", (e) => { e.preventDefault(); text.value = k.name; list.replaceChildren(); });
          return li;
        }));
        list.dataset.ready = String(n);
      } catch (e) { /* no suggestions this time: typing still works */ }
    };
    text.addEventListener("input", () => { list.dataset.ready = "0"; ask(); });
    text.addEventListener("keydown", (ev) => {
      if (ev.key === "Tab" && !ev.shiftKey && list.firstElementChild) {
        ev.preventDefault();
        text.value = list.firstElementChild.dataset.name;
        list.replaceChildren();
      }
    });
  }

  // transcription of a comment: the opinion group the classification rules give it
  const hintBox = document.getElementById("group-hint");
  if (text && hintBox && text.dataset.groupUrl) {
    let timer = 0;
    text.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        try {
          const r = await fetch(`${text.dataset.groupUrl}?text=${encodeURIComponent(text.value)}`,
                                {headers: {Accept: "application/json"}});
          const g = await r.json();
          hintBox.textContent = g.name ? `Nhóm ý kiến gợi ý: ${g.name} (${g.why})` : "";
        } catch (e) { /* the hint is optional */ }
      }, 300);
    });
  }

  // group verification: Enter writes the grid; arrows move between crops; on a crop, a digit
  // picks that option (single-choice chips: 1 = first option …; tick box: 1 ticked, 2 not),
  // Space flips a tick box. Focus sits on the crop's checked chip (or its tick box), so a
  // screen reader names the crop and the answer it will be saved with.
  const group = document.getElementById("group-form");
  if (group) {
    const cells = [...group.querySelectorAll(".cell")];
    const target = (cell) => cell.querySelector("input:checked") || cell.querySelector("input[type=checkbox], input[type=radio]");
    if (cells.length) target(cells[0]).focus();
    cells.forEach((cell) => cell.addEventListener("click", (ev) => {
      // a click on the crop of a choice row (not on a chip) only selects the crop
      if (cell.dataset.kind === "single" && !ev.target.closest(".chip")) target(cell).focus();
    }));
    document.addEventListener("keydown", (ev) => {
      if (group.dataset.sent || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (ev.key === "Enter") { ev.preventDefault(); group.requestSubmit(document.getElementById("group-accept")); return; }
      const cell = document.activeElement && document.activeElement.closest(".cell");
      const i = cells.indexOf(cell);
      if (i < 0) return;
      const step = {ArrowRight: 1, ArrowLeft: -1, ArrowDown: 2, ArrowUp: -2}[ev.key];
      if (step) {
        ev.preventDefault();  // not the radio group's own arrows: they would change the answer
        target(cells[Math.min(cells.length - 1, Math.max(0, i + step))]).focus();
        return;
      }
      if (!/^[1-9]$/.test(ev.key)) return;
      const n = Number(ev.key);
      if (cell.dataset.kind === "single") {
        const chip = cell.querySelectorAll("input[type=radio]")[n - 1];
        if (chip) { ev.preventDefault(); chip.checked = true; chip.focus(); }
      } else if (n <= 2) {
        ev.preventDefault();
        const box = cell.querySelector("input[type=checkbox]");
        box.checked = String(n === 1) !== cell.dataset.reading;  // checked = flipped
      }
    });
  }
});
