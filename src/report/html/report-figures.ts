import { modelColours } from '../palette.js';
import type { ReportJson } from '../report-json.js';
import { type Colours, detailFigures, headlineFigures } from './headline.js';
import { type PanelFigure, panelCsv, renderPanels } from './panels.js';

/** One figure: its SVG and the numbers behind it as CSV; `headline` figures lead the report page. */
export interface Figure {
  id: string;
  /** The standalone SVG's file name (`<id>.svg`; PNG, PDF and CSV share the stem). */
  file: string;
  title: string;
  caption: string;
  headline: boolean;
  svg: string;
  csv: string;
}

const toFigure = (f: PanelFigure, headline: boolean): Figure => ({
  id: f.id,
  file: `${f.id}.svg`,
  title: f.title,
  caption: f.caption,
  headline,
  svg: renderPanels(f),
  csv: panelCsv(f),
});

/**
 * Every figure of the report: the study's headline figures first, then one detail figure per scenario x
 * behaviour. `colours` gives each model its colour (pass the store's, so the viewer draws it alike);
 * by default the report's own models are coloured.
 */
export function buildFigures(report: ReportJson, colours?: Colours): Figure[] {
  const c = colours ?? modelColours([...report.rows.map((r) => r.model), ...report.channel_ab.map((r) => r.model)]);
  return [...headlineFigures(report, c).map((f) => toFigure(f, true)), ...detailFigures(report, c).map((f) => toFigure(f, false))];
}
