// Map of an atlas run: facilities as circles sized by area (m²), assignment lines for siting runs.
(function () {
  const el = document.getElementById("atlas-map");
  const data = JSON.parse(document.getElementById("atlas-result").textContent);
  if (!el || !data) return;
  const map = L.map(el, { zoomSnap: 0.25 }).setView([51.05, 4.3], 8);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const fac = {};
  const group = [];
  let markers = 0;
  (data.facilities || []).forEach((f) => { const k = f.id || f.refnis; if (k) fac[k] = f; });
  (data.assignments || []).forEach((a) => {
    const to = fac[a.to];
    if (to) group.push(L.polyline([[a.from_lat, a.from_lon], [to.lat, to.lon]], { color: "#7fb069", weight: 1, opacity: 0.7, className: "assignment-line" }).addTo(map));
  });
  (data.facilities || []).forEach((f) => {
    if (f.lat === null || f.lat === undefined) return;
    const m2 = f.m2 || 10000;
    const c = L.circleMarker([f.lat, f.lon], {
      radius: Math.max(5, Math.sqrt(m2 * (f.count || 1)) / 12), color: "#145536", weight: 2,
      fillColor: f.size === "small" ? "#7fb069" : "#1f7a4d", fillOpacity: 0.7, className: "facility-marker",
    }).bindPopup(`<strong>${esc(f.unit_name || f.municipality)}</strong><br>${esc(f.municipality)}<br>${esc(f.count)} × ${esc(f.m2_each || f.m2 || "")} m²${f.served !== undefined ? "<br>served: " + esc(f.served) : ""}`);
    c.addTo(map); group.push(c); markers += 1;
  });
  if (group.length) map.fitBounds(L.featureGroup(group).getBounds(), { padding: [30, 30] });
  el.dataset.facilities = String(markers);
})();
