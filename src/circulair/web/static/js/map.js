// Map of municipalities (circle markers sized by population) and cases (squares).
// Works offline: background tiles are added only when a tile URL is configured.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const status = document.getElementById("map-status");
  const map = L.map(el, { preferCanvas: false, zoomSnap: 0.25 }).setView(
    [parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLon)], parseInt(el.dataset.zoom, 10));
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  }
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  Promise.all([fetch(el.dataset.municipalities).then((r) => r.json()), fetch(el.dataset.cases).then((r) => r.json())])
    .then(([muns, cases]) => {
      const layer = L.geoJSON(muns, {
        pointToLayer: (f, latlng) => L.circleMarker(latlng, {
          radius: Math.max(3, Math.sqrt((f.properties.population || 0) / 1500)),
          color: f.properties.central_city ? "#145536" : "#1f7a4d", weight: f.properties.central_city ? 3 : 1,
          fillColor: "#7fb069", fillOpacity: 0.6, className: "municipality-marker",
        }),
        onEachFeature: (f, l) => l.bindPopup(`<strong>${esc(f.properties.name)}</strong><br>REFNIS ${esc(f.properties.refnis)}<br>${esc(f.properties.arrondissement)} · ${esc(f.properties.province)}<br>${esc(f.properties.population)}`),
      }).addTo(map);
      L.geoJSON(cases, {
        pointToLayer: (f, latlng) => L.marker(latlng, { icon: L.divIcon({ className: "case-marker", html: "■", iconSize: [14, 14] }) }),
        onEachFeature: (f, l) => l.bindPopup(`<a href="${esc(f.properties.url)}">${esc(f.properties.name)}</a><br>${esc(f.properties.organisation)} · ${esc(f.properties.municipality)}`),
      }).addTo(map);
      if (muns.features.length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      el.dataset.loaded = String(muns.features.length);
      status.textContent = `${muns.features.length} · ${cases.features.length}`;
    })
    .catch((e) => { status.textContent = "Map data could not be loaded: " + e; });
})();
