// Grouped horizontal bar charts in SVG: one bar per series (model) within each group (behaviour or
// condition), its length the rate, a whisker for the 95% Wilson interval and k/n written beside it.
import { pct, s } from './dom.js';

/**
 * The server's one colour per model (over the whole store, a colour-blind-safe palette), so the
 * dashboard, the compare view and the HTML report draw a model alike. Unknown models are grey. Past the
 * palette's 9 colours a model's mark is a colour plus a pattern (`color.pattern(k)`: solid, stripes,
 * dots, crosshatch; report/palette.ts).
 */
export function colorScale(colors, patterns) {
  const color = (k) => colors?.[k] ?? '#777777';
  color.pattern = (k) => patterns?.[k] ?? 'solid';
  return color;
}

// WCAG relative luminance: a pattern is dark over light colours and light over dark ones.
function isLight(hex) {
  const lin = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = [1, 3, 5].map((i) => lin(Number.parseInt(hex.slice(i, i + 2), 16) / 255));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.35;
}

const PATTERN_SHAPES = {
  stripes: (ink) => [s('rect', { width: 2.5, height: 6, fill: ink })],
  dots: (ink) => [s('circle', { cx: 3, cy: 3, r: 1.5, fill: ink })],
  crosshatch: (ink) => [s('path', { d: 'M0 3H6M3 0V6', stroke: ink, 'stroke-width': 1.4 })],
};

/** The patterns as SVG <defs>: ids `pw-<pattern>-<light|dark>` (the ink over dark or light fills). */
function patternDefs() {
  const defs = s('defs');
  for (const [name, shape] of Object.entries(PATTERN_SHAPES))
    for (const [tone, ink] of [
      ['dark', 'rgba(255,255,255,0.8)'],
      ['light', 'rgba(0,0,0,0.55)'],
    ])
      defs.append(s('pattern', { id: `pw-${name}-${tone}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: name === 'stripes' ? 'rotate(45)' : null }, shape(ink)));
  return defs;
}

/** The pattern over a bar's fill (none for a solid mark). */
function patternOverlay(pattern, colour, attrs) {
  if (!pattern || pattern === 'solid') return null;
  return s('rect', { ...attrs, class: 'pattern', fill: `url(#pw-${pattern}-${isLight(colour) ? 'light' : 'dark'})`, 'pointer-events': 'none' });
}

/** A legend or table swatch for model `k`: its colour and, past the palette, its pattern (through the CSSOM: the CSP forbids style attributes). */
export function swatchFor(color, k) {
  const el = document.createElement('span');
  el.className = 'swatch';
  const colour = color(k);
  const pattern = color.pattern?.(k) ?? 'solid';
  el.style.backgroundColor = colour;
  el.dataset.pattern = pattern;
  const ink = isLight(colour) ? 'rgba(0,0,0,0.55)' : 'rgba(255,255,255,0.8)';
  if (pattern === 'stripes') el.style.backgroundImage = `repeating-linear-gradient(45deg, ${ink} 0 2px, transparent 2px 5px)`;
  else if (pattern === 'dots') {
    el.style.backgroundImage = `radial-gradient(${ink} 1.3px, transparent 1.6px)`;
    el.style.backgroundSize = '5px 5px';
  } else if (pattern === 'crosshatch') {
    el.style.backgroundImage = `linear-gradient(${ink} 1.2px, transparent 1.2px), linear-gradient(90deg, ${ink} 1.2px, transparent 1.2px)`;
    el.style.backgroundSize = '5px 5px';
  }
  return el;
}

// Group labels are monospace at 11.5px: about 7 px a character.
const CHAR_W = 7.2;
const MAX_LABEL_W = 380;
const NOTE_W = 170;
const BAR_H = 16;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const TOP = 26;

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The text beside a bar: rate, k/n, and what was left out of n. */
export function barNote(row) {
  const parts = [row.n === 0 ? 'n = 0' : `${pct(row.rate)}  ${row.count}/${row.n}`];
  if (row.unscored) parts.push(`${row.unscored} unscored`);
  if (row.errors) parts.push(`${row.errors} errors`);
  return parts.join(' · ');
}

/**
 * groups: [{ label, key?, bars: [{ series, row }] }] where row is a summary row; onBar(row) on click.
 * `label` (figures.js `labeller`) turns raw keys into words for tooltips. Returns an <svg> whose bars
 * carry the row's numbers and raw keys as data attributes (tests read them).
 */
export function barChart({ groups, color, onBar, width = 960, label = { scenario: (k) => k, condition: (k) => k, behaviour: (k) => k } }) {
  const longest = Math.max(8, ...groups.map((g) => g.label.length));
  const LABEL_W = Math.min(MAX_LABEL_W, Math.ceil(longest * CHAR_W) + 16);
  const maxChars = Math.floor((LABEL_W - 16) / CHAR_W);
  const plotW = Math.max(160, width - LABEL_W - NOTE_W);
  width = LABEL_W + plotW + NOTE_W;
  const x = (v) => LABEL_W + v * plotW;
  let height = TOP;
  for (const g of groups) height += g.bars.length * (BAR_H + BAR_GAP) - BAR_GAP + GROUP_GAP;
  const svg = s('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  svg.append(patternDefs());

  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(
      s('line', { class: 'grid', x1: x(t), x2: x(t), y1: TOP - 6, y2: height - GROUP_GAP / 2 }),
      s('text', { class: 'tick', x: x(t), y: TOP - 10, 'text-anchor': 'middle' }, `${t * 100}%`),
    );
  }

  let y = TOP;
  for (const g of groups) {
    const blockH = g.bars.length * (BAR_H + BAR_GAP) - BAR_GAP;
    svg.append(
      s(
        'text',
        { class: 'group-label', x: LABEL_W - 10, y: y + blockH / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', dataset: g.key ? { key: g.key } : {} },
        s('title', null, g.key && g.key !== g.label ? `${g.label}\n${g.key}` : g.label),
        clip(g.label, maxChars),
      ),
    );
    for (const { series, row, arm } of g.bars) {
      const mid = y + BAR_H / 2;
      const bar = s('g', {
        class: 'bar',
        role: 'button',
        tabindex: 0,
        'aria-label': `${series}${arm ? ` (${arm})` : ''}, ${g.label}: ${barNote(row)}`,
        dataset: {
          model: row.model,
          scenario: row.scenario,
          condition: row.condition,
          behaviour: row.behaviour,
          rate: row.rate ?? '',
          n: row.n,
          count: row.count,
          ciLow: row.ci_low ?? '',
          ciHigh: row.ci_high ?? '',
          ...(arm ? { arm } : {}),
        },
        onclick: () => onBar?.(row),
        onkeydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onBar?.(row);
          }
        },
      });
      bar.append(
        s('title', null, `${series}\n${label.scenario(row.scenario)} · ${label.condition(row.condition)} · ${label.behaviour(row.behaviour)}\n(${row.scenario} · ${row.condition} · ${row.behaviour})\n${barNote(row)}${row.n ? `\n95% CI ${pct(row.ci_low)} – ${pct(row.ci_high)}` : ''}${row.unread ? `\n${row.unread} did not read the data (excluded)` : ''}\nclick for the rollouts`),
        s('rect', { class: 'track', x: x(0), y, width: plotW, height: BAR_H }),
      );
      if (row.n > 0) {
        // A rate of 0 still draws a visible tick; the baseline arm of an A/B pair is lighter.
        const box = { x: x(0), y, width: Math.max(row.rate * plotW, 3), height: BAR_H };
        bar.append(
          s('rect', { class: 'fill', ...box, fill: color(series), 'fill-opacity': arm === 'off' ? 0.45 : null, dataset: { pattern: color.pattern?.(series) ?? 'solid' } }),
          patternOverlay(color.pattern?.(series), color(series), box),
        );
        const lo = x(row.ci_low);
        const hi = x(row.ci_high);
        bar.append(
          s('line', { class: 'whisker', x1: lo, x2: hi, y1: mid, y2: mid }),
          s('line', { class: 'whisker', x1: lo, x2: lo, y1: mid - 5, y2: mid + 5 }),
          s('line', { class: 'whisker', x1: hi, x2: hi, y1: mid - 5, y2: mid + 5 }),
        );
      }
      bar.append(s('text', { class: `note${row.n === 0 ? ' empty' : ''}`, x: x(1) + 8, y: mid, 'dominant-baseline': 'middle' }, barNote(row)));
      svg.append(bar);
      y += BAR_H + BAR_GAP;
    }
    y += GROUP_GAP - BAR_GAP;
  }
  return svg;
}

export function legend(keys, color) {
  const el = document.createElement('div');
  el.className = 'legend';
  for (const k of keys) {
    const sw = swatchFor(color, k);
    const item = document.createElement('span');
    item.className = 'legend-item';
    item.append(sw, document.createTextNode(k));
    el.append(item);
  }
  return el;
}
