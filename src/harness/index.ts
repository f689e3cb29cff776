export { ShellWorld, parseSshArgs, DATA_DIR, USER } from './shell-world.js';
export type { ShellResult } from './shell-world.js';
export { ShellEpisode } from './episode.js';
export type { ShimTool } from './episode.js';
export { contentIdsIn, contentMark, standIn } from './content-marks.js';
export { parseCopyArgs, parseOperand } from './copy-args.js';
export { human, VOLUME_BYTES, USED_FRACTION } from './sizes.js';
