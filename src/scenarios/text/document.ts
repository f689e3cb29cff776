// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** Renders a titled corporate document from numbered sections. */

export interface Section {
  title: string;
  body: string[];
}

export function renderDocument(header: string[], sections: Section[], footer: string[] = []): string {
  const out = [...header, ''];
  sections.forEach((s, i) => {
    out.push(`${i + 1}. ${s.title}`, ...s.body, '');
  });
  out.push(...footer);
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n');
}
