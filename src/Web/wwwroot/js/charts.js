// Thin layer between the Blazor Chart component and plotly.js: render, extend, dispose.
window.dashboardCharts = (() => {
    const palette = ["#4f6bed", "#e8743b", "#19a979", "#ed4a7b", "#945ecf", "#13a4b4", "#525df4", "#bf399e", "#6c8893", "#ee6868"];

    function layoutOf(l) {
        return {
            title: l.title ? { text: l.title, font: { size: 14 } } : undefined,
            margin: { l: 56, r: 16, t: l.title ? 36 : 12, b: 44 },
            xaxis: { title: { text: l.xTitle || "" }, type: l.logX ? "log" : (l.xType || "linear"), gridcolor: "#eef0f4", zeroline: false },
            yaxis: { title: { text: l.yTitle || "" }, type: l.logY ? "log" : "linear", gridcolor: "#eef0f4", zeroline: false },
            legend: { orientation: "h", y: -0.2 },
            paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
            font: { family: "Inter, system-ui, sans-serif", size: 12, color: "#2b2f38" },
            hovermode: "closest",
        };
    }

    function traceOf(t, i) {
        const color = t.color || palette[i % palette.length];
        // WebGL traces keep 50 overlaid runs of thousands of points responsive.
        return { type: "scattergl", name: t.name, x: t.x, y: t.y, mode: t.mode || "lines", line: { color, width: 1.6 }, marker: { color, size: 6 } };
    }

    return {
        render(element, traces, layout) {
            Plotly.react(element, traces.map(traceOf), layoutOf(layout), { responsive: true, displaylogo: false });
        },
        extend(element, indexes, xs, ys) {
            if (element && element.data) Plotly.extendTraces(element, { x: xs, y: ys }, indexes);
        },
        dispose(element) {
            if (element) Plotly.purge(element);
        },
    };
})();
