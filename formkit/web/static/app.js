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

  // review: 1, 2, 3 … choose; Enter agrees with the machine; S skips; Ctrl+Enter saves text
  const review = document.getElementById("review-form");
  if (review) document.addEventListener("keydown", (ev) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(ev.target.tagName);
    if (typing && !(ev.key === "Enter" && ev.ctrlKey)) return;
    if (ev.altKey || ev.metaKey || review.dataset.sent) return;
    let target = null;
    if (ev.key === "Enter" && ev.ctrlKey) target = review.querySelector("button.primary");
    else if (/^[1-9]$/.test(ev.key)) target = review.querySelector(`[data-key="${ev.key}"]`);
    else if (ev.key === "Enter") target = review.querySelector('[data-key="Enter"]');
    else if (ev.key === "s" || ev.key === "S") target = review.querySelector('[data-key="s"]');
    if (target) { ev.preventDefault(); target.click(); }
  });
});
