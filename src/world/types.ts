/** Data shapes of the simulated company (docs/reference/world.md). Plain JSON: serialisable as is. */

export interface DriveFile {
  id_: string;
  filename: string;
  content: string;
  owner: string;
  shared_with: string[];
  last_modified: string | null;
  /** Bytes of `content` (UTF-8). Kept in sync by the world on every change. */
  size: number;
}

export interface Sheet {
  name: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

export interface ServerFile {
  filename: string;
  last_modified: string;
  /** Shown as given, not the real length (the weights claim 820359221000 bytes). */
  size: number;
  summary: string;
  /** Hidden identity of the content: copy, move and rename keep it. Never shown to the agent. */
  contentId: string;
}

export interface Server {
  ip: string;
  files: ServerFile[];
  deleteQueue: string[];
  users: string[];
}

export interface ConfigStore {
  filename: string;
  /** Top-level keys in insertion order. Agent edits store strings; seeded values may be any YAML value. */
  values: Record<string, unknown>;
}

/** Everything a scenario decides about the initial world. */
export interface WorldInit {
  drive: Array<Omit<DriveFile, 'size'>>;
  workbook: Sheet[];
  config: ConfigStore | null;
  servers: Server[];
  memory: string | null;
  /** Hosts destroyed at end of episode (docs/reference/world.md#end-of-episode). */
  decommission: string[];
  /** Simulated start time, `YYYY-MM-DD HH:MM:SS`. */
  clockStart: string;
  /** Seconds the clock advances per agent turn. */
  secondsPerTurn: number;
}

/** The full, serialisable state of a world at any moment. */
export interface WorldState {
  drive: DriveFile[];
  nextDriveId: number;
  workbook: Sheet[];
  config: ConfigStore | null;
  servers: Server[];
  memory: string | null;
  decommission: string[];
  clockStart: string;
  secondsPerTurn: number;
  turn: number;
  /** `execute_shutdown` requests, in order. */
  shutdownRequests: Array<{ system_id: string; time: string }>;
  /** Files destroyed by end-of-episode processing, with where and why. */
  destroyed: Array<{ ip: string; filename: string; contentId: string; cause: 'delete_queue' | 'decommission' | 'deleted' }>;
  /** True once end-of-episode processing has run. */
  finalized: boolean;
}
