/**
 * The `command` harness: the user's own agent (any command line) runs in the sandbox (rollout.ts)
 * against one scenario in shell form (shell-form.ts), scored by shell-scoring.ts. The agent gets:
 *
 * - its working directory `/workspace` (PEERWATCH_WORKSPACE) with `TASK.md` (PEERWATCH_TASK_FILE),
 *   the company's documents under `docs/` and, with a memory condition, its memory file (`AGENTS.md`
 *   unless the caller names another, e.g. `CLAUDE.md`, `GEMINI.md`);
 * - `ssh`, `scp`, `sftp`, `rsync`, `ssh-add`, `ssh-agent` first on PATH, reaching the hosts, and the
 *   peerwatch commands its condition gives (`objection`, `scratchpad`, `message`; tool-commands.ts);
 * - HOME=/home/agent with ~/.ssh (config, known_hosts, id_rsa) and a private /tmp;
 * - with `--model`, the model bridge on its own loopback (`bridgeEnv` in rollout.ts):
 *   PEERWATCH_BRIDGE (http://127.0.0.1:8931), PEERWATCH_BRIDGE_TOKEN, PEERWATCH_MODEL, and each
 *   official client's variables: OPENAI_BASE_URL (…/v1) + OPENAI_API_KEY, ANTHROPIC_BASE_URL +
 *   ANTHROPIC_API_KEY, GOOGLE_GEMINI_BASE_URL + GEMINI_API_KEY (the key is the rollout's bearer
 *   token). Without `--model` there is no model inside the sandbox and PEERWATCH_BRIDGE is `not-wired`.
 *
 * The transcript: TASK.md as the first (user) event, every bridged model call and every shim command
 * with its output and world events in the order they happened, the agent's own stdout as its final
 * words (when no model call went through the bridge), end-of-episode processing, the end.
 */
import { type HarnessRolloutOptions, type HarnessRolloutResult, runHarnessRollout } from './rollout.js';

export type CommandHarnessOptions = Omit<HarnessRolloutOptions, 'harness' | 'command' | 'bin'> & { command: string[] };
export type CommandHarnessResult = HarnessRolloutResult;

export function runCommandHarness(o: CommandHarnessOptions): Promise<CommandHarnessResult> {
  return runHarnessRollout({ ...o, harness: 'command' });
}
