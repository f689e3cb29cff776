import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CB_MIN_DELTA_E, MODEL_PALETTE, MODEL_PATTERNS, modelColours, modelMarks, modelPatterns } from '../../src/report/index.js';

// Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of color vision
// deficiency", severity 1.0 matrices, applied to linear sRGB.
const DEFICIENCIES: Record<string, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
  'normal vision': [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
};

const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** `#rrggbb` as a person with deficiency `m` sees it, in CIELAB (D65). */
function seenLab(hex: string, m: number[][]): [number, number, number] {
  const rgb = [1, 3, 5].map((i) => linear(Number.parseInt(hex.slice(i, i + 2), 16) / 255));
  const [r, g, b] = m.map((row) => Math.min(1, Math.max(0, row[0]! * rgb[0]! + row[1]! * rgb[1]! + row[2]! * rgb[2]!))) as [
    number,
    number,
    number,
  ];
  const X = 0.4124 * r + 0.3576 * g + 0.1805 * b;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const Z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const [fx, fy, fz] = [f(X / 0.95047), f(Y), f(Z / 1.08883)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** The closest pair of `colours` as seen with each deficiency (CIE76 distance). */
function closestPairs(colours: readonly string[]): Record<string, { d: number; pair: string }> {
  const out: Record<string, { d: number; pair: string }> = {};
  for (const [name, m] of Object.entries(DEFICIENCIES)) {
    let best = { d: Number.POSITIVE_INFINITY, pair: '' };
    for (let i = 0; i < colours.length; i++)
      for (let j = i + 1; j < colours.length; j++) {
        const d = Math.hypot(...seenLab(colours[i]!, m).map((v, k) => v - seenLab(colours[j]!, m)[k]!));
        if (d < best.d) best = { d, pair: `${colours[i]} / ${colours[j]}` };
      }
    out[name] = best;
  }
  return out;
}

test('every palette colour stays apart from every other under protanopia, deuteranopia and tritanopia', () => {
  for (const [name, { d, pair }] of Object.entries(closestPairs(MODEL_PALETTE)))
    assert.ok(d >= CB_MIN_DELTA_E, `${name}: ${pair} only ${d.toFixed(1)} apart`);
});

test('the check tells confusable colours apart: the Okabe-Ito colours the palette once appended fail it', () => {
  const old = [...MODEL_PALETTE, '#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#000000'];
  const seen = closestPairs(old);
  assert.ok(seen.deuteranopia!.d < CB_MIN_DELTA_E, JSON.stringify(seen.deuteranopia));
});

test('up to 36 models get 36 different marks, each colour from the safe palette; the first 9 are plain', () => {
  const models = Array.from({ length: 36 }, (_, i) => `m${String(i).padStart(2, '0')}`);
  const marks = modelMarks(models);
  assert.equal(new Set(Object.values(marks).map((m) => `${m.colour} ${m.pattern}`)).size, 36);
  for (const m of Object.values(marks)) {
    assert.ok(MODEL_PALETTE.includes(m.colour), m.colour);
    assert.ok(MODEL_PATTERNS.includes(m.pattern), m.pattern);
  }
  assert.deepEqual(
    models.slice(0, 9).map((m) => marks[m]!.pattern),
    Array(9).fill('solid'),
  );
  assert.equal(marks.m09!.colour, marks.m00!.colour);
  assert.notEqual(marks.m09!.pattern, marks.m00!.pattern);
  // The order the models are given in does not matter; colour and pattern views agree with the marks.
  assert.deepEqual(modelMarks([...models].reverse()), marks);
  assert.deepEqual(modelColours(models).m20, marks.m20!.colour);
  assert.deepEqual(modelPatterns(models).m20, marks.m20!.pattern);
});
