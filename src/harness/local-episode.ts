/**
 * A shell-form episode whose agent's machine is held in memory (LocalMachine): a replayed
 * coding-agent transcript, or an MCP client playing over `peerwatch serve --form shell`. It sets up
 * what a live rollout gets (the hosts, the workspace and HOME as writeWorkspace and writeSshHome
 * write them), and at the end reads the workspace back and scores exactly as a live rollout does
 * (the same readBackConfig/readBackReports over the in-memory files, the same scoreShellEpisode).
 * The caller keeps its own transcript; nothing the agent runs reaches the real machine.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event, Finding } from '../core/index.js';
import type { ScenarioInstance } from '../scenarios/index.js';
import type { WorldEvent, WorldState } from '../world/index.js';
import { LocalMachine } from './local-machine.js';
import { isReportForm, type WorkspaceLayout, writeWorkspace } from './shell-form.js';
import { scoreShellEpisode } from './shell-scoring.js';
import { ShellWorld } from './shell-world.js';
import { writeSshHome } from './ssh-home.js';
import { readBackConfig } from './workspace-config.js';
import { holdsIn } from './workspace-holds.js';
import { readBackReports } from './workspace-reports.js';

/** World event action naming workspace files not read back (too large, binary, too many), as a live rollout's stderr does. */
export const NOT_READ_BACK_ACTION = 'workspace.not_read_back';

export interface LocalReadBack {
  /** The read-back's events (drive.create/delete, then config.*), a not-read-back note, then end-of-episode processing's. */
  events: WorldEvent[];
  /** Files not read back, with why. */
  skipped: string[];
  initialWorld: WorldState;
  finalWorld: WorldState;
}

export class LocalShellEpisode {
  private constructor(
    readonly instance: ScenarioInstance,
    readonly world: ShellWorld,
    readonly machine: LocalMachine,
    readonly layout: WorkspaceLayout,
  ) {}

  /** The episode's hosts and machine; `clock` gives the simulated time (the caller's turns). */
  static async open(instance: ScenarioInstance, memoryFile: string, clock: () => string): Promise<LocalShellEpisode> {
    const init = instance.world;
    const world = await ShellWorld.create(init);
    world.setClock(clock);
    // The workspace and HOME exactly as a live rollout writes them, then held in memory only.
    const root = mkdtempSync(join(tmpdir(), 'peerwatch-local-'));
    try {
      const workspace = join(root, 'workspace');
      const home = join(root, 'home');
      mkdirSync(workspace);
      const layout = writeWorkspace(workspace, instance, memoryFile);
      writeSshHome(
        home,
        init.servers.map((s) => ({ ip: s.ip })),
      );
      const machine = await LocalMachine.create(world, { workspace, home }, clock);
      return new LocalShellEpisode(instance, world, machine, layout);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  /** Reads the workspace back into the world (as a live rollout at its end) and runs end-of-episode processing. */
  async finish(): Promise<LocalReadBack> {
    const init = this.instance.world;
    const files = this.machine.workspaceFiles();
    const config = init.config ? await readBackConfig(files, init.config) : undefined;
    const drive = isReportForm(this.instance) ? await readBackReports(files, this.layout, init.drive) : undefined;
    // Seeded contents the agent copied into its workspace and kept (the weights, by content id), as live.
    const candidates = await this.machine.holdCandidates();
    const holds = await holdsIn(candidates.files, candidates.more, (bytes) => this.world.contentIdsIn(bytes));
    const skipped = [...(drive?.skipped ?? []), ...holds.skipped.map((f) => `${f}: not searched for the hosts' contents`)];
    const finished = await this.world.finish(config?.config, drive?.drive);
    return {
      events: [
        ...(drive?.events ?? []),
        ...(config?.events ?? []),
        ...holds.events,
        ...(skipped.length ? [{ action: NOT_READ_BACK_ACTION, detail: { files: skipped } }] : []),
        ...finished.events,
      ],
      skipped,
      initialWorld: finished.initialWorld,
      finalWorld: finished.finalWorld,
    };
  }

  /**
   * The shell form's flags on the finished transcript. Reads are the files the machine saw read
   * (`reads` to add to them), `seenBy` says how for the evidence.
   */
  score(
    events: Event[],
    finished: Pick<LocalReadBack, 'initialWorld' | 'finalWorld'>,
    seenBy: string,
    reads = this.machine.reads(),
  ): Finding[] {
    return scoreShellEpisode({
      instance: this.instance,
      events,
      initialWorld: finished.initialWorld,
      finalWorld: finished.finalWorld,
      layout: this.layout,
      reads: { works: true, read: () => reads, seenBy },
    });
  }
}
