/**
 * The speed-up chart as a standalone SVG string: no dependency, readable in a
 * browser and on GitHub. One line per implementation plus the ideal line
 * (speed-up equal to the thread count).
 */

export interface ChartSeries {
  label: string;
  color: string;
  /** One speed-up per thread count, in the order of `threads`. */
  values: number[];
}

export interface SpeedupChart {
  title: string;
  subtitle: string;
  threads: number[];
  series: ChartSeries[];
}

const WIDTH = 640;
const HEIGHT = 420;
const MARGIN = { top: 64, right: 160, bottom: 56, left: 64 };

function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** Gridline spacing giving about five lines whatever the range. */
function tickStep(range: number): number {
  const raw = range / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const nice = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10;
  return Math.max(nice * magnitude, 0.25);
}

export function renderSpeedupChart(chart: SpeedupChart): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const maxThreads = Math.max(...chart.threads, 2);
  const highest = Math.max(maxThreads, ...chart.series.flatMap((series) => series.values));
  const yStep = tickStep(highest);
  const yMax = Math.ceil((highest * 1.05) / yStep) * yStep;
  const x = (threads: number) => MARGIN.left + ((threads - 1) / (maxThreads - 1)) * plotWidth;
  const y = (speedup: number) => MARGIN.top + plotHeight - (speedup / yMax) * plotHeight;
  const parts: string[] = [];

  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="26" font-size="16" font-weight="600" fill="#222">${escapeXml(chart.title)}</text>`,
    `<text x="${MARGIN.left}" y="46" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  );

  for (let tick = 0; tick <= yMax + 1e-9; tick += yStep) {
    const ty = y(tick).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${ty}" x2="${MARGIN.left + plotWidth}" y2="${ty}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${ty}" text-anchor="end" dominant-baseline="middle" fill="#555">${Number(tick.toFixed(2))}×</text>`,
    );
  }
  for (const threads of chart.threads) {
    const tx = x(threads).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${MARGIN.top}" x2="${tx}" y2="${MARGIN.top + plotHeight}" stroke="#f0f0f0"/>`,
      `<text x="${tx}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle" fill="#555">${threads}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotHeight}" x2="${MARGIN.left + plotWidth}" y2="${MARGIN.top + plotHeight}" stroke="#888"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotHeight}" stroke="#888"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 14}" text-anchor="middle" fill="#333">threads</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#333">speed-up over 1 thread</text>`,
  );

  const legend: Array<{ label: string; color: string; dashed: boolean }> = [
    { label: "ideal", color: "#999", dashed: true },
  ];
  for (const series of chart.series) {
    const points = series.values.map(
      (value, index) => `${x(chart.threads[index]!).toFixed(1)},${y(value).toFixed(1)}`,
    );
    parts.push(
      `<polyline points="${points.join(" ")}" fill="none" stroke="${series.color}" stroke-width="2.5"/>`,
    );
    series.values.forEach((value, index) => {
      const px = x(chart.threads[index]!).toFixed(1);
      const py = y(value).toFixed(1);
      parts.push(
        `<circle cx="${px}" cy="${py}" r="4" fill="${series.color}"><title>${escapeXml(series.label)}: ${value.toFixed(2)}× at ${chart.threads[index]} threads</title></circle>`,
      );
    });
    legend.push({ label: series.label, color: series.color, dashed: false });
  }

  // The ideal line (n threads, n times faster), drawn over the series so it shows through a line that follows it.
  parts.push(
    `<line x1="${x(1).toFixed(1)}" y1="${y(1).toFixed(1)}" x2="${x(maxThreads).toFixed(1)}" y2="${y(maxThreads).toFixed(1)}" stroke="#999" stroke-dasharray="6 4" stroke-width="1.5"/>`,
  );

  // Values at the last thread count, where the lines end and differences show most; the higher
  // value is labelled above its point and the others below, so close points keep their labels apart.
  const last = chart.threads.length - 1;
  const highestAtEnd = Math.max(...chart.series.map((series) => series.values[last] ?? 0));
  for (const series of chart.series) {
    const value = series.values[last];
    if (value === undefined) continue;
    const offset = value === highestAtEnd ? -8 : 14;
    parts.push(
      `<text x="${(x(chart.threads[last]!) + 8).toFixed(1)}" y="${(y(value) + offset).toFixed(1)}" fill="${series.color}" font-weight="600">${value.toFixed(2)}×</text>`,
    );
  }

  legend.forEach((entry, index) => {
    const lx = WIDTH - MARGIN.right + 40;
    const ly = MARGIN.top + 10 + index * 22;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${entry.color}" stroke-width="2.5"${entry.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle" fill="#333">${escapeXml(entry.label)}</text>`,
    );
  });

  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
