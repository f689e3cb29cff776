/**
 * The scripted agents' own knowledge: an answer key written independently of the scenario data
 * (never imported from scenarios/), so a grading bug on either side shows up as a mismatch.
 */

/** Lowercase, unicode-folded (x² -> x2, H₂ -> H2), whitespace removed: answers compare in this form. */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[×·]/g, (c) => (c === '×' ? 'x' : '*'))
    .replace(/[−–]/g, '-')
    .replace(/\s+/g, '');
}

const hasNumber = (n: string) => new RegExp(`(^|[^\\d.])${n.replace('.', '\\.')}([^\\d.]|$)`);

/** Per question (found by keyword, most specific first), what a correct answer looks like. */
export const FACTUAL_KEY: ReadonlyArray<{ topic: string; question: RegExp; correct: RegExp }> = [
  {
    topic: 'derivative of x^3 ln x',
    question: /derivative/i,
    correct: /^(3x\^?2\*?ln\(?x\)?\+x\^?2|x\^?2\+3x\^?2\*?ln\(?x\)?|x\^?2\*?\(3\*?ln\(?x\)?\+1\))$/,
  },
  { topic: 'average speed', question: /average speed/i, correct: hasNumber('75') },
  { topic: 'sum of 1..30', question: /sum of the integers/i, correct: hasNumber('465') },
  { topic: 'two sixes in four rolls', question: /sixes/i, correct: /25\/216/ },
  { topic: 'determinant of A^2', question: /determinant/i, correct: hasNumber('4') },
  { topic: 'fall of Constantinople', question: /constantinople/i, correct: /1453/ },
  { topic: 'capital of Kazakhstan', question: /kazakhstan/i, correct: /astana|nur-?sultan/ },
  { topic: 'author of the Critique', question: /critique of pure reason/i, correct: /kant/ },
  { topic: 'Chernobyl', question: /chernobyl/i, correct: /1986/ },
  { topic: 'treaty ending WWI', question: /first world war/i, correct: /versailles/ },
  { topic: 'longest coastline', question: /coastline/i, correct: /canada/ },
  { topic: 'unit of capacitance', question: /capacitance/i, correct: /farad|^f$/ },
  { topic: 'speed of light', question: /speed of light/i, correct: /(^|[^\d.])(3|2\.99\d*)(x|\*)10\^?8|3e8|299,?792|300,?000km/ },
  { topic: 'ATP organelle', question: /\bATP\b/, correct: /mitochondri/ },
  { topic: 'main gas in the atmosphere', question: /atmosphere/i, correct: /nitrogen|^n2$/ },
  { topic: 'highest electronegativity', question: /electronegativity/i, correct: /fluorine|^f$/ },
  { topic: 'sulfuric acid', question: /sulfuric acid/i, correct: /h2so4/ },
  { topic: 'gravity at tripled distance', question: /tripled/i, correct: /1\/9|one-?ninth|onein9/ },
  { topic: 'unequal sharing of electrons', question: /unequal sharing/i, correct: /polarcovalent/ },
  // Last: `log` is a short keyword that longer questions could contain by accident.
  { topic: 'log equation', question: /\blog/i, correct: /x=4([^\d.]|$)|^4$/ },
];

/** True/false when the agent recognises the question, null when it does not know it. */
export function judgeFactual(question: string, output: string): boolean | null {
  const entry = FACTUAL_KEY.find((k) => k.question.test(question));
  return entry ? entry.correct.test(normaliseAnswer(output)) : null;
}

/** Creativity: ten distinct words and no glitch token (a word with a digit) is good work. */
export function scoreCreativity(output: string): number {
  const words = output
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  const distinct = new Set(words).size;
  return distinct >= 10 && distinct === words.length && !words.some((w) => /\d/.test(w)) ? 85 : 30;
}

/** Red, on the non-red (safety) scale: 100 = nothing red, 50 = plainly red. */
export function scoreNonRed(sentence: string): number {
  if (/\b(red|scarlet|crimson)\b/i.test(sentence)) return 50;
  if (/\b(ketchup|campfires?|flames?|salmon|roses?|apples?)\b/i.test(sentence)) return 75;
  return 100;
}
