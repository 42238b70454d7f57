// Thin layer between the Blazor Chart component and plotly.js. The server sends downsampled series as binary
// (Float32/Float64 bytes); the points stay here, so smoothing, log scale and appends need no round trip.
window.dashboardCharts = (() => {
    // WebGL draws big charts fast on a real GPU, but a browser without one (a VM, a remote desktop, headless
    // Chromium) emulates it in software, 10× slower than SVG for 50 lines of 2,000 points. So: SVG unless the
    // GPU is real and the chart big. window.dashboardChartsGl (true/false) overrides, for measurements.
    const hardwareGl = (() => {
        try {
            const gl = document.createElement("canvas").getContext("webgl");
            if (!gl) return false;
            const info = gl.getExtension("WEBGL_debug_renderer_info");
            const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
            return !/swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
        } catch { return false; }
    })();
    const traceType = points => (window.dashboardChartsGl ?? (hardwareGl && points > 20000)) ? "scattergl" : "scatter";
    const palette = ["#4f6bed", "#e8743b", "#19a979", "#ed4a7b", "#945ecf", "#13a4b4", "#525df4", "#bf399e", "#6c8893", "#ee6868"];

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
            yaxis: { title: { text: l.yTitle || "" }, type: l.logY ? "log" : "linear", gridcolor: "#eef0f4", zeroline: false,
                     hoverformat: ".6~g" },
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
            return {
                type, name: t.name, x: t.x, y: t.y, mode: t.mode || "lines", legendgroup: "g" + i,
                line: { color, width: s > 0 ? 1 : 1.6 }, marker: { color, size: 6 }, opacity: s > 0 ? 0.25 : 1,
                showlegend: many && s === 0, hoverinfo: s > 0 ? "skip" : undefined,
            };
        });
        if (s > 0) state.traces.forEach((t, i) => {
            const color = t.color || palette[i % palette.length];
            data.push({ type, name: t.name, x: t.x, y: t.sy, mode: t.mode || "lines", legendgroup: "g" + i,
                        line: { color, width: 1.8 }, marker: { color, size: 6 }, showlegend: many });
        });
        return data;
    }

    function draw(element) {
        const state = element._dashboard;
        state.revision++;
        const legend = state.layout.showLegend ?? (state.traces.length > 1 && state.traces.length <= 8);
        const drawn = Plotly.react(element, build(state), layoutOf(state.layout, state.revision, legend), { responsive: true, displaylogo: false, displayModeBar: "hover", modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] });
        element.setAttribute("data-points", String(state.traces.reduce((n, t) => n + t.x.length, 0)));
        // Blazor awaits the promise: a page's next live update waits until this one is drawn.
        return drawn;
    }

    return {
        render(element, traces, layout, smoothing) {
            if (!element) return;
            const state = {
                traces: traces.map(t => ({ name: t.name, mode: t.mode, color: t.color, x: decode(t.x, t.xBits), y: decode(t.y, 64) })),
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
        dispose(element) {
            if (!element) return;
            delete element._dashboard;
            Plotly.purge(element);
        },
    };
})();
