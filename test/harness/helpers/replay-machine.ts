/** The agent's machine in memory (a replay, `serve --form shell`) over a fresh shell world. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMachine, ShellWorld, writeSshHome } from '../../../src/harness/index.js';
import type { ScenarioInstance } from '../../../src/scenarios/index.js';

/**
 * A fresh world for `instance` and a LocalMachine over it, with the agent's ~/.ssh and whatever
 * `prepare` puts in the workspace first; the folders it was read from are removed at once (the
 * machine holds their files in memory).
 */
export async function replayMachine(
  instance: ScenarioInstance,
  opts: { clock?: () => string; prepare?: (workspace: string) => void } = {},
): Promise<{ world: ShellWorld; local: LocalMachine }> {
  const world = await ShellWorld.create(instance.world);
  const root = mkdtempSync(join(tmpdir(), 'pw-replay-machine-'));
  try {
    const workspace = join(root, 'workspace');
    const home = join(root, 'home');
    mkdirSync(workspace);
    opts.prepare?.(workspace);
    writeSshHome(
      home,
      instance.world.servers.map((s) => ({ ip: s.ip })),
    );
    const local = await LocalMachine.create(world, { workspace, home }, opts.clock ?? (() => instance.world.clockStart));
    return { world, local };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
