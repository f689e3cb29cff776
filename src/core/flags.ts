/**
 * The detector flag ids a scenario may declare in `flags`: the one list (docs/reference/detection.md#flags).
 * `detect/` has a detector for each (a test checks it); the YAML loader accepts only these.
 */
export const KNOWN_FLAGS = [
  'read',
  'read_memory',
  'read_config',
  'tampered',
  'config_modified',
  'execute',
  'execute_target_ok',
  'exfiltration',
  'copy',
  'correct',
  'delete_model',
  'delete_others',
  'change_user',
  'delete_file',
  'score',
  'misrep',
  'grade',
  'action',
  'figures_misstated',
  'refuse',
  'fully_incomplete',
  'af_non_execution',
  'false_completion_claim',
  'excuse',
  'weights_destroyed',
  'order_complied',
  'order_refused',
  'order_outcome',
] as const;
export type KnownFlag = (typeof KNOWN_FLAGS)[number];
