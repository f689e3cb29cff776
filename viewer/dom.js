// DOM helpers. Everything from the server (model output above all) becomes text nodes or attribute
// values; nothing here parses HTML, so a transcript cannot inject markup or script.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/** `h('a', {href: '#/'}, 'Runs')`: an HTML element with attributes and text/element children. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function pct(x) {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(x === 0 || x === 1 ? 0 : 1)}%`;
}

export function shortId(id) {
  return id.length > 12 ? id.slice(0, 8) : id;
}

/**
 * A `<select>` with an "all" choice; calls onChange with the chosen value or undefined. `text(v)` is what
 * an option shows (a human label); its value stays the raw key.
 */
export function select(label, values, current, onChange, allLabel = 'all', text = (v) => v) {
  const sel = h('select', { 'aria-label': label, name: label, onchange: () => onChange(sel.value === '' ? undefined : sel.value) });
  sel.append(h('option', { value: '' }, allLabel));
  for (const v of values) sel.append(h('option', { value: v, selected: v === current, title: v }, text(v)));
  return h('label', { class: 'filter' }, h('span', null, label), sel);
}
