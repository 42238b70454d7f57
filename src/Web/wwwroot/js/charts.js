// Thin layer between the Blazor Chart component and plotly.js. The server sends downsampled series as binary
// (Float32/Float64 bytes); the points stay here, so smoothing, log scale and appends need no round trip.
window.dashboardCharts = (() => {
    // plotly.js is big: the full bundle is 4.8 MB of script, and compiling and running it took 8-16 s in a fresh
    // Chromium profile (what a review link's visitor has) on a loaded 2-core machine. As a plain <script> ahead of
    // blazor.web.js it also held back the circuit's start, and so every chart. So it loads asynchronously (at once
    // when the prerendered page has charts, else at the first draw) and as the basic bundle (scatter traces, 1.2 MB),
    // which draws every line chart; the full bundle comes only for what needs it (parallel coordinates, WebGL lines).
    // An element keeps the plotly that drew it: a chart drawn by the basic bundle is purged before the full one redraws it.
    const bundles = {
        basic: { url: document.currentScript?.dataset.plotlyBasic || "lib/plotly/plotly-basic.min.js", loading: null },
        full: { url: document.currentScript?.dataset.plotly || "lib/plotly/plotly.min.js", loading: null },
    };
    function plotly(full) {
        // Once the full bundle is on its way it serves everything; the basic one serves line charts only.
        return load(full || bundles.full.loading ? bundles.full : bundles.basic);
    }
    function load(bundle) {
        return bundle.loading ??= new Promise((resolve, reject) => {
            const script = document.createElement("script");
            script.src = bundle.url;
            script.async = true;
            script.onload = () => resolve(window.Plotly);
            script.onerror = () => { bundle.loading = null; reject(new Error(`Could not load ${bundle.url}`)); };
            document.head.appendChild(script);
        });
    }
    function react(Plotly, element, data, layout, config) {
        if (element._plotly && element._plotly !== Plotly) element._plotly.purge(element);
        element._plotly = Plotly;
        return Plotly.react(element, data, layout, config);
    }
    // Starts loading the bundle a page's charts will need, once it shows them or says they are coming
    // (data-charts-soon: a live run with no points yet, whose first point would otherwise wait for plotly).
    function preload() {
        if (bundles.basic.loading || bundles.full.loading) return true;
        if (document.querySelector("[data-testid=parcoords]")) plotly(true);
        else if (document.querySelector(".chart, [data-charts-soon]")) plotly(false);
        else return false;
        return true;
    }
    // A page that brought its own plotly (the browser benchmark) uses it for everything.
    if (window.Plotly) bundles.full.loading = Promise.resolve(window.Plotly);
    else if (!preload()) {
        // Pages reached over the circuit (no new document) get their charts later: watch until some appear.
        const watch = new MutationObserver(() => { if (preload()) watch.disconnect(); });
        watch.observe(document.documentElement, { childList: true, subtree: true });
    }

    // WebGL draws big charts fast on a real GPU, but a browser without one (a VM, a remote desktop, headless
    // Chromium) emulates it in software, 10× slower than SVG for 50 lines of 2,000 points. So: SVG unless the
    // GPU is real and the chart big. window.dashboardChartsGl (true/false) overrides, for measurements.
    // Asked once, at the first big chart: making a WebGL context is itself slow where it is emulated.
    let hardwareGlKnown;
    const hardwareGl = () => hardwareGlKnown ??= (() => {
        try {
            const gl = document.createElement("canvas").getContext("webgl");
            if (!gl) return false;
            const info = gl.getExtension("WEBGL_debug_renderer_info");
            const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
            return !/swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
        } catch { return false; }
    })();
    const traceType = points => (window.dashboardChartsGl ?? (points > 20000 && hardwareGl())) ? "scattergl" : "scatter";
    const palette = ["#4f6bed", "#e8743b", "#19a979", "#ed4a7b", "#945ecf", "#13a4b4", "#525df4", "#bf399e", "#6c8893", "#ee6868"];

    function withAlpha(color, alpha) {
        const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color || "");
        return m ? `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})` : color;
    }

    function decode(bytes, bits) {
        if (!bytes || bytes.length === 0) return [];
        const copy = bytes.slice(); // own, aligned buffer
        return Array.from(bits === 32 ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer));
    }

    function layoutOf(l, revision, legend) {
        return {
            title: l.title ? { text: l.title, font: { size: 14 } } : undefined,
            margin: { l: 56, r: 16, t: (l.title ? 36 : 12) + (legend ? 22 : 0), b: 44 },
            xaxis: { title: { text: l.xTitle || "" }, type: l.logX ? "log" : (l.xType || "linear"), gridcolor: "#eef0f4", zeroline: false },
            // automargin: a metric that moves in its 7th digit (mHC's gain proxy) has long tick labels, clipped otherwise.
            yaxis: { title: { text: l.yTitle || "" }, type: l.logY ? "log" : "linear", gridcolor: "#eef0f4", zeroline: false,
                     hoverformat: ".6~g", automargin: true },
            // Above the plot, so long run names never collide with the x axis title.
            showlegend: legend, legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size: 11 } },
            paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
            font: { family: "Inter, system-ui, sans-serif", size: 12, color: "#2b2f38" },
            hovermode: l.hoverMode || "closest",
            // Zoom survives live appends; a change of axis type resets it.
            uirevision: `${l.logY}|${l.logX}|${l.xType}|${l.xTitle}`,
            datarevision: revision,
        };
    }

    // TensorBoard's debiased exponential moving average; non-finite points leave gaps and do not poison it.
    function smoothInto(t, weight, from) {
        if (from === 0) { t.ema = { last: 0, n: 0 }; t.sy = []; }
        for (let i = from; i < t.y.length; i++) {
            const v = t.y[i];
            if (!Number.isFinite(v)) { t.sy.push(v); continue; }
            t.ema.last = t.ema.last * weight + (1 - weight) * v;
            t.ema.n++;
            t.sy.push(t.ema.last / (1 - Math.pow(weight, t.ema.n)));
        }
    }

    function build(state) {
        // A legend of dozens of runs buries the chart; then hover names the line (and the page has a ranking).
        const s = state.smoothing, many = state.layout.showLegend ?? (state.traces.length > 1 && state.traces.length <= 8);
        const type = traceType(state.traces.reduce((n, t) => n + t.x.length, 0));
        const data = state.traces.map((t, i) => {
            const color = t.color || palette[i % palette.length];
            if (t.fill !== undefined && t.fill !== null || t.lineWidth === 0) {
                // A band edge (charts across seeds): no line of its own, shaded down to the edge before it.
                return {
                    type: "scatter", name: t.name, x: t.x, y: t.y, mode: "lines", legendgroup: t.group || "g" + i,
                    line: { color, width: 0 }, fill: t.fill || "none", fillcolor: withAlpha(color, t.fillOpacity ?? 0.2),
                    showlegend: false, hoverinfo: "skip",
                };
            }
            return {
                type, name: t.name, x: t.x, y: t.y, mode: t.mode || "lines", legendgroup: t.group || "g" + i,
                line: { color, width: t.lineWidth ?? (s > 0 ? 1 : 1.6) }, marker: { color, size: 6 }, opacity: s > 0 ? 0.25 : 1,
                showlegend: (t.inLegend ?? many) && s === 0, hoverinfo: s > 0 ? "skip" : undefined,
                text: t.text || undefined,
            };
        });
        if (s > 0) state.traces.forEach((t, i) => {
            const color = t.color || palette[i % palette.length];
            data.push({ type, name: t.name, x: t.x, y: t.sy, mode: t.mode || "lines", legendgroup: "g" + i,
                        line: { color, width: 1.8 }, marker: { color, size: 6 }, showlegend: many });
        });
        return data;
    }

    // Blazor awaits the promise: a page's next live update waits until this one is drawn. Calls made while plotly
    // loads queue behind it in order, and each draws the element's state as it is by then.
    function draw(element) {
        const points = state => state.traces.reduce((n, t) => n + t.x.length, 0);
        return plotly(traceType(points(element._dashboard)) === "scattergl").then(Plotly => {
            const state = element._dashboard;
            if (!state) return;
            state.revision++;
            const legend = state.layout.showLegend ?? (state.traces.length > 1 && state.traces.length <= 8);
            const drawn = react(Plotly, element, build(state), layoutOf(state.layout, state.revision, legend), { responsive: true, displaylogo: false, displayModeBar: "hover", modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] });
            element.setAttribute("data-points", String(state.traces.reduce((n, t) => n + t.x.length, 0)));
            return drawn;
        });
    }

    return {
        render(element, traces, layout, smoothing) {
            if (!element) return;
            const state = {
                traces: traces.map(t => ({ name: t.name, mode: t.mode, color: t.color, x: decode(t.x, t.xBits), y: decode(t.y, 64),
                                           fill: t.fill, fillOpacity: t.fillOpacity, lineWidth: t.lineWidth, inLegend: t.inLegend,
                                           group: t.group, text: t.text })),
                layout, smoothing: smoothing || 0, revision: element._dashboard ? element._dashboard.revision : 0,
            };
            if (state.smoothing > 0) state.traces.forEach(t => smoothInto(t, state.smoothing, 0));
            element._dashboard = state;
            return draw(element);
        },
        extend(element, indexes, xs, ys, xBits) {
            const state = element && element._dashboard;
            if (!state) return;
            indexes.forEach((index, k) => {
                const t = state.traces[index];
                if (!t) return;
                const from = t.y.length;
                for (const v of decode(xs[k], xBits)) t.x.push(v);
                for (const v of decode(ys[k], 64)) t.y.push(v);
                if (state.smoothing > 0) smoothInto(t, state.smoothing, from);
            });
            return draw(element);
        },
        relayout(element, layout) {
            const state = element && element._dashboard;
            if (!state) return;
            state.layout = layout;
            return draw(element);
        },
        smooth(element, smoothing) {
            const state = element && element._dashboard;
            if (!state) return;
            state.smoothing = smoothing || 0;
            if (state.smoothing > 0) state.traces.forEach(t => smoothInto(t, state.smoothing, 0));
            return draw(element);
        },
        parcoords(element, model, dotnet) {
            if (!element) return;
            return plotly(true).then(Plotly => drawParcoords(Plotly, element, model, dotnet));
        },
        dispose(element) {
            if (!element) return;
            delete element._dashboard;
            element._plotly?.purge(element);
            delete element._plotly;
        },
    };

    // A sweep's parallel coordinates; brushing an axis reports the run ids inside every brushed range to .NET.
    function drawParcoords(Plotly, element, model, dotnet) {
        const dimensions = model.dimensions.map(d => {
            const dim = { label: d.label, values: d.values };
            if (d.tickvals) { dim.tickvals = d.tickvals; dim.ticktext = d.ticktext; }
            return dim;
        });
        const data = [{
            type: "parcoords", dimensions,
            // The range comes from .NET: equal values get one around them (plotly's own is -0.4…0.4 then).
            line: { color: model.color, cmin: model.colorMin, cmax: model.colorMax, colorscale: "Viridis",
                    reversescale: model.reverseScale, showscale: true,
                    colorbar: { title: { text: model.colorTitle } } },
        }];
        const layout = { margin: { l: 60, r: 80, t: 40, b: 24 }, paper_bgcolor: "rgba(0,0,0,0)",
                         font: { family: "Inter, system-ui, sans-serif", size: 12, color: "#2b2f38" } };
        // Brushes survive a redraw with the same axes (live sweeps): keep the ranges the user set.
        const old = element._parcoords;
        if (old && old.labels === dimensions.map(d => d.label).join("|"))
            dimensions.forEach((d, i) => { if (old.ranges[i]) d.constraintrange = old.ranges[i]; });
        element._parcoords = { labels: dimensions.map(d => d.label).join("|"), ranges: dimensions.map(d => d.constraintrange), runIds: model.runIds };
        const drawn = react(Plotly, element, data, layout, { responsive: true, displaylogo: false, displayModeBar: false });
        if (!element._parcoordsHooked) {
            element._parcoordsHooked = true;
            element.on("plotly_restyle", () => {
                const dims = element.data[0].dimensions;
                const state = element._parcoords;
                state.ranges = dims.map(d => d.constraintrange);
                const active = dims.map((d, i) => [i, d.constraintrange]).filter(([, r]) => r && r.length);
                if (active.length === 0) { dotnet.invokeMethodAsync("OnBrushed", null); return; }
                const inside = (v, r) => (Array.isArray(r[0]) ? r : [r]).some(([lo, hi]) => v >= lo && v <= hi);
                const ids = state.runIds.filter((_, line) => active.every(([i, r]) => inside(dims[i].values[line], r)));
                dotnet.invokeMethodAsync("OnBrushed", ids);
            });
        }
        element.setAttribute("data-drawn", String(model.runIds.length));
        return drawn;
    }
})();
