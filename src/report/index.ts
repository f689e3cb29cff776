export * from './stats.js';
// summary.ts belongs to the report-tables work; re-exported here because the CLI already imports it.
export * from './summary.js';
export * from './combine.js';
export * from './contrasts.js';
export * from './contrast-format.js';
export * from './report-json.js';
export { buildFigures, type Figure } from './html/figures.js';
export { buildHtmlReport, type HtmlReport } from './html/page.js';
export * from './export.js';
export * from './channel-contrast.js';
export * from './tampering-rule.js';
export * from './run-brief.js';
export * from './soc-summary.js';
export * from './palette.js';
export * from './labels.js';
export { svgToPdf, svgToPng } from './html/raster.js';
export { renderRowsCsv } from './rows-csv.js';
export * from './interviews.js';
