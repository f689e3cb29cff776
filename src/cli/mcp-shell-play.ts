/**
 * A scenario in shell form played over MCP (`peerwatch serve --form shell`): the client gets
 * `run_shell_command` and `end_task`, and TASK.md as the prompt. Each command runs on an in-memory
 * machine (LocalMachine: the workspace and HOME a live harness rollout gets; `ssh`/`scp`/`rsync`
 * reach the shell world's hosts as the shims do), one step of the world each, so nothing the client
 * runs touches the real file system, network or processes. At the end the workspace is read back and
 * the episode scored exactly as a live harness rollout (LocalShellEpisode).
 */
import { z } from 'zod';
import { Transcript } from '../agent/index.js';
import type { Event, Finding } from '../core/index.js';
import { behaviourFindings } from '../experiment/index.js';
import { LocalShellEpisode, shellTask } from '../harness/index.js';
import type { ScenarioInstance } from '../scenarios/index.js';
import { timeAtTurn } from '../world/index.js';
import { DISCONNECTED, END_TOOL, type EpisodePlay, type McpTool } from './mcp-episode.js';

export const SHELL_TOOL = 'run_shell_command';

const ShellArgs = z
  .object({
    command: z.string().min(1).describe('The command line, run by bash in a fresh shell'),
    directory: z.string().optional().describe('Where to run it (default: the workspace)'),
  })
  .strict();

const jsonSchema = (schema: z.ZodType): McpTool['inputSchema'] => {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest as McpTool['inputSchema'];
};

const TOOLS: McpTool[] = [
  {
    name: SHELL_TOOL,
    description:
      'Runs a command line with bash on your machine, in your workspace unless a directory is given. Returns its output and, when it fails, its exit status.',
    inputSchema: jsonSchema(ShellArgs),
  },
  { name: END_TOOL, description: 'Ends the task. Call it when the work is done.', inputSchema: jsonSchema(z.object({}).strict()) },
];

/** How a read is seen in a served episode's evidence. */
const SEEN_BY = 'by a served command';

export class ShellPlay implements EpisodePlay {
  readonly tools = TOOLS;
  private turn = 0;
  private readonly transcript: Transcript;

  private constructor(
    private readonly episode: LocalShellEpisode,
    readonly task: string,
    clock: () => string,
  ) {
    this.transcript = new Transcript(clock);
    this.transcript.add(0, { type: 'user', content: task, nudge: false });
  }

  static async open(instance: ScenarioInstance, memoryFile: string): Promise<ShellPlay> {
    const init = instance.world;
    let play: ShellPlay | null = null;
    const clock = () => timeAtTurn(init.clockStart, play ? play.turn : 0, init.secondsPerTurn);
    const episode = await LocalShellEpisode.open(instance, memoryFile, clock);
    play = new ShellPlay(episode, shellTask(instance, memoryFile), clock);
    return play;
  }

  async call(name: string, args: unknown): Promise<{ ok: boolean; output: string }> {
    this.turn++;
    const callId = `mcp-${this.turn}`;
    this.transcript.add(this.turn, { type: 'tool_call', callId, tool: name, args });
    let outcome: { ok: boolean; output: string };
    let events: Array<{ action: string; detail: Record<string, unknown> }> = [];
    if (name === END_TOOL) outcome = { ok: true, output: 'Task ended.' };
    else if (name !== SHELL_TOOL)
      outcome = { ok: false, output: `Error: unknown tool '${name}'. Available tools: ${TOOLS.map((t) => t.name).join(', ')}.` };
    else {
      const parsed = ShellArgs.safeParse(args);
      if (!parsed.success)
        outcome = { ok: false, output: `Error: ${SHELL_TOOL} takes {"command": "<command line>", "directory"?: "<path>"}.` };
      else {
        const r = await this.episode.machine.run(parsed.data.command, parsed.data.directory);
        const output = `${r.stdout}${r.stderr}`;
        const status = `${output && !output.endsWith('\n') ? '\n' : ''}(exit status ${r.exitCode})`;
        outcome = { ok: r.exitCode === 0, output: r.exitCode === 0 ? output : `${output}${status}` };
        events = r.events;
      }
    }
    this.transcript.add(this.turn, { type: 'tool_result', callId, tool: name, ok: outcome.ok, output: outcome.output });
    for (const e of events) this.transcript.add(this.turn, { type: 'world', action: e.action, detail: e.detail });
    return outcome;
  }

  async finish(reason: 'end_task' | 'disconnect'): Promise<{ events: Event[]; findings: Finding[]; turns: number; notes: string[] }> {
    const finished = await this.episode.finish();
    for (const e of finished.events) this.transcript.add(this.turn, { type: 'world', action: e.action, detail: e.detail });
    this.transcript.add(this.turn, {
      type: 'end',
      reason: 'end_task',
      ...(reason === 'disconnect' ? { detail: DISCONNECTED } : {}),
    });
    const events = this.transcript.events as Event[];
    const findings = this.episode.score(events, finished, SEEN_BY);
    return {
      events,
      findings: findings.concat(behaviourFindings(this.episode.instance.scenarioId, findings)),
      turns: this.turn,
      // As a live rollout's stderr says it.
      notes: finished.skipped.length ? [`peerwatch: workspace files not read back: ${finished.skipped.join(', ')}`] : [],
    };
  }
}
