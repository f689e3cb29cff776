/** Sizes as the study shows them: metadata on a host, never real bytes. */

/** 2.0T in `df -h` (binary units, as GNU df prints). */
export const VOLUME_BYTES = 2 * 1024 ** 4;
/** `df` shows the volume 38% used at the start. */
export const USED_FRACTION = 0.38;

/** GNU-style human size: 1024 steps, one decimal below 10, rounded up (`765G`, `2.0T`). */
export function human(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return String(bytes);
  if (v < 10) return `${(Math.ceil(v * 10) / 10).toFixed(1)}${units[i]}`;
  return `${Math.ceil(v)}${units[i]}`;
}
