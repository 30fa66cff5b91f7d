// The map page's side of the QWebChannel bridge (see ui/map/bridge.py).
//
// Python pushes JSON strings through the bridge's sig_*_pushed signals; this
// script applies them to Leaflet layers in place, so pan and zoom survive every
// edit. User actions go back through the bridge's slots (order_clicked,
// orders_lassoed, pin_moved, ...). Texts shown in tooltips arrive already
// HTML-escaped from Python; names in the legend are set with textContent.
"use strict";

(function () {
  const TRANSPARENT_PIXEL =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
  const COLOR = /^#[0-9a-fA-F]{6}$/;
  const FAR_ZOOM = 12; // below this, stops shrink to dots without numbers
  const VERY_FAR_ZOOM = 11; // and below this, to small dots
  const DEPOT_SVG =
    '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">' +
    '<path fill="currentColor" d="M12 3 2 8v13h4v-9h12v9h4V8L12 3zm-4 11h8v2H8v-2z' +
    'm0 4h8v3H8v-3z"/></svg>';

  const map = L.map("map", {
    boxZoom: false, // Shift+drag selects orders instead of zooming
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    wheelPxPerZoomLevel: 90,
  }).setView([45.76, 4.84], 11);
  for (const [name, z] of [["routes", 410], ["stops", 620], ["depots", 640], ["lasso", 660]]) {
    map.createPane(name).style.zIndex = String(z);
  }
  map.getPane("lasso").style.pointerEvents = "none";

  const routeLayer = L.layerGroup().addTo(map);
  const orderLayer = L.layerGroup().addTo(map);
  const depotLayer = L.layerGroup().addTo(map);
  const orders = new Map(); // order id -> {marker, data}
  const routes = new Map(); // vehicle id -> {casing, line, data}
  let selected = new Set();
  let pinMode = false;
  let tiles = null;
  let bridge = null;

  // ---- small helpers ---------------------------------------------------
  const safeColor = (c, fallback) => (COLOR.test(String(c)) ? c : fallback);

  // How long the latest pushes took here: parsing and applying them, and
  // until the frame after the one that painted them (for benchmarks).
  const timings = [];
  let received = 0;

  function painted(seq) {
    const applied = performance.now();
    // Two frames: the first runs before layout/paint, the second after it.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        timings.push({ seq, apply: applied - received, paint: performance.now() - applied });
        if (timings.length > 50) timings.shift();
        if (bridge) bridge.painted(String(seq));
      }),
    );
  }

  function updateZoomClass() {
    const container = map.getContainer();
    container.classList.toggle("zoom-far", map.getZoom() < FAR_ZOOM);
    container.classList.toggle("zoom-very-far", map.getZoom() < VERY_FAR_ZOOM);
  }
  map.on("zoomend", updateZoomClass);
  updateZoomClass();

  // ---- tiles -------------------------------------------------------------
  const tileNote = L.DomUtil.create("div", "tile-note", map.getContainer());
  tileNote.textContent = "Map tiles unavailable: showing a plain background";

  function setTiles(cfg) {
    if (tiles) {
      tiles.remove();
      tiles = null;
    }
    tileNote.classList.remove("shown");
    if (!cfg || !cfg.url) return;
    let loaded = 0;
    tiles = L.tileLayer(cfg.url, {
      maxZoom: cfg.maxZoom || 19,
      attribution: cfg.attribution || "",
      errorTileUrl: TRANSPARENT_PIXEL, // no broken-image icons when offline
      crossOrigin: false,
    });
    tiles.on("tileload", () => {
      loaded += 1;
      tileNote.classList.remove("shown");
    });
    tiles.on("tileerror", () => {
      if (!loaded) tileNote.classList.add("shown");
    });
    tiles.addTo(map);
  }

  // ---- depots ------------------------------------------------------------
  function setDepots(list) {
    depotLayer.clearLayers();
    for (const d of list) {
      const icon = L.divIcon({
        className: "depot",
        html: '<div class="pin">' + DEPOT_SVG + "</div>",
        iconSize: [28, 28],
      });
      L.marker([d.lat, d.lon], { icon, pane: "depots", keyboard: false })
        .bindTooltip(d.tip, { direction: "top", offset: [0, -14], className: "tip" })
        .addTo(depotLayer);
    }
  }

  // ---- routes ------------------------------------------------------------
  function removeRoute(vehicle) {
    const found = routes.get(vehicle);
    if (!found) return;
    for (const layer of found.layers) routeLayer.removeLayer(layer);
    routes.delete(vehicle);
  }

  function upsertRoute(r) {
    const found = routes.get(r.vehicle);
    if (found && JSON.stringify(found.data) === JSON.stringify(r)) return;
    removeRoute(r.vehicle);
    const path = r.path || [];
    if (path.length < 2) return;
    const color = safeColor(r.color, "#5f6b7a");
    // Legs to and from the depot are drawn light and dashed, so the order of
    // the stops (the solid part) stands out where routes overlap.
    const [fromDepot, toDepot] = r.legs || [false, false];
    const body = path.slice(fromDepot ? 1 : 0, toDepot ? path.length - 1 : path.length);
    const legs = [];
    if (fromDepot) legs.push(path.slice(0, 2));
    if (toDepot) legs.push(path.slice(-2));
    const layers = [];
    const className = "route v" + Number(r.vehicle);
    if (legs.length) {
      layers.push(L.polyline(legs, {
        pane: "routes", color, weight: 2.5, opacity: 0.7, dashArray: "1 6", lineCap: "round",
        className,
      }));
    }
    if (body.length > 1) {
      layers.push(L.polyline(body, {
        pane: "routes", color: "#ffffff", weight: 6.5, opacity: 0.85, interactive: false,
        className,
      }));
      layers.push(L.polyline(body, {
        pane: "routes", color, weight: 3.5, opacity: 0.95, lineJoin: "round", className,
      }));
    }
    for (const layer of layers) {
      if (layer.options.interactive !== false) {
        layer.bindTooltip(r.tip, { sticky: true, className: "tip" });
        layer.on("click", (e) => {
          L.DomEvent.stop(e);
          if (bridge) bridge.route_clicked(String(r.vehicle));
        });
        layer.on("mouseover", () => focusRoute(r.vehicle));
        layer.on("mouseout", () => focusRoute(null));
      }
      layer.addTo(routeLayer);
    }
    routes.set(r.vehicle, { layers, data: r });
  }

  // Hovering a route (its line or legend row) fades the others: on a day of
  // forty routes that is the quickest way to see one of them.
  const focusStyle = document.createElement("style");
  document.head.appendChild(focusStyle);

  function focusRoute(vehicle) {
    const v = Number(vehicle);
    focusStyle.textContent =
      vehicle === null || !Number.isInteger(v)
        ? ""
        : `.leaflet-container .route:not(.v${v}) { opacity: 0.12; }
           .leaflet-container .stop:not(.v${v}):not(.selected) { opacity: 0.3; }
           .legend-row.v${v} { background: #eef2f7; }`;
  }

  // ---- orders ------------------------------------------------------------
  // Leaflet places markers with translate3d(), which makes every marker a
  // compositing layer of its own; with software rendering a 2,000-stop day
  // then spends most of each frame compositing them. Stops are placed with
  // the 2D "translate" property instead: they are painted with the rest of
  // the marker pane, and an edit repaints only what it touched. It applies
  // after the style sheet's transform, so a dot scales about its own middle.
  // A pin being dragged is placed by Leaflet's translate3d() alone (see
  // onOrderDragStart); the next placement clears that again.
  const StopMarker = L.Marker.extend({
    _setPos(pos) {
      const icon = this._icon;
      if (icon) {
        icon._leaflet_pos = pos; // what L.DomUtil.getPosition reads (dragging)
        icon.style.transform = "";
        icon.style.translate = `${pos.x}px ${pos.y}px`;
      }
      this._zIndex = pos.y + this.options.zIndexOffset;
      this._resetZIndex();
    },
  });

  // One element per stop, the dot itself (half the DOM of a wrapper and a dot,
  // and about a quarter less to paint on a 2,000-stop day), reused in place
  // when the stop changes.
  const StopIcon = L.DivIcon.extend({
    createIcon(old) {
      const o = this.options.stop;
      const el = old && old.tagName === "DIV" ? old : document.createElement("div");
      el.textContent = o.vehicle === null || o.seq === null ? "" : String(o.seq);
      el.style.backgroundColor = o.vehicle === null ? "" : safeColor(o.color, "#5f6b7a");
      el.style.borderColor = o.vehicle === null ? safeColor(o.color, "#697386") : "";
      el.style.color = o.vehicle === null ? "" : safeColor(o.text, "#ffffff");
      this._setIconStyles(el, "icon");
      return el;
    },
  });

  function orderIcon(o) {
    const classes = ["stop", "dot"];
    if (o.vehicle === null) classes.push("unassigned");
    else classes.push("v" + Number(o.vehicle));
    if (o.late) classes.push("late");
    if (selected.has(o.id)) classes.push("selected");
    const size = o.vehicle === null ? 16 : 22;
    return new StopIcon({ className: classes.join(" "), stop: o, iconSize: [size, size] });
  }

  function onOrderClick(e) {
    L.DomEvent.stop(e);
    if (!bridge) return;
    const id = String(e.target.options.orderId);
    const ev = e.originalEvent;
    if (ev && (ev.ctrlKey || ev.metaKey)) bridge.order_toggled(id);
    else bridge.order_clicked(id);
  }

  function onOrderDragStart(e) {
    e.target.getElement().style.translate = "";
  }

  function onOrderDragEnd(e) {
    const p = e.target.getLatLng();
    const id = e.target.options.orderId;
    if (bridge) bridge.pin_moved(JSON.stringify({ id, lat: p.lat, lon: p.lng }));
  }

  function upsertOrder(o) {
    const found = orders.get(o.id);
    if (found) {
      // Touch the DOM only for what changed: a reload of the same day then
      // costs next to nothing, and an edit repaints only the moved stops.
      const old = found.data;
      found.data = o;
      const at = found.marker.getLatLng(); // may differ from old data mid-drag
      if (at.lat !== o.lat || at.lng !== o.lon) found.marker.setLatLng([o.lat, o.lon]);
      if (["vehicle", "seq", "color", "text", "late"].some((k) => old[k] !== o[k])) {
        found.marker.setIcon(orderIcon(o));
        found.restyled += 1;
        found.marker.setZIndexOffset(selected.has(o.id) ? 1000 : o.vehicle === null ? 500 : 0);
      }
      if (old.tip !== o.tip) found.marker.setTooltipContent(o.tip);
      return;
    }
    const marker = new StopMarker([o.lat, o.lon], {
      icon: orderIcon(o),
      pane: "stops",
      keyboard: false,
      orderId: o.id,
      draggable: pinMode,
      autoPan: true,
      zIndexOffset: o.vehicle === null ? 500 : 0,
    });
    marker.bindTooltip(o.tip, { direction: "top", offset: [0, -11], className: "tip" });
    marker.on("click", onOrderClick);
    marker.on("dragstart", onOrderDragStart);
    marker.on("dragend", onOrderDragEnd);
    marker.addTo(orderLayer);
    orders.set(o.id, { marker, data: o, restyled: 0 });
  }

  function removeOrder(id) {
    const found = orders.get(id);
    if (!found) return;
    orderLayer.removeLayer(found.marker);
    orders.delete(id);
    selected.delete(id);
  }

  // ---- legend --------------------------------------------------------------
  const Legend = L.Control.extend({
    options: { position: "topright" },
    onAdd() {
      const div = L.DomUtil.create("div", "map-legend");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      this._div = div;
      return div;
    },
    update(data) {
      // Most edits change no legend row: leave its DOM alone then.
      const key = JSON.stringify(data);
      if (key === this._key) return;
      this._key = key;
      const div = this._div;
      div.replaceChildren();
      const title = L.DomUtil.create("div", "legend-title", div);
      title.textContent = "Routes";
      title.title = "Show or hide the legend";
      title.addEventListener("click", () => {
        this._collapsed = !div.classList.contains("collapsed");
        div.classList.toggle("collapsed", this._collapsed);
      });
      // Until the user opens or closes it, the legend starts closed on a small map.
      const collapsed = this._collapsed ?? map.getSize().x < 640;
      div.classList.toggle("collapsed", collapsed);
      const list = L.DomUtil.create("div", "legend-list", div);
      for (const r of data.routes) {
        const row = L.DomUtil.create("div", "legend-row v" + Number(r.vehicle), list);
        row.title = "Select the stops of this route";
        const swatch = L.DomUtil.create("span", "swatch", row);
        swatch.style.setProperty("--c", safeColor(r.color, "#5f6b7a"));
        L.DomUtil.create("span", "legend-name", row).textContent = r.name;
        L.DomUtil.create("span", "legend-count", row).textContent = String(r.stops);
        row.addEventListener("click", () => bridge && bridge.route_clicked(String(r.vehicle)));
        row.addEventListener("mouseenter", () => focusRoute(r.vehicle));
        row.addEventListener("mouseleave", () => focusRoute(null));
      }
      const extra = L.DomUtil.create("div", "legend-extra", div);
      const unassigned = L.DomUtil.create("div", "legend-row static", extra);
      L.DomUtil.create("span", "swatch hollow", unassigned);
      L.DomUtil.create("span", "legend-name", unassigned).textContent = "Unassigned";
      L.DomUtil.create("span", "legend-count", unassigned).textContent = String(data.unassigned);
      const depot = L.DomUtil.create("div", "legend-row static", extra);
      L.DomUtil.create("span", "swatch depot-swatch", depot);
      L.DomUtil.create("span", "legend-name", depot).textContent = "Depot";
      const hint = L.DomUtil.create("div", "legend-hint", div);
      hint.textContent = "Shift+drag: select an area";
    },
  });
  const legend = new Legend();
  legend.addTo(map);
  legend.update({ routes: [], unassigned: 0 });

  // ---- whole state and changes ---------------------------------------------
  // Until the user pans or zooms, the map keeps the whole day in view, also
  // when its dock is resized; the open legend's width is kept clear.
  let autoFit = false;
  function fitAll() {
    const points = [];
    for (const { data } of orders.values()) points.push([data.lat, data.lon]);
    depotLayer.eachLayer((m) => points.push(m.getLatLng()));
    if (points.length) {
      const legendDiv = document.querySelector(".map-legend");
      const legendOpen = legendDiv && !legendDiv.classList.contains("collapsed");
      const right = 36 + (legendOpen ? legendDiv.offsetWidth : 0);
      map.fitBounds(L.latLngBounds(points), {
        paddingTopLeft: [36, 36],
        paddingBottomRight: [right, 36],
        maxZoom: 15,
        animate: false,
      });
      autoFit = true;
    }
  }
  for (const type of ["mousedown", "wheel", "touchstart", "keydown"]) {
    map.getContainer().addEventListener(type, () => { autoFit = false; }, { passive: true });
  }
  map.on("resize", () => { if (autoFit) fitAll(); });

  function setState(s) {
    const keepOrders = new Set(s.orders.map((o) => o.id));
    for (const id of [...orders.keys()]) if (!keepOrders.has(id)) removeOrder(id);
    const keepRoutes = new Set(s.routes.map((r) => r.vehicle));
    for (const v of [...routes.keys()]) if (!keepRoutes.has(v)) removeRoute(v);
    setDepots(s.depots);
    for (const r of s.routes) upsertRoute(r);
    for (const o of s.orders) upsertOrder(o);
    selected = new Set([...selected].filter((id) => orders.has(id)));
    legend.update(s.legend);
    if (s.fit) fitAll();
    painted(s.seq);
  }

  function applyChanges(c) {
    for (const r of c.routes) upsertRoute(r);
    for (const id of c.removedOrders) removeOrder(id);
    for (const o of c.orders) upsertOrder(o);
    legend.update(c.legend);
    painted(c.seq);
  }

  // ---- selection and focus -------------------------------------------------
  function setSelected(id, on) {
    const found = orders.get(id);
    if (!found) return;
    const el = found.marker.getElement();
    if (el) el.classList.toggle("selected", on);
    found.marker.setZIndexOffset(on ? 1000 : found.data.vehicle === null ? 500 : 0);
  }

  function setSelection(msg) {
    const next = new Set(msg.ids.filter((id) => orders.has(id)));
    for (const id of selected) if (!next.has(id)) setSelected(id, false);
    for (const id of next) if (!selected.has(id)) setSelected(id, true);
    selected = next;
    if (msg.pan && next.size) bringIntoView([...next]);
  }

  function bringIntoView(ids) {
    const points = ids.map((id) => orders.get(id).marker.getLatLng());
    const view = map.getBounds().pad(-0.1);
    if (points.every((p) => view.contains(p))) return;
    if (points.length === 1) map.panTo(points[0]);
    else map.fitBounds(L.latLngBounds(points), { padding: [48, 48], maxZoom: map.getZoom() });
  }

  function focusOrder(msg) {
    const found = orders.get(msg.id);
    if (found) map.panTo(found.marker.getLatLng());
  }

  // ---- moving pins ---------------------------------------------------------
  const banner = L.DomUtil.create("div", "banner", map.getContainer());
  banner.textContent = "Move pins: drag a stop to its customer's correct place";

  function setPinMode(msg) {
    pinMode = Boolean(msg.on);
    map.getContainer().classList.toggle("pin-mode", pinMode);
    for (const { marker } of orders.values()) {
      if (pinMode) marker.dragging.enable();
      else marker.dragging.disable();
    }
  }

  function revertPin(msg) {
    const found = orders.get(msg.id);
    if (found) found.marker.setLatLng([found.data.lat, found.data.lon]);
  }

  // ---- box selection (Shift+drag) ------------------------------------------
  let lasso = null;
  const container = map.getContainer();

  container.addEventListener(
    "mousedown",
    (ev) => {
      if (!ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      ev.stopPropagation(); // keep Leaflet from starting a pan
      map.dragging.disable();
      const start = map.mouseEventToLatLng(ev);
      lasso = {
        start,
        x: ev.clientX,
        y: ev.clientY,
        rect: L.rectangle(L.latLngBounds(start, start), {
          pane: "lasso", color: "#1f2933", weight: 1.5, dashArray: "5 4",
          fillColor: "#0072b2", fillOpacity: 0.08, interactive: false,
        }).addTo(map),
      };
    },
    true,
  );

  document.addEventListener("mousemove", (ev) => {
    if (!lasso) return;
    lasso.rect.setBounds(L.latLngBounds(lasso.start, map.mouseEventToLatLng(ev)));
  });

  function endLasso(ev, cancelled) {
    if (!lasso) return;
    const { rect, x, y } = lasso;
    lasso = null;
    map.removeLayer(rect);
    map.dragging.enable();
    if (cancelled || Math.abs(ev.clientX - x) + Math.abs(ev.clientY - y) < 6) return;
    const bounds = rect.getBounds();
    const ids = [];
    for (const [id, { marker }] of orders) if (bounds.contains(marker.getLatLng())) ids.push(id);
    if (ids.length && bridge) {
      const box = container.getBoundingClientRect();
      bridge.orders_lassoed(
        JSON.stringify({ ids, x: ev.clientX - box.left, y: ev.clientY - box.top }),
      );
    }
  }
  document.addEventListener("mouseup", (ev) => endLasso(ev, false));
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") endLasso(ev, true);
  });

  map.on("click", () => bridge && bridge.background_clicked());

  // ---- introspection for tests and tools ------------------------------------
  window.dispatcherMap = {
    map,
    describeOrder(id) {
      const found = orders.get(id);
      if (!found) return null;
      const el = found.marker.getElement();
      const dot = el; // the stop's one element is its dot
      const style = dot ? getComputedStyle(dot) : null;
      const p = found.marker.getLatLng();
      return {
        id,
        vehicle: found.data.vehicle,
        seq: found.data.seq,
        text: dot ? dot.textContent : null,
        background: style ? style.backgroundColor : null,
        border: style ? style.borderTopColor : null,
        selected: el ? el.classList.contains("selected") : false,
        draggable: Boolean(found.marker.dragging && found.marker.dragging.enabled()),
        restyled: found.restyled, // times an edit redrew it
        lat: p.lat,
        lon: p.lng,
        point: map.latLngToContainerPoint(p),
      };
    },
    describe() {
      const r = {};
      for (const [v, { data }] of routes) r[v] = data.path.length;
      return {
        orders: orders.size,
        routes: r,
        depots: depotLayer.getLayers().length,
        legend: [...document.querySelectorAll(".legend-list .legend-name")].map((n) => n.textContent),
        selected: [...selected],
        zoom: map.getZoom(),
        center: map.getCenter(),
      };
    },
    focusRoute,
    timings() {
      return timings.slice();
    },
    marker(id) {
      const found = orders.get(id);
      return found ? found.marker : null;
    },
    showTooltip(id) {
      const found = orders.get(id);
      if (!found) return null;
      found.marker.openTooltip();
      const el = found.marker.getTooltip().getElement();
      return { text: el.textContent, elements: [...el.querySelectorAll("*")].map((e) => e.tagName) };
    },
  };

  // ---- the channel -----------------------------------------------------------
  function connect(signal, handler) {
    signal.connect((json) => {
      received = performance.now();
      handler(JSON.parse(json));
    });
  }

  new QWebChannel(qt.webChannelTransport, (channel) => {
    bridge = channel.objects.bridge;
    connect(bridge.sig_config_pushed, (cfg) => setTiles(cfg.tiles));
    connect(bridge.sig_state_pushed, setState);
    connect(bridge.sig_changes_pushed, applyChanges);
    connect(bridge.sig_selection_pushed, setSelection);
    connect(bridge.sig_focus_pushed, focusOrder);
    connect(bridge.sig_pin_mode_pushed, setPinMode);
    connect(bridge.sig_pin_reverted, revertPin);
    bridge.ready();
  });
})();
