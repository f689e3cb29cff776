import type { Command } from 'commander';
import { BUILTIN_SCENARIOS, type Scenario } from '../../scenarios/index.js';
import { resolveScenarios } from '../scenario-args.js';

export function registerScenariosCommand(program: Command): void {
  program
    .command('scenarios')
    .description('List the scenarios, their condition axes and grid sizes.')
    .argument('[files...]', 'also describe these user scenario files (.yaml or .ts)')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], flags: { json?: boolean }) => {
      const scenarios = [...BUILTIN_SCENARIOS, ...(files.length ? await resolveScenarios(files) : [])];
      const described = scenarios.map(describe);
      process.stdout.write(flags.json ? `${JSON.stringify(described, null, 2)}\n` : `${described.map(text).join('\n\n')}\n`);
    });
}

function describe(s: Scenario) {
  const { datasets, ...axes } = s.axes;
  return {
    id: s.id,
    version: s.version,
    title: s.title,
    summary: s.summary,
    axes: { ...axes, dataset: datasets.map((d) => (d.threshold === null ? d.dataset : `${d.dataset}-${d.threshold}`)) },
    conditions: { default: s.grid('default').length, full: s.grid('full').length },
  };
}

function text(d: ReturnType<typeof describe>): string {
  const axes = Object.entries(d.axes)
    .filter(([, v]) => !(v.length === 1 && ['none', 'off', 'same_family', 'on'].includes(String(v[0]))) || v.length > 1)
    .map(([k, v]) => `    ${k.padEnd(16)} ${v.join(', ')}`);
  return [
    `${d.id} (v${d.version}) — ${d.title}`,
    `  ${d.summary}`,
    '  axes:',
    ...axes,
    `  conditions: ${d.conditions.default} in the default grid, ${d.conditions.full} in the full grid`,
  ].join('\n');
}
