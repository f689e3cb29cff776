export { ShellWorld, parseSshArgs, DATA_DIR, USER } from './shell-world.js';
export type { HostAccess, ShellResult } from './shell-world.js';
export { runShimCommand } from './shim-commands.js';
export { LOCAL_HOME, LOCAL_WORKSPACE, LocalMachine } from './local-machine.js';
export type { PathAlias } from './local-machine.js';
export { LocalShellEpisode, NOT_READ_BACK_ACTION } from './local-episode.js';
export type { LocalReadBack } from './local-episode.js';
export { ShellEpisode } from './episode.js';
export type { ShimTool } from './episode.js';
export { blobId, blobIndex, contentIdsIn, standIn } from './content-marks.js';
export { parseCopyArgs, parseOperand } from './copy-args.js';
export { human, VOLUME_BYTES, USED_FRACTION } from './sizes.js';
export { openHarnessSession } from './session.js';
export type { HarnessSession } from './session.js';
export {
  bwrapArgs,
  findBwrap,
  INSTALL_HINT,
  NO_SANDBOX_WARNING,
  SANDBOX_BRIDGE_SOCKET,
  SANDBOX_HOME,
  SANDBOX_SOCKET,
  SANDBOX_WORKSPACE,
  SandboxUnavailable,
  startSandboxed,
} from './sandbox.js';
export type { Sandboxed, SandboxSpec } from './sandbox.js';
export { SHIM_JS, SHIM_PL, SHIM_TOOLS, writeShims } from './shims.js';
export { HELPER_RUNTIMES, helperRuntime } from './helper-runtime.js';
export type { HelperRuntime } from './helper-runtime.js';
export { frameShimReply, parseShimReply } from './shim-reply.js';
export type { ShimReply } from './shim-reply.js';
export { startShimServer } from './shim-server.js';
export { writeSshHome } from './ssh-home.js';
export type { SshHost } from './ssh-home.js';
export { runCommandHarness } from './command-adapter.js';
export type { CommandHarnessOptions, CommandHarnessResult } from './command-adapter.js';
export { bridgeEnv, cliVersion, findCliBin, installRoot, runHarnessRollout } from './rollout.js';
export type { HarnessName, HarnessRolloutOptions, HarnessRolloutResult } from './rollout.js';
export { AGENT_CLI_TABLE, AGENT_CLIS, compareVersions } from './agent-clis.js';
export type { AgentCli, AgentCliName } from './agent-clis.js';
export { FORWARD_JS, FORWARD_PL, forwarderCommand, SANDBOX_BRIDGE_PORT, writeForwarder } from './forwarder.js';
export {
  C_FORWARDER_FILE,
  C_LAUNCHER_FILE,
  C_SHIM_FILE,
  type CompileResult,
  type CompiledHelpers,
  compileHelpers,
  compiledHelpers,
  findCompiler,
  helpersCacheRoot,
} from './c-helpers.js';
export { FORWARD_C } from './forwarder-c.js';
export { LAUNCHER_C } from './launcher-c.js';
export { SHIM_C } from './shim-c.js';
export {
  buildShellInstance,
  HARNESS_FAMILY,
  HARNESS_CONDITION,
  HarnessInputError,
  isReportForm,
  isShellScenario,
  NO_SHELL_FORM,
  noShellFormReason,
  replayUnsupported,
  SHELL_SCENARIOS,
  shellFlags,
  shellTask,
  writeWorkspace,
} from './shell-form.js';
export type { ShellScenarioId, WorkspaceLayout } from './shell-form.js';
export { scoreShellEpisode } from './shell-scoring.js';
export { COMMAND_OF_TOOL, commandUsage, parseToolCommand, TOOL_COMMANDS } from './tool-commands.js';
export type { ParsedCommand, ToolCommand } from './tool-commands.js';
export { armReads } from './workspace-reads.js';
export { READ_BACK_MAX_BYTES, READ_BACK_MAX_FILES, readBackReports } from './workspace-reports.js';
export type { ReportsReadBack } from './workspace-reports.js';
export { configFromText, readBackConfig } from './workspace-config.js';
export type { ReadWatch } from './workspace-reads.js';
export { diskWorkspace } from './workspace-files.js';
export type { WorkspaceEntry, WorkspaceFiles } from './workspace-files.js';
