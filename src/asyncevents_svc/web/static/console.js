// The console's only script: "select all" boxes, confirmation before destructive buttons,
// and times in the browser's time zone.
"use strict";
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  const form = box.closest("form");
  if (!form) return;
  for (const other of form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)) {
    other.checked = box.checked;
  }
});
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
  if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
});
// Times: the server writes <time datetime="…Z" title="… UTC">… UTC</time>; here they read in
// the browser's own time zone, its name shown ("2026-12-03 20:45:28 GMT+9"), UTC on hover.
const LOCAL_TIME = new Intl.DateTimeFormat("en-CA", {
  year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short",
});
function localTime(element) {
  const moment = new Date(element.getAttribute("datetime"));
  if (Number.isNaN(moment.getTime())) return;
  const part = {};
  for (const { type, value } of LOCAL_TIME.formatToParts(moment)) part[type] = value;
  element.textContent =
    `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}
for (const element of document.querySelectorAll("time[datetime]")) localTime(element);
