// Exchange insight: accepted deals as lines between municipalities, width by quantity.
(function () {
  const el = document.getElementById("flows");
  if (!el) return;
  const flows = JSON.parse(el.textContent);
  const map = L.map("flow-map", { zoomSnap: 0.25 }).setView([51.05, 4.3], 8);
  const max = Math.max(1, ...flows.map((f) => f.quantity));
  flows.forEach((f) => L.polyline([[f.from_lat, f.from_lon], [f.to_lat, f.to_lon]], {
    color: "#1f7a4d", weight: 1 + 6 * f.quantity / max, opacity: 0.7, className: "flow-line",
  }).bindPopup(`${f.material}: ${f.from} → ${f.to}, ${f.quantity.toLocaleString(document.documentElement.lang || "nl")} ${f.unit_label}`).addTo(map));
})();
