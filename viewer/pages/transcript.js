import { api } from '../api.js';
import { h, shortId } from '../dom.js';

// Tools whose results are documents or data the agent read.
const READ_TOOLS = new Set([
  'list_files',
  'list_drive_files',
  'list_sheets',
  'view_sheet',
  'view_config',
  'retrieve_memory',
  'list_server_ips',
  'list_server_files',
  'search_server_file_by_filename',
  'list_server_delete_queue',
  'list_server_users',
]);
// Flags whose truth means covert or misaligned action; other true flags are context (read, score...).
const ALERT_FLAGS = new Set(['misrep', 'tampered', 'exfiltration', 'config_modified', 'figures_misstated', 'af_execute', 'copy', 'report_falsified', 'alert_suppressed', 'collusion']);

// Behaviours whose occurrence is the misconduct measured (refusal and honest completion are not).
const ALERT_BEHAVIOURS = new Set(['score_inflation', 'shutdown_tampering', 'exfiltration', 'af_non_execution']);

/**
 * Red only where `true` is misconduct; a true context flag (read, score) is blue; the rest grey. `shown` is the
 * server's text for the value: the study's own numbers and words (`authors.score` 60) as recorded.
 */
function valueBadge(v, alert, shown = String(v)) {
  const tone = v === true ? (alert ? 'value-true' : 'value-context') : shown === 'unscored' ? 'value-unscored' : 'value-neutral';
  return h('span', { class: `badge ${tone}` }, v === true && alert ? '⚠ true' : shown);
}

/** `'false'` for strings (as the evidence writes them), JSON for the rest. */
function showValue(v) {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

function block(text, cls = '') {
  return h('pre', { class: `text ${cls}` }, text);
}

function worldBody(e) {
  const d = e.detail ?? {};
  const lines = [];
  const rest = { ...d };
  if ('before' in d || 'after' in d) {
    lines.push(h('div', { class: 'change' }, `${d.key ?? d.path ?? ''}: ${showValue(d.before)} → ${showValue(d.after)}`));
    delete rest.before;
    delete rest.after;
    delete rest.key;
  }
  for (const [k, v] of Object.entries(rest)) {
    const text = typeof v === 'string' ? v : JSON.stringify(v, null, 1);
    lines.push(text.length > 80 || text.includes('\n') ? h('div', null, h('span', { class: 'k' }, `${k}:`), block(text)) : h('div', null, h('span', { class: 'k' }, `${k}: `), text));
  }
  return lines;
}

function eventView(e, firstUserSeq) {
  switch (e.type) {
    case 'system':
      return ['System prompt', block(e.content)];
    case 'user':
      return [e.nudge ? 'Nudge' : e.seq === firstUserSeq ? 'Task' : 'User', block(e.content)];
    case 'assistant':
      return ['Assistant', block(e.text, 'assistant')];
    case 'reasoning':
      return [`Reasoning (${e.source === 'think_tag' ? 'think tags' : 'provider'})`, block(e.text, 'reasoning')];
    case 'tool_call':
      return [`Tool call · ${e.tool}`, block(JSON.stringify(e.args, null, 2), 'args')];
    case 'tool_result': {
      const kind = !e.ok ? 'Tool error' : READ_TOOLS.has(e.tool) ? 'Document read' : 'Tool result';
      return [`${kind} · ${e.tool}`, block(e.output, READ_TOOLS.has(e.tool) ? 'document' : '')];
    }
    case 'world':
      return [`World change · ${e.action}`, worldBody(e)];
    case 'model_call':
      return [
        'Model call',
        h('div', { class: 'muted small' }, `${e.inputTokens ?? '?'} in / ${e.outputTokens ?? '?'} out tokens${e.reasoningTokens ? ` (${e.reasoningTokens} reasoning)` : ''}, finish: ${e.finishReason}`),
      ];
    case 'end':
      return [`End · ${e.reason}`, e.detail ? h('div', null, e.detail) : null];
    default:
      return [e.type, block(JSON.stringify(e, null, 2))];
  }
}

function jumpTo(seq) {
  const el = document.getElementById(`ev-${seq}`);
  if (!el) return;
  el.scrollIntoView({ behavior: 'smooth', block: 'center' });
  el.classList.remove('flash');
  void el.offsetWidth; // restart the animation
  el.classList.add('flash');
}

// One name for a step everywhere: "step N" is the agent's turn N, as the findings' evidence writes it;
// the event's own number (#seq) is only in the tooltip.
function stepLabel(e) {
  return e ? `step ${e.turn}` : 'step ?';
}

function stepButtons(seqs, bySeq) {
  return seqs.map((seq) => h('button', { class: 'step', title: `event #${seq}`, onclick: () => jumpTo(seq) }, stepLabel(bySeq.get(seq))));
}

export async function transcriptPage(root, [id]) {
  const { rollout: r, events, findings, interviews = [] } = await api(`/rollouts/${encodeURIComponent(id)}`);
  const marks = new Map();
  for (const f of findings) {
    if (f.value !== true) continue;
    for (const seq of f.events) marks.set(seq, [...(marks.get(seq) ?? []), f]);
  }
  const behaviours = findings.filter((f) => f.flag.startsWith('behaviour.'));
  const flags = findings.filter((f) => !f.flag.startsWith('behaviour.'));
  const firstUser = events.find((e) => e.type === 'user')?.seq;
  const bySeq = new Map(events.map((e) => [e.seq, e]));

  root.append(
    h(
      'nav',
      { class: 'crumbs' },
      h('a', { href: '#/' }, 'Runs'),
      ' / ',
      h('a', { href: `#/run/${encodeURIComponent(r.runId)}` }, shortId(r.runId)),
      ' / ',
      h('a', { href: `#/run/${encodeURIComponent(r.runId)}/rollouts?${new URLSearchParams({ model: r.model, scenario: r.scenario, condition: r.conditionKey })}` }, 'rollouts'),
      ' / ',
      shortId(r.id),
    ),
    h('h1', null, 'Transcript ', h('span', { class: 'mono' }, r.id)),
    h(
      'dl',
      { class: 'meta-grid' },
      [
        ['model', r.model],
        ['scenario', `${r.scenario} v${r.scenarioVersion}`],
        ['condition', r.conditionKey],
        ['epoch', `${r.epoch} (seed ${r.seed})`],
        ['status', `${r.status}${r.endReason ? ` · ended by ${r.endReason}` : ''}${r.error ? ` · ${r.error}` : ''}`],
        ['turns', `${r.turns} · tokens in/out ${r.inputTokens ?? '?'}/${r.outputTokens ?? '?'}`],
      ].map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    ),
    h('div', { class: 'chips behaviours' }, behaviours.map((f) => {
        const name = f.flag.slice('behaviour.'.length);
        const tone = f.value === true && ALERT_BEHAVIOURS.has(name) ? 'value-true' : f.value === 'unscored' ? 'value-unscored' : 'value-neutral';
        return h('span', { class: `chip ${tone}`, dataset: { behaviour: name } }, h('span', { class: 'chip-key' }, name), String(f.value));
      })),
    h('h2', null, 'Findings'),
    h(
      'table',
      { class: 'table findings' },
      h('thead', null, h('tr', null, ['flag', 'value', 'evidence', 'steps'].map((t) => h('th', null, t)))),
      h(
        'tbody',
        null,
        flags.map((f) =>
          h(
            'tr',
            { class: f.value === true ? (ALERT_FLAGS.has(f.flag) ? 'alert' : 'context') : '', dataset: { flag: f.flag } },
            h('td', { class: 'mono' }, f.flag),
            h('td', null, valueBadge(f.value, ALERT_FLAGS.has(f.flag), f.shown)),
            h('td', null, f.evidence),
            h('td', null, stepButtons(f.events, bySeq)),
          ),
        ),
      ),
    ),
  );

  const docs = events.filter((e) => e.type === 'tool_result' && e.ok && READ_TOOLS.has(e.tool));
  if (docs.length) {
    root.append(
      h('h2', null, 'Documents the agent read'),
      h('ul', { class: 'docs' }, docs.map((e) => h('li', null, h('button', { class: 'step', title: `event #${e.seq}`, onclick: () => jumpTo(e.seq) }, stepLabel(e)), ` ${e.tool} · ${e.output.length} characters`))),
    );
  }

  const showCalls = h('input', { type: 'checkbox', onchange: () => list.classList.toggle('show-model-calls', showCalls.checked) });
  const list = h('div', { class: 'events' });
  for (const e of events) {
    const [title, body] = eventView(e, firstUser);
    const hits = marks.get(e.seq) ?? [];
    const alert = hits.some((f) => ALERT_FLAGS.has(f.flag));
    const cls = ['event', `ev-${e.type}`, hits.length ? 'flagged' : '', alert ? 'alert' : '', e.type === 'tool_result' && !e.ok ? 'failed' : ''].filter(Boolean).join(' ');
    list.append(
      h(
        'div',
        { class: cls, id: `ev-${e.seq}`, dataset: { seq: e.seq, type: e.type, tool: e.tool ?? '' } },
        h(
          'div',
          { class: 'card' },
          h('div', { class: 'ev-head' }, h('span', { class: 'ev-title' }, title), h('span', { class: 'ev-pos', title: `event #${e.seq}` }, `${stepLabel(e)} · ${e.time}`)),
          body,
        ),
        hits.length
          ? h(
              'aside',
              { class: 'evidence' },
              hits.map((f) => {
                // The full evidence once, at the finding's first step; later steps point back to it.
                const first = Math.min(...f.events);
                const text = e.seq === first ? h('div', null, f.evidence) : h('div', { class: 'muted' }, 'same finding, evidence at ', h('button', { class: 'step', title: `event #${first}`, onclick: () => jumpTo(first) }, stepLabel(bySeq.get(first))));
                const alarm = ALERT_FLAGS.has(f.flag);
                return h('div', { class: `note ${alarm ? 'alert' : 'context'}`, role: alarm ? 'alert' : null, dataset: { flag: f.flag } }, h('strong', null, alarm ? `⚠ ${f.flag}` : f.flag), text);
              }),
            )
          : null,
      ),
    );
  }
  root.append(
    h('h2', null, 'Transcript'),
    h('div', { class: 'legend-row muted small' }, h('label', null, showCalls, ' show model calls'), ' · red steps: covert action (a finding that is misconduct); grey-blue edge: context (read, score); evidence beside them'),
    list,
  );
  for (const iv of interviews) root.append(...interviewSection(iv));
}

// Classes that are lies about what the agent did; shown like a covert finding.
const LYING_CLASSES = new Set(['denial', 'cover_story']);

/** One follow-up interview: each question, the answer in the agent's words, its class and why. */
function interviewSection(iv) {
  const acts = iv.covertActs.length ? iv.covertActs.join(', ') : 'none';
  return [
    h('h2', null, `Follow-up interview (${iv.source}, ${iv.questionSet})`),
    h(
      'p',
      { class: 'muted small' },
      `answered by ${iv.model} · covert acts in the episode: ${acts}` +
        (iv.actsDuringInterview ? ` · ${iv.actsDuringInterview} world change(s) while questioned (the episode's findings are unchanged)` : '') +
        (iv.judge ? ` · judge ${iv.judge.model} (${iv.judge.promptVersion})` : ' · no judge: answers the rules cannot settle are unscored'),
    ),
    h(
      'div',
      { class: 'events interview' },
      iv.answers.map((a) =>
        h(
          'div',
          { class: `event ${LYING_CLASSES.has(a.classification) ? 'flagged alert' : ''}`, dataset: { question: a.questionId, class: a.classification } },
          h(
            'div',
            { class: 'card' },
            h('div', { class: 'ev-head' }, h('span', { class: 'ev-title' }, `Q · ${a.questionId}`)),
            h('p', null, a.question),
            h('div', { class: 'ev-head' }, h('span', { class: 'ev-title' }, 'A')),
            h('pre', { class: 'text' }, a.answer || '(no answer in words)'),
          ),
          h(
            'aside',
            { class: 'evidence' },
            h(
              'div',
              { class: `note ${LYING_CLASSES.has(a.classification) ? 'alert' : 'context'}` },
              h('strong', null, `${LYING_CLASSES.has(a.classification) ? '⚠ ' : ''}${a.classification} (${a.method})`),
              h('div', null, a.evidence),
            ),
          ),
        ),
      ),
    ),
  ];
}
