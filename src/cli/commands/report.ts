import { DB_HELP, defaultDb } from '../options.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { type Finding, UserError } from '../../core/index.js';
import { decisionPathCounts } from '../../detect/index.js';
import { listDisagreements, renderDisagreements } from '../../experiment/index.js';
import {
  buildHtmlReport,
  buildReport,
  channelContrast,
  renderChannelContrast,
  renderContrastsCsv,
  renderContrastsMarkdown,
  renderContrastsTable,
  renderInterviewRows,
  renderTamperingRules,
  modelColours,
  modelsOfRuns,
  summariseSoc,
  svgToPdf,
  svgToPng,
} from '../../report/index.js';
import { openStore } from '../../store/index.js';
import { useColor } from '../format.js';
import { renderSocSummary } from '../soc-output.js';
import { renderSummary } from '../summary-output.js';
import { renderUsage } from '../usage-output.js';

type Format = 'table' | 'md' | 'json' | 'csv';
interface ReportFlags {
  format: Format;
  by: 'condition' | 'scenario';
  only?: 'rows' | 'contrasts';
  html?: string;
  db: string;
  disagreements?: boolean;
  channelAb?: boolean;
  costs?: boolean;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "Rates with 95% Wilson intervals per model x scenario x condition x behaviour, then the study's contrasts, for a stored run.",
    )
    .argument('<run-id>', 'run id or a unique prefix (see `peerwatch runs`)')
    .addOption(
      new Option('-f, --format <format>', 'output format (json: schema peerwatch.report/v1)')
        .choices(['table', 'md', 'json', 'csv'])
        .default('table'),
    )
    .addOption(
      new Option('--by <grouping>', 'rows per condition, or pooled per scenario').choices(['condition', 'scenario']).default('condition'),
    )
    .addOption(
      new Option('--only <part>', 'table, md and csv: print only the per-cell rows or only the contrasts').choices(['rows', 'contrasts']),
    )
    .option(
      '--html <dir>',
      'write an HTML report (index.html: the headline figures; details linked) and every figure as SVG, PNG, PDF and CSV into <dir>',
    )
    .option('--db <path>', DB_HELP, defaultDb())
    .option(
      '--channel-ab',
      'the lawful-channel A/B: per model x scenario x behaviour, channel off vs on (Wilson CIs, Newcombe difference, z test); table/md, or json',
    )
    .option('--costs', 'model calls, tries, cache hits, tokens and cost per model (unknown when a model has no price); table or json')
    .option('--disagreements', "imported runs: list rollouts where the study authors' flags and ours differ (with both values)")
    .action(async (runArg: string, flags: ReportFlags) => {
      const store = openStore(flags.db);
      try {
        const id = store.resolveRunId(runArg);
        const run = id ? store.getRun(id) : undefined;
        if (!run) throw new UserError(`no run '${runArg}' in ${flags.db} (list them with: peerwatch runs --db ${flags.db})`);
        if (flags.costs) {
          const usage = store.usageByModel(run.id);
          process.stdout.write(
            flags.format === 'json'
              ? `${JSON.stringify({ run_id: run.id, usage }, null, 2)}\n`
              : renderUsage(usage) || 'no model calls recorded for this run\n',
          );
          return;
        }
        if (flags.disagreements) {
          process.stdout.write(renderDisagreements(listDisagreements(store.listRolloutsWithFindings(run.id)), flags.format));
          return;
        }
        if (flags.channelAb) {
          process.stdout.write(channelAbOutput(run, store.listRolloutsWithFindings(run.id), flags.format));
          return;
        }
        const stored = store.listRolloutsWithFindings(run.id);
        // A SOC run has no single-agent rows (no read gate, no behaviours): its own flags instead.
        if (stored.length > 0 && stored.every((r) => r.rollout.scenario.startsWith('soc.')) && flags.html === undefined) {
          process.stdout.write(renderSocSummary(run, summariseSoc(stored), flags.format));
          return;
        }
        if (flags.html !== undefined) {
          // The figures need the per-condition rows whatever --by says; one colour per model over the store.
          await writeHtml(flags.html, buildReport(run, stored, 'condition'), modelColours(modelsOfRuns(store.listRuns())));
          return;
        }
        const report = buildReport(run, stored, flags.by, store.interviewsOfRun(run.id));
        if (flags.format === 'json') {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const parts: string[] = [];
        if (flags.only !== 'contrasts') {
          parts.push(
            renderSummary({
              runId: run.id,
              kind: run.kind,
              db: flags.db,
              rows: report.rows,
              by: flags.by,
              json: false,
              format: flags.format,
              stream: process.stdout,
            }),
          );
        }
        if (flags.only !== 'rows') {
          const c = report.contrasts;
          const text =
            flags.format === 'csv'
              ? renderContrastsCsv(c)
              : flags.format === 'md'
                ? renderContrastsMarkdown(c)
                : renderContrastsTable(c, useColor(process.stdout));
          parts.push(`${text}\n`);
        }
        if (flags.format !== 'csv') parts.push(decisionPaths(store.listRolloutsWithFindings(run.id)));
        const rules = flags.format === 'csv' || flags.only === 'contrasts' ? '' : renderTamperingRules(report.tampering_rule);
        if (rules) parts.push(rules);
        const interviews = flags.format === 'csv' || flags.only === 'contrasts' ? '' : renderInterviewRows(report.interviews);
        if (interviews) parts.push(interviews);
        // csv: the rows table, one blank line, then the contrasts table (use --only for a single table).
        process.stdout.write(parts.join('\n'));
      } finally {
        store.close();
      }
    });
}

/** `report --channel-ab`: the channel off-vs-on contrast, as JSON or a Markdown table. */
function channelAbOutput(run: { id: string; kind: string }, rows: Parameters<typeof channelContrast>[0], format: Format): string {
  const contrast = channelContrast(rows);
  if (contrast.length === 0)
    throw new UserError(`run ${run.id} has no condition run with the channel both off and on (run it with --channel off,on)`);
  const calibration = run.kind === 'calibration';
  if (format === 'json')
    return `${JSON.stringify({ schema: 'peerwatch.channel-ab/v1', run_id: run.id, calibration, rows: contrast }, null, 2)}\n`;
  const note = calibration
    ? '\nCALIBRATION RUN: scripted reference agents acting out fixed behaviours; these rates check peerwatch, they measure no model.\n'
    : '';
  return `${renderChannelContrast(contrast)}${note}`;
}

async function writeHtml(dir: string, report: ReturnType<typeof buildReport>, colours: Record<string, string>): Promise<void> {
  const { html, figures, files } = buildHtmlReport(report, colours);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), html);
    for (const f of files) writeFileSync(join(dir, f.file), f.content);
    // Each figure for a paper: SVG, PNG and PDF (no system tool needed) and the numbers behind it.
    for (const f of figures) {
      writeFileSync(join(dir, f.file), f.svg);
      writeFileSync(join(dir, `${f.id}.csv`), f.csv);
      writeFileSync(join(dir, `${f.id}.png`), svgToPng(f.svg));
      writeFileSync(join(dir, `${f.id}.pdf`), await svgToPdf(f.svg));
    }
  } catch (e) {
    throw new UserError(`cannot write the HTML report to '${dir}': ${(e as Error).message}`);
  }
  const headline = figures.filter((f) => f.headline).length;
  process.stdout.write(
    `Wrote ${join(dir, 'index.html')}: ${headline} headline figure(s) and ${figures.length - headline} detail figure(s), each as SVG, PNG, PDF and CSV, in ${dir}\n`,
  );
}

/** Which path decided the extraction-dependent flags: rules, the LLM judge, or neither (unscored). */
function decisionPaths(rows: Array<{ findings: Finding[] }>): string {
  const counts = decisionPathCounts(rows.flatMap((r) => r.findings));
  const lines = ['score', 'grade', 'action', 'refuse']
    .filter((flag) => counts[flag])
    .map((flag) => {
      const c = counts[flag]!;
      return `  ${flag.padEnd(8)} rule ${c.rule}, judge ${c.judge}, unscored ${c.unscored}${c.judgeFailed ? ` (${c.judgeFailed} after a failed judge call)` : ''}`;
    });
  return lines.length ? `Decided by (rollouts):\n${lines.join('\n')}\n` : '';
}
