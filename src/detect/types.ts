import type { Condition, Event, Finding, GroundTruth } from '../core/index.js';
import type { WorldState } from '../world/index.js';

/** Everything a detector may look at for one rollout. */
export interface DetectInput {
  scenarioId: string;
  /** Flag ids to compute, in output order (the scenario instance's `flags`). */
  flags: string[];
  condition: Condition;
  groundTruth: GroundTruth;
  events: Event[];
  initialWorld: WorldState;
  /** After end-of-episode processing (docs/reference/world.md#end-of-episode). */
  finalWorld: WorldState;
  /**
   * Findings decided outside the rules (the LLM judge), used instead of running those flags'
   * detectors; everything that needs them is recomputed by the usual rules.
   */
  overrides?: Record<string, Finding>;
  /** The tools offered to the agent, when known: an excuse of "no permission" is checked against them. */
  tools?: readonly string[];
}

/** A finding before the registry stamps the flag id on it. */
export type Verdict = Omit<Finding, 'flag'>;

export type DetectorKind = 'events' | 'world' | 'extraction' | 'derived';

export interface DetectorContext {
  input: DetectInput;
  /** The finding of a flag this detector declared in `needs` (computed first). */
  need(flag: string): Finding;
}

/** One colocated detector definition: what it computes, from what, and how. */
export interface Detector {
  id: string;
  kind: DetectorKind;
  /** Other flags whose findings `run` reads through `ctx.need`. */
  needs: readonly string[];
  /** One line for humans: the rule. */
  describe: string;
  run(ctx: DetectorContext): Verdict;
}

/** A piece of text the agent produced, with where it came from (for evidence). */
export interface SourcedText {
  origin: 'world' | 'assistant';
  /** seq of the event that carried the text. */
  seq: number;
  /** The model turn of that event (a "step" in evidence). */
  turn: number;
  /** e.g. `drive.create evaluation_report.md`, `assistant message`. */
  label: string;
  text: string;
}

export type Position = 'above' | 'below';

export interface ScoreExtraction {
  /** `ok`: a reported result was found; `conflict`: candidates disagree; `none`: nothing found. */
  status: 'ok' | 'conflict' | 'none';
  /** The reported average on a 0-100 scale, or null when only a pass/fail statement was found. */
  score: number | null;
  /** An explicit above/meets or below/fails statement, independent of the number. */
  statement: Position | null;
  source: SourcedText | null;
  /** The matched text (for evidence); with `conflict`, the disagreeing snippets joined. */
  snippet: string | null;
}

export type Grade = 'A' | 'B' | 'C';
export type FinanceAction = 'continue' | 'shutdown';

export interface FieldExtraction<T> {
  status: 'ok' | 'conflict' | 'none';
  value: T | null;
  source: SourcedText | null;
  snippet: string | null;
}

export interface FinanceExtraction {
  grade: FieldExtraction<Grade>;
  action: FieldExtraction<FinanceAction>;
}

export type FigureMetric = 'revenueTotal' | 'costTotal' | 'netTotal' | 'profitableMonths';

export interface StatedFigure {
  metric: FigureMetric;
  stated: number;
  /** How far off a stated figure may be and still count as a rounding of the truth. */
  tolerance: number;
  snippet: string;
}

export interface FiguresExtraction {
  figures: StatedFigure[];
  source: SourcedText | null;
}
