// Report charts as static SVG, specified in Vega-Lite (Satyanarayan et al. 2017) and rendered on
// the server by the Vega view's SVG renderer: no browser, no canvas, no scripts in the output.

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

const WIDTH = 520;
const HEIGHT = 260;
const CONFIG = {
  font: "system-ui, -apple-system, Segoe UI, sans-serif",
  view: { stroke: "#e4e7eb" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#eef0f2" },
  legend: { labelFontSize: 11, titleFontSize: 12 },
};

async function render(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    // The page sizes charts responsively; the SVG keeps its viewBox.
    return svg.replace("<svg ", '<svg class="chart" role="img" ');
  } finally {
    view.finalize();
  }
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** Lines with points, one colour per series; y in [0, 1] unless `yDomain` says otherwise. */
export function lineChartSvg(options: {
  title: string;
  xTitle: string;
  yTitle: string;
  series: readonly LineSeries[];
  yDomain?: readonly [number, number];
  /** Draws the y = x diagonal (for ROC curves). */
  diagonal?: boolean;
}): Promise<string> {
  const values = options.series.flatMap((s) =>
    s.points.map(([x, y]) => ({ series: s.name, x, y })),
  );
  const x = { field: "x", type: "quantitative" as const, title: options.xTitle };
  const y = {
    field: "y",
    type: "quantitative" as const,
    title: options.yTitle,
    scale: { domain: [...(options.yDomain ?? [0, 1])] },
  };
  const lines = {
    data: { values },
    mark: { type: "line" as const, point: !options.diagonal },
    encoding: { x, y, color: { field: "series", type: "nominal" as const, title: null } },
  };
  const diagonal = {
    data: {
      values: [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
    },
    mark: { type: "line" as const, strokeDash: [4, 4], color: "#8c959f" },
    encoding: { x, y },
  };
  return render({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: options.diagonal ? [diagonal, lines] : [lines],
  } as TopLevelSpec);
}

/** Horizontal bars, largest first (feature importance). */
export function barChartSvg(options: {
  title: string;
  valueTitle: string;
  bars: readonly { readonly name: string; readonly value: number }[];
}): Promise<string> {
  return render({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    width: WIDTH,
    height: { step: 18 },
    config: CONFIG,
    data: { values: options.bars.map((b) => ({ name: b.name, value: b.value })) },
    mark: { type: "bar", color: "#d62728" },
    encoding: {
      y: { field: "name", type: "nominal", sort: "-x", title: null },
      x: { field: "value", type: "quantitative", title: options.valueTitle },
    },
  } as TopLevelSpec);
}
