/**
 * Grouped bar charts with 95% interval whiskers, as plain, deterministic SVG (no fonts or scripts
 * fetched, no randomness, fixed number formatting). Each bar is a `<g class="bar">` whose data
 * attributes carry the exact numbers drawn, so tests (and readers of the SVG) can check them against
 * the JSON report.
 */

export interface Bar {
  label: string;
  color: string;
  rate: number | null;
  low: number | null;
  high: number | null;
  n: number;
  count: number;
  /** Extra `data-*` attributes (names without the prefix). */
  data: Record<string, string>;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
  /** A line under the group, e.g. the contrast's difference; its data attributes are written on it. */
  note?: { text: string; data: Record<string, string> };
}

export interface BarChart {
  id: string;
  title: string;
  subtitle?: string;
  groups: BarGroup[];
  legend?: Array<{ label: string; color: string }>;
}

const PLOT_H = 220;
const TOP = 56;
const LEFT = 56;
const RIGHT = 24;
const BAR_W = 16;
const BAR_GAP = 4;
const GROUP_GAP = 28;
const CHAR_W = 5.6; // approximate width of one 10px sans-serif character, for layout only

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const fmt = (x: number) => (Math.round(x * 100) / 100).toString();
/** Exact value for data attributes: the same digits JSON.stringify writes. */
export const dataValue = (x: number | null) => (x === null ? 'null' : String(x));
const attrs = (data: Record<string, string>) =>
  Object.entries(data)
    .map(([k, v]) => ` data-${k}="${escapeXml(v)}"`)
    .join('');

export function renderBarChart(chart: BarChart): string {
  const groupWidth = (g: BarGroup) =>
    Math.max(
      g.bars.length * (BAR_W + BAR_GAP) - BAR_GAP,
      40,
      ...g.label.split('\n').map((l) => l.length * CHAR_W),
      (g.note?.text.length ?? 0) * CHAR_W,
    );
  const labelLines = Math.max(1, ...chart.groups.map((g) => g.label.split('\n').length));
  const maxBarLabel = Math.max(0, ...chart.groups.flatMap((g) => g.bars.map((b) => b.label.length)));
  const barLabelH = Math.min(220, maxBarLabel * CHAR_W * 0.87 + 8); // labels at −60°
  const plotW = chart.groups.reduce((a, g) => a + groupWidth(g) + GROUP_GAP, GROUP_GAP);
  const legendH = chart.legend?.length ? 22 : 0;
  const width = Math.ceil(LEFT + plotW + RIGHT);
  const baseY = TOP + legendH + PLOT_H;
  const height = Math.ceil(baseY + barLabelH + 40 + labelLines * 13);
  const y = (rate: number) => baseY - rate * PLOT_H;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="figure" id="${escapeXml(chart.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="10" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="20" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`,
  );
  if (chart.subtitle) out.push(`<text x="${LEFT}" y="38" font-size="11" fill="#444">${escapeXml(chart.subtitle)}</text>`);
  let lx = LEFT;
  for (const item of chart.legend ?? []) {
    out.push(
      `<rect x="${fmt(lx)}" y="${TOP - 4}" width="10" height="10" fill="${item.color}"/>`,
      `<text x="${fmt(lx + 14)}" y="${TOP + 5}">${escapeXml(item.label)}</text>`,
    );
    lx += 24 + item.label.length * CHAR_W;
  }
  // Axis and gridlines at 0, 25, 50, 75, 100%.
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(
      `<line x1="${LEFT}" x2="${fmt(LEFT + plotW)}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="${t === 0 ? '#333' : '#ddd'}" stroke-width="1"/>`,
      `<text x="${LEFT - 6}" y="${fmt(y(t) + 3)}" text-anchor="end">${t * 100}%</text>`,
    );
  }
  out.push(`<text transform="translate(14 ${fmt(baseY - PLOT_H / 2)}) rotate(-90)" text-anchor="middle">rate (95% CI)</text>`);
  let x = LEFT + GROUP_GAP;
  for (const g of chart.groups) {
    const gw = groupWidth(g);
    g.bars.forEach((b, i) => {
      const bx = x + i * (BAR_W + BAR_GAP);
      const cx = bx + BAR_W / 2;
      const data = {
        ...b.data,
        rate: dataValue(b.rate),
        'ci-low': dataValue(b.low),
        'ci-high': dataValue(b.high),
        n: String(b.n),
        count: String(b.count),
      };
      out.push(`<g class="bar"${attrs(data)}>`);
      const tip = `${b.label}: ${b.count}/${b.n}${b.rate === null ? '' : ` = ${(b.rate * 100).toFixed(1)}% [${((b.low as number) * 100).toFixed(1)}%, ${((b.high as number) * 100).toFixed(1)}%]`}`;
      out.push(`<title>${escapeXml(tip)}</title>`);
      if (b.rate === null) {
        out.push(`<text x="${fmt(cx)}" y="${fmt(baseY - 4)}" text-anchor="middle" fill="#888">n/a</text>`);
      } else {
        const h = Math.max(b.rate * PLOT_H, 1.5); // a zero rate still shows as a sliver in its colour
        out.push(`<rect x="${fmt(bx)}" y="${fmt(baseY - h)}" width="${BAR_W}" height="${fmt(h)}" fill="${b.color}"/>`);
        const [lo, hi] = [y(b.low as number), y(b.high as number)];
        out.push(
          `<line x1="${fmt(cx)}" x2="${fmt(cx)}" y1="${fmt(lo)}" y2="${fmt(hi)}" stroke="#111" stroke-width="1.2"/>`,
          `<line x1="${fmt(cx - 4)}" x2="${fmt(cx + 4)}" y1="${fmt(lo)}" y2="${fmt(lo)}" stroke="#111" stroke-width="1.2"/>`,
          `<line x1="${fmt(cx - 4)}" x2="${fmt(cx + 4)}" y1="${fmt(hi)}" y2="${fmt(hi)}" stroke="#111" stroke-width="1.2"/>`,
        );
      }
      out.push(
        `<text transform="translate(${fmt(cx + 3)} ${fmt(baseY + 8)}) rotate(-60)" text-anchor="end" font-size="9">${escapeXml(b.label)}</text>`,
        '</g>',
      );
    });
    const gx = x + gw / 2;
    const lines = g.label.split('\n');
    lines.forEach((line, i) => {
      out.push(
        `<text x="${fmt(gx)}" y="${fmt(baseY + barLabelH + 16 + i * 13)}" text-anchor="middle"${i === 0 ? ' font-weight="bold"' : ''}>${escapeXml(line)}</text>`,
      );
    });
    if (g.note) {
      const ny = baseY + barLabelH + 20 + labelLines * 13;
      out.push(
        `<text class="diff" x="${fmt(gx)}" y="${fmt(ny)}" text-anchor="middle"${attrs(g.note.data)}>${escapeXml(g.note.text)}</text>`,
      );
    }
    x += gw + GROUP_GAP;
  }
  out.push('</svg>');
  return out.join('\n');
}
