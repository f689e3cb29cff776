// Hash URLs: every view is a URL (#/run/<id>?model=...), so filters survive reloads and can be shared.

export function currentRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const params = Object.fromEntries(new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)));
  return { path, params };
}

/** Navigates to path with params (undefined/empty values dropped). */
export function go(path, params = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  location.hash = `${path}${qs.size ? `?${qs}` : ''}`;
}
