/**
 * One colour per model, the same in the HTML report, the viewer's dashboard and its compare view.
 * Paul Tol's "muted" scheme (9 colours, distinct under the common colour-vision deficiencies) followed by
 * Okabe-Ito's; past those the colours repeat, so every figure also labels each bar with its model.
 */
export const MODEL_PALETTE: readonly string[] = [
  '#332288',
  '#88CCEE',
  '#44AA99',
  '#117733',
  '#999933',
  '#DDCC77',
  '#CC6677',
  '#882255',
  '#AA4499',
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#56B4E9',
  '#000000',
];

/**
 * Colours for `models`, given in code-point order of the ids so that the same set of models gets the same
 * colours wherever it is drawn. Callers pass every model of the store (or of the report), not the subset
 * one figure shows, so that filtering never recolours a model.
 */
export function modelColours(models: Iterable<string>): Record<string, string> {
  const sorted = [...new Set(models)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted.map((m, i) => [m, MODEL_PALETTE[i % MODEL_PALETTE.length]!]));
}
