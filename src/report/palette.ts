/**
 * One colour per model, the same in the HTML report, the viewer's dashboard and its compare view.
 *
 * Only colours that stay apart under the common colour-vision deficiencies are used: Paul Tol's "muted"
 * scheme (9 colours). test/report/palette.test.ts simulates protanopia, deuteranopia and tritanopia
 * (Machado et al. 2009, full severity) and requires every pair at least CB_MIN_DELTA_E apart in CIELAB.
 * A tenth model and on get the same colours again with a pattern over the fill (stripes, dots, cross
 * hatch), so up to 36 models are told apart by colour and pattern; the report's figures also name each
 * bar's model in a panel title or row label.
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
];

/** The least CIE76 distance between any two palette colours, as a person with each deficiency sees them. */
export const CB_MIN_DELTA_E = 10;

/** What lies over a bar's colour: nothing for the first 9 models, then a pattern per round of colours. */
export const MODEL_PATTERNS = ['solid', 'stripes', 'dots', 'crosshatch'] as const;
export type ModelPattern = (typeof MODEL_PATTERNS)[number];

export interface ModelMark {
  colour: string;
  pattern: ModelPattern;
}

const codePointSorted = (models: Iterable<string>) => [...new Set(models)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Colour and pattern for `models`, given in code-point order of the ids so that the same set of models
 * gets the same marks wherever it is drawn. Callers pass every model of the store (or of the report), not
 * the subset one figure shows, so that filtering never recolours a model. Past 36 models marks repeat
 * (the bar's tooltip still names its model).
 */
export function modelMarks(models: Iterable<string>): Record<string, ModelMark> {
  const n = MODEL_PALETTE.length;
  return Object.fromEntries(
    codePointSorted(models).map((m, i) => [
      m,
      { colour: MODEL_PALETTE[i % n]!, pattern: MODEL_PATTERNS[Math.floor(i / n) % MODEL_PATTERNS.length]! },
    ]),
  );
}

/** The colour alone of each model's mark. */
export function modelColours(models: Iterable<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(modelMarks(models)).map(([m, mark]) => [m, mark.colour]));
}

/** The pattern alone of each model's mark. */
export function modelPatterns(models: Iterable<string>): Record<string, ModelPattern> {
  return Object.fromEntries(Object.entries(modelMarks(models)).map(([m, mark]) => [m, mark.pattern]));
}

/** Relative luminance (WCAG) of a `#rrggbb` colour: a pattern is drawn dark over light colours, light over dark. */
export function luminance(hex: string): number {
  const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = [1, 3, 5].map((i) => lin(Number.parseInt(hex.slice(i, i + 2), 16) / 255)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
