// Doers on the map: one marker per municipality centre listing its cases; ?case=<slug> focuses
// the marker holding that case and opens its popup. Works offline (tiles only when configured).
(function () {
  const el = document.getElementById("doers-map");
  if (!el) return;
  const status = document.getElementById("map-status");
  const map = L.map(el, { zoomSnap: 0.25 }).setView(
    [parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLon)], parseInt(el.dataset.zoom, 10));
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  }
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  fetch(el.dataset.geojson).then((r) => r.json()).then((data) => {
    let focused = null;
    const layer = L.geoJSON(data, {
      pointToLayer: (f, latlng) => L.marker(latlng, { icon: L.divIcon({
        className: "case-marker" + (f.properties.focus ? " focus" : ""), html: f.properties.count > 1 ? String(f.properties.count) : "■",
        iconSize: [18, 18] }), title: f.properties.municipality }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        const items = p.cases.map((c) => `<li data-slug="${esc(c.slug)}"><a href="${esc(c.url)}">${esc(c.title)}</a>${c.organisation ? " · " + esc(c.organisation) : ""}</li>`).join("");
        const more = p.count > p.cases.length ? `<br>… +${p.count - p.cases.length}` : "";
        l.bindPopup(`<strong>${esc(p.municipality)}</strong> (${p.count})<ul class="popup-cases">${items}</ul>${more}`);
        if (p.focus) focused = l;
      },
    }).addTo(map);
    if (focused) {
      map.setView(focused.getLatLng(), 11);
      focused.openPopup();
    } else if (data.features.length) {
      map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 11 });
    }
    el.dataset.loaded = String(data.features.length);
    status.textContent = `${data.features.length}`;
  }).catch((e) => { status.textContent = "Map data could not be loaded: " + e; });
})();
