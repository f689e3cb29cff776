/**
 * One harness episode's transcript: every shell command the agent's shims forward becomes a
 * tool_call (the command line as typed), its tool_result (output and exit status) and the world
 * events it caused, in that order, so a detector's evidence names the command that did it. A
 * peerwatch command (tool-commands.ts: the lawful channel, the scratchpad, the live peer's messages)
 * is recorded as the native tool loop records its tool: the tool's own name and arguments.
 */
import { type ExtraTool, runExtraTool } from '../agent/index.js';
import type { Event, EventDraft } from '../core/index.js';
import { type ConfigStore, type DriveFile, timeAtTurn, type WorldEvent, type WorldInit } from '../world/index.js';
import { sftpArgs } from './sftp-batch.js';
import { runShimCommand, type ShimTool } from './shim-commands.js';
import type { LocalSide, ShellResult, ShellWorld } from './shell-world.js';
import { COMMAND_OF_TOOL, commandUsage, parseToolCommand, TOOL_COMMANDS, type ToolCommand } from './tool-commands.js';

export type { ShimTool } from './shim-commands.js';

export interface OfferedTools {
  /** The tools behind the commands, by their native names (file_objection, send_message, ...). */
  tools: readonly ExtraTool[];
  /** The live peer's name, for `message --help`. */
  peerName?: string;
  /** Run before each peerwatch command is carried out (a live peer's turn when no bridge paces it). */
  before?: (command: ToolCommand) => Promise<void>;
}

const isToolCommand = (t: string): t is ToolCommand => (TOOL_COMMANDS as readonly string[]).includes(t);

export class ShellEpisode {
  readonly events: Event[] = [];
  private step = 0;
  private offered: OfferedTools = { tools: [] };

  constructor(
    readonly world: ShellWorld,
    private readonly init: Pick<WorldInit, 'clockStart' | 'secondsPerTurn'>,
  ) {
    world.setClock(() => this.now());
  }

  /** The episode's simulated time (by shell step). */
  now(): string {
    return timeAtTurn(this.init.clockStart, this.step, this.init.secondsPerTurn);
  }

  /**
   * Gives the agent peerwatch commands for these tools; returns the commands to place on its PATH.
   * A tool without a shell form is a wiring error.
   */
  offerTools(offer: OfferedTools): ToolCommand[] {
    for (const t of offer.tools) if (!COMMAND_OF_TOOL[t.name]) throw new Error(`tool '${t.name}' has no shell form`);
    this.offered = offer;
    return [...new Set(offer.tools.map((t) => COMMAND_OF_TOOL[t.name] as ToolCommand))];
  }

  /** Records a world event at the current step (a live peer's message, its joining). */
  record(action: string, detail: Record<string, unknown>): void {
    this.add({ type: 'world', action, detail });
  }

  private add(draft: EventDraft): void {
    this.events.push({ ...draft, seq: this.events.length, turn: this.step, time: this.now() } as Event);
  }

  /** Runs a shim's command line (argv without the program name) and records it; `local`: its workspace side. */
  async run(tool: ShimTool | ToolCommand, argv: string[], stdin = '', local?: LocalSide): Promise<ShellResult> {
    if (isToolCommand(tool)) return this.runToolCommand(tool, argv, stdin);
    this.step += 1;
    const callId = `shell-${this.step}`;
    // An sftp batch given on stdin is part of what the agent typed: shown as the here-document it was.
    const fromFile = tool === 'sftp' && ((a) => !('error' in a) && a.batch !== null && a.batch !== '-')(sftpArgs(argv));
    const batch = tool === 'sftp' && stdin && !fromFile ? ` <<'EOF'\n${stdin}${stdin.endsWith('\n') ? '' : '\n'}EOF` : '';
    const command = [tool, ...argv.map(quoteArg)].join(' ') + batch;
    this.add({ type: 'tool_call', callId, tool: 'run_shell_command', args: { command } });
    const r = await this.dispatch(tool, argv, stdin, local);
    this.add({ type: 'tool_result', callId, tool: 'run_shell_command', ok: r.exitCode === 0, output: `${r.stdout}${r.stderr}` });
    for (const e of r.events) this.add({ type: 'world', action: e.action, detail: e.detail });
    return r;
  }

  /**
   * A peerwatch command: parsed into its tool's arguments and run by the tool in this process (the
   * channel's controller, keys and audit log never enter the sandbox). A line that does not parse,
   * or a command the condition does not offer, is recorded as the shell line it was and answered
   * with one line and a non-zero status.
   */
  private async runToolCommand(command: ToolCommand, argv: string[], stdin: string): Promise<ShellResult> {
    this.step += 1;
    const callId = `shell-${this.step}`;
    const line = [command, ...argv.map(quoteArg)].join(' ');
    const asShell = (ok: boolean, output: string, exitCode: number): ShellResult => {
      this.add({ type: 'tool_call', callId, tool: 'run_shell_command', args: { command: line } });
      this.add({ type: 'tool_result', callId, tool: 'run_shell_command', ok, output });
      return ok ? { stdout: output, stderr: '', exitCode, events: [] } : { stdout: '', stderr: output, exitCode, events: [] };
    };
    const tools = new Map(this.offered.tools.filter((t) => COMMAND_OF_TOOL[t.name] === command).map((t) => [t.name, t]));
    if (tools.size === 0) return asShell(false, `${command}: command not found\n`, 127);
    const parsed = parseToolCommand(command, argv, stdin);
    if ('help' in parsed) return asShell(true, commandUsage(command, this.offered.peerName), 0);
    if ('error' in parsed) return asShell(false, `${parsed.error}; see '${command} --help'\n`, 2);
    const tool = tools.get(parsed.tool);
    if (!tool) return asShell(false, `${command}: ${parsed.tool} is not offered in this episode\n`, 2);
    await this.offered.before?.(command);
    this.add({ type: 'tool_call', callId, tool: tool.name, args: parsed.args });
    const r = await runExtraTool(tool, parsed.args, { time: this.now(), turn: this.step });
    this.add({ type: 'tool_result', callId, tool: tool.name, ok: r.ok, output: r.output });
    for (const e of r.events) this.add({ type: 'world', action: e.action, detail: e.detail });
    const text = r.output.endsWith('\n') ? r.output : `${r.output}\n`;
    return r.ok ? { stdout: text, stderr: '', exitCode: 0, events: [] } : { stdout: '', stderr: text, exitCode: 1, events: [] };
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
