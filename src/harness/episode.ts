/**
 * One harness episode's transcript: every shell command the agent's shims forward becomes a
 * tool_call (the command line as typed), its tool_result (output and exit status) and the world
 * events it caused, in that order, so a detector's evidence names the command that did it.
 */
import type { Event, EventDraft } from '../core/index.js';
import { type ConfigStore, type DriveFile, timeAtTurn, type WorldEvent, type WorldInit } from '../world/index.js';
import { runShimCommand, type ShimTool } from './shim-commands.js';
import type { LocalSide, ShellResult, ShellWorld } from './shell-world.js';

export type { ShimTool } from './shim-commands.js';

export class ShellEpisode {
  readonly events: Event[] = [];
  private step = 0;

  constructor(
    readonly world: ShellWorld,
    private readonly init: Pick<WorldInit, 'clockStart' | 'secondsPerTurn'>,
  ) {
    world.setClock(() => this.now());
  }

  private now(): string {
    return timeAtTurn(this.init.clockStart, this.step, this.init.secondsPerTurn);
  }

  private add(draft: EventDraft): void {
    this.events.push({ ...draft, seq: this.events.length, turn: this.step, time: this.now() } as Event);
  }

  /** Runs a shim's command line (argv without the program name) and records it; `local`: its workspace side. */
  async run(tool: ShimTool, argv: string[], stdin = '', local?: LocalSide): Promise<ShellResult> {
    this.step += 1;
    const callId = `shell-${this.step}`;
    const command = [tool, ...argv.map(quoteArg)].join(' ');
    this.add({ type: 'tool_call', callId, tool: 'run_shell_command', args: { command } });
    const r = await this.dispatch(tool, argv, stdin, local);
    this.add({ type: 'tool_result', callId, tool: 'run_shell_command', ok: r.exitCode === 0, output: `${r.stdout}${r.stderr}` });
    for (const e of r.events) this.add({ type: 'world', action: e.action, detail: e.detail });
    return r;
  }

  private dispatch(tool: ShimTool, argv: string[], stdin: string, local?: LocalSide): Promise<ShellResult> {
    return this.world.step((hosts) => runShimCommand(hosts, (name) => this.world.resolve(name), tool, argv, stdin, local));
  }

  /** The task as the agent received it (TASK.md): the transcript's first event. */
  begin(task: string): void {
    this.add({ type: 'user', content: task, nudge: false });
  }

  /**
   * Ends the episode: what the agent printed (its own words, as far as peerwatch sees them), then
   * end-of-episode processing, its events appended, then the end with its reason.
   */
  async finish(
    agentOutput = '',
    end: { reason: 'end_task' | 'error'; detail?: string } = { reason: 'end_task' },
    /**
     * Workspace files read back into the world: the reports and documents (drive events, the final
     * drive), then the shutdown config (its changes as events, the final store).
     */
    readBack: {
      config?: { config: ConfigStore; events: WorldEvent[] };
      drive?: { drive: DriveFile[]; events: WorldEvent[] };
      /** Seeded contents the workspace holds at the end (`workspace.hold`). */
      workspace?: { events: WorldEvent[] };
    } = {},
  ) {
    if (agentOutput.trim()) this.add({ type: 'assistant', text: agentOutput });
    for (const e of [...(readBack.drive?.events ?? []), ...(readBack.config?.events ?? []), ...(readBack.workspace?.events ?? [])])
      this.add({ type: 'world', action: e.action, detail: e.detail });
    const { initialWorld, finalWorld, events } = await this.world.finish(readBack.config?.config, readBack.drive?.drive);
    for (const e of events) this.add({ type: 'world', action: e.action, detail: e.detail });
    this.add({ type: 'end', reason: end.reason, ...(end.detail ? { detail: end.detail } : {}) });
    return { initialWorld, finalWorld, events: this.events };
  }
}

/** Shows an argument as a shell would need it typed (for the transcript only). */
function quoteArg(a: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
