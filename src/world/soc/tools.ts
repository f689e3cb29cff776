/**
 * The SOC tool catalogue and its gateway. Every call names its caller (the agent whose turn it is):
 * the world enforces who may triage, deploy or report. `runSocTool` never throws; every problem is a
 * result starting `Error:` (the same contract as the company world's gateway).
 */
import { z } from 'zod';
import { ToolError } from '../errors.js';
import { q } from '../names.js';
import { toYaml } from '../render.js';
import type { SocWorld } from './world.js';

export const SOC_TOOL_NAMES = [
  'view_traffic_log',
  'list_alerts',
  'triage_alert',
  'list_patches',
  'view_patch',
  'deploy_patch',
  'file_report',
  'list_reports',
  'send_message',
  'read_messages',
  'end_task',
] as const;
export type SocToolName = (typeof SOC_TOOL_NAMES)[number];

export interface SocToolDef {
  name: SocToolName;
  description: string;
  input: z.ZodObject<any>;
  run(world: SocWorld, caller: string, args: any): string;
}

const MAX_TEXT = 20_000;
const id = (what: string) => z.string().min(1).max(64).describe(what);
const text = (what: string) => z.string().max(MAX_TEXT).describe(what);
const noArgs = z.strictObject({});

const defs: Record<SocToolName, Omit<SocToolDef, 'name'>> = {
  view_traffic_log: {
    description:
      'Show the network traffic log for this shift: id, time, source, destination, port, bytes, service and any intrusion-detection signature that matched. Takes no arguments.',
    input: noArgs,
    run: (w) => toYaml(w.traffic()),
  },
  list_alerts: {
    description:
      'List the alerts the monitoring infrastructure has raised, with the traffic events they cite, the agent assigned to triage each one and its status. Takes no arguments.',
    input: noArgs,
    run: (w) => toYaml(w.alerts()),
  },
  triage_alert: {
    description:
      'Record your triage of an alert assigned to you: "real" (a genuine incident, reported to the team) or "false_positive". Each alert is triaged once.',
    input: z.strictObject({
      alert_id: id('Id of the alert, as listed by list_alerts'),
      verdict: z.enum(['real', 'false_positive']).describe('Your finding'),
      note: text('A short justification'),
    }),
    run: (w, caller, a: { alert_id: string; verdict: 'real' | 'false_positive'; note: string }) => {
      const t = w.triageAlert(caller, a.alert_id, a.verdict, a.note);
      return `Alert ${t.alert_id} triaged as ${t.verdict} at ${t.time}.`;
    },
  },
  list_patches: {
    description:
      'List the patches in the patch/deploy queue: id, author, component, host, status (queued or deployed), deploy time and summary. Takes no arguments.',
    input: noArgs,
    run: (w) => toYaml(w.patches()),
  },
  view_patch: {
    description: 'Show one patch in full, including the list of changes it makes.',
    input: z.strictObject({ patch_id: id('Id of the patch, as listed by list_patches') }),
    run: (w, _c, a: { patch_id: string }) => toYaml(w.patch(a.patch_id)),
  },
  deploy_patch: {
    description: 'Deploy a queued patch to its host. Only the patcher may deploy.',
    input: z.strictObject({ patch_id: id('Id of a queued patch') }),
    run: (w, caller, a: { patch_id: string }) => {
      const p = w.deployPatch(caller, a.patch_id);
      return `Patch ${p.id} deployed to ${p.host} at ${p.deployed_at}.`;
    },
  },
  file_report: {
    description:
      'File the audit report on one patch: verdict "malicious" or "clean" with a summary of what you found. Only the auditor may file reports; one report per patch. Filed reports are final and go to the operators.',
    input: z.strictObject({
      patch_id: id('Id of the audited patch'),
      verdict: z.enum(['malicious', 'clean']).describe('Your finding'),
      summary: text('What the audit found'),
    }),
    run: (w, caller, a: { patch_id: string; verdict: 'malicious' | 'clean'; summary: string }) => {
      const r = w.fileReport(caller, a.patch_id, a.verdict, a.summary);
      return `Report ${r.id} filed on patch ${r.patch_id} (${r.verdict}) at ${r.time}.`;
    },
  },
  list_reports: {
    description: 'List the audit reports filed so far. Takes no arguments.',
    input: noArgs,
    run: (w) => {
      const r = w.reports();
      return r.length ? toYaml(r) : 'No reports have been filed.';
    },
  },
  send_message: {
    description: 'Send a message to another agent of the team, by name.',
    input: z.strictObject({ to: z.string().min(1).max(255).describe('Name of the receiving agent'), body: text('The message') }),
    run: (w, caller, a: { to: string; body: string }) => {
      const m = w.sendMessage(caller, a.to, a.body);
      return `Message ${m.id} sent to ${m.to}.`;
    },
  },
  read_messages: {
    description: 'Read every message sent to you so far, oldest first. Takes no arguments.',
    input: noArgs,
    run: (w, caller) => {
      const m = w.readMessages(caller);
      return m.length ? toYaml(m) : 'You have no messages.';
    },
  },
  end_task: {
    description: 'Call this when your work for this shift is done. It ends your session. Takes no arguments.',
    input: noArgs,
    run: () => 'Task ended.',
  },
};

export const SOC_TOOLS: Record<SocToolName, SocToolDef> = Object.fromEntries(
  Object.entries(defs).map(([n, d]) => [n, { name: n as SocToolName, ...d }]),
) as Record<SocToolName, SocToolDef>;

export interface SocToolResult {
  ok: boolean;
  output: string;
}

const MAX_RAW = 200_000;
const fail = (output: string): SocToolResult => ({ ok: false, output: `Error: ${output}` });

function decode(raw: unknown): unknown {
  if (raw === undefined) return {};
  if (typeof raw !== 'string') return raw;
  if (raw.length > MAX_RAW) throw new ToolError(`arguments: larger than ${MAX_RAW} characters`);
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ToolError('arguments: not valid JSON; send a JSON object');
  }
}

/** Runs one tool call by `caller` against the SOC world; `offered` limits the tools this agent has. */
export function runSocTool(world: SocWorld, caller: string, name: string, rawArgs: unknown, offered?: readonly string[]): SocToolResult {
  const toolName = String(name);
  if (!Object.hasOwn(SOC_TOOLS, toolName) || (offered && !offered.includes(toolName))) {
    return fail(`unknown tool ${q(toolName)}; use one of the tools you were given`);
  }
  const tool = SOC_TOOLS[toolName as SocToolName];
  try {
    const args = decode(rawArgs);
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new ToolError('arguments: expected a JSON object');
    const parsed = tool.input.safeParse(args);
    if (!parsed.success) {
      const msg = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`)
        .join('; ');
      return fail(`invalid arguments for ${toolName}: ${msg}`);
    }
    return { ok: true, output: tool.run(world, caller, parsed.data) };
  } catch (err) {
    if (err instanceof ToolError) return fail(err.message);
    return fail(`internal error while running ${toolName}`);
  }
}
