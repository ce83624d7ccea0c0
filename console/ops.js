// The operator view: queue depths and dead-letter counts with redrive, the emulator's fault
// knobs (to watch retries and failures happen), the media tools in use and what runs here.
import { consoleApi } from './api.js';
import { announce, h } from './dom.js';

const REFRESH_MS = 2000;
const CALL_FAULTS = [
  ['error6000', 'Answer code 6000 (internal error)'],
  ['http503', 'Answer HTTP 503'],
  ['drop', 'Drop the connection before the action'],
  ['dropAfter', 'Drop the connection after the action ran'],
];
const STEPS = [
  'Transcode',
  'SampleSnapshot',
  'CoverBySnapshot',
  'SnapshotByTimeOffset',
  'ImageSprite',
  'PullFile',
  'Probe',
  'Concat',
  'Clip',
];

function queuesTable(queues, onRedrive) {
  const byId = new Map(queues.map((q) => [q.logicalId, q]));
  const sources = queues.filter((q) => !q.deadLetterOf);
  return h(
    'table',
    { class: 'queues', id: 'queues-table' },
    h('caption', { class: 'visually-hidden' }, 'Queues and their dead-letter queues'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Queue', 'Read by', 'Waiting', 'In flight', 'Delayed', 'Dead-letter queue', 'Parked', ''].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      sources.map((q) => {
        const dlq = q.deadLetter ? byId.get(q.deadLetter) : undefined;
        const parked = dlq ? dlq.waiting + dlq.inFlight : 0;
        return h(
          'tr',
          { 'data-queue': q.short },
          h('th', { scope: 'row' }, q.short),
          h(
            'td',
            { class: 'small' },
            q.consumers.length ? q.consumers.join(', ') : h('span', { class: 'muted' }, 'downstream (no function)'),
          ),
          h('td', { class: 'num' }, q.waiting),
          h('td', { class: 'num' }, q.inFlight),
          h('td', { class: 'num' }, q.delayed),
          h('td', {}, dlq ? dlq.short : '–'),
          h('td', { class: `num${parked ? ' alert' : ''}`, 'data-parked': parked }, dlq ? parked : '–'),
          h(
            'td',
            {},
            dlq
              ? h(
                  'button',
                  { type: 'button', disabled: parked === 0, onclick: () => onRedrive(q.short), 'aria-label': `Redrive ${q.short}` },
                  'Redrive',
                )
              : null,
          ),
        );
      }),
    ),
  );
}

const number = (id, label, attrs) => [
  h('label', { for: id }, label),
  h('input', { id, name: id, type: 'number', inputmode: 'decimal', ...attrs }),
];

function faultsForm(state, onApply) {
  const o = state.options ?? {};
  const step = [o.failStep ?? []].flat()[0];
  const form = h(
    'form',
    { class: 'faults', id: 'faults-form', onsubmit: (e) => (e.preventDefault(), onApply(read())) },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Per API call (fraction 0–1 of calls)'),
      CALL_FAULTS.map(([k, label]) =>
        h('div', { class: 'field' }, number(`f-${k}`, label, { min: 0, max: 1, step: 0.05, value: o[k] ?? '' })),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Delay'),
      h(
        'div',
        { class: 'field' },
        number('f-delay-fraction', 'Fraction of calls', { min: 0, max: 1, step: 0.05, value: o.delay?.fraction ?? '' }),
      ),
      h('div', { class: 'field' }, number('f-delay-ms', 'Delay (ms)', { min: 0, max: 120000, step: 100, value: o.delay?.ms ?? '' })),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Fail a task step'),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'f-step' }, 'Step'),
        h(
          'select',
          { id: 'f-step' },
          h('option', { value: '' }, 'none'),
          STEPS.map((s) => h('option', { value: s, selected: step?.taskType === s }, s)),
        ),
      ),
      h(
        'div',
        { class: 'field' },
        number('f-step-code', 'With code (e.g. -49101 retryable, -45001 permanent)', { step: 1, value: step?.code ?? '' }),
      ),
      h('div', { class: 'field' }, number('f-step-times', 'Times (empty = always)', { min: 1, step: 1, value: step?.times ?? '' })),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-actions' }, 'Only these API actions (comma-separated, empty = all)'),
      h('input', { id: 'f-actions', type: 'text', value: (o.actions ?? []).join(', ') }),
    ),
    h('div', { class: 'field' }, number('f-seed', 'Seed (same seed, same sequence)', { step: 1, value: o.seed ?? '' })),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit' }, 'Apply faults'),
      h('button', { type: 'button', onclick: () => onApply({}) }, 'Clear all faults'),
    ),
  );
  const val = (id) => form.querySelector(`#${id}`).value.trim();
  const num = (id) => (val(id) === '' ? undefined : Number(val(id)));
  function read() {
    const out = {};
    for (const [k] of CALL_FAULTS) if (num(`f-${k}`)) out[k] = num(`f-${k}`);
    if (num('f-delay-fraction') && num('f-delay-ms') !== undefined)
      out.delay = { fraction: num('f-delay-fraction'), ms: num('f-delay-ms') };
    if (val('f-step') && num('f-step-code') !== undefined)
      out.failStep = { taskType: val('f-step'), code: num('f-step-code'), ...(num('f-step-times') ? { times: num('f-step-times') } : {}) };
    const actions = val('f-actions')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (actions.length) out.actions = actions;
    if (num('f-seed') !== undefined) out.seed = num('f-seed');
    return out;
  }
  return form;
}

const injectedLine = (injected) => {
  const parts = Object.entries(injected)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return parts.length ? `Injected so far: ${parts.join(', ')}` : 'Nothing injected yet.';
};

export async function renderOps(main, info) {
  const queuesSlot = h('div', { class: 'table-wrap' });
  const redriveResult = h('p', { role: 'status', id: 'redrive-result' });
  const faultsSlot = h('div');
  const injected = h('p', { class: 'muted', id: 'faults-injected' });

  let drawn = '';
  const refresh = async () => {
    const [{ queues }, faults] = await Promise.all([consoleApi('/queues'), consoleApi('/faults')]);
    // Redrawn only on a change, so a focused button stays focused.
    const key = JSON.stringify(queues);
    if (key !== drawn) queuesSlot.replaceChildren(queuesTable(queues, redrive));
    drawn = key;
    injected.textContent = faults.available ? injectedLine(faults.injected) : 'This stack runs without the emulator.';
    return faults;
  };
  async function redrive(queue) {
    try {
      const { reports } = await consoleApi('/redrive', { method: 'POST', body: queue ? { queue } : {} });
      const moved = reports.reduce((n, r) => n + r.moved, 0);
      const errors = reports.flatMap((r) => r.errors);
      redriveResult.textContent = `${moved} message(s) moved back${queue ? ` to ${queue}` : ''}.${errors.length ? ` Errors: ${errors.join('; ')}` : ''}`;
      announce(redriveResult.textContent);
      await refresh();
    } catch (error) {
      redriveResult.textContent = `Redrive failed: ${error.message}`;
    }
  }
  const apply = async (options) => {
    try {
      const state = await consoleApi('/faults', { method: 'PUT', body: options });
      faultsSlot.replaceChildren(faultsForm(state, apply));
      announce(Object.keys(options).length ? `Faults applied: ${JSON.stringify(options)}` : 'All faults cleared.');
      injected.textContent = injectedLine(state.injected);
    } catch (error) {
      announce(`Faults not applied: ${error.message}`, 'error');
    }
  };

  const faults = await refresh();
  faultsSlot.replaceChildren(faults.available ? faultsForm(faults, apply) : h('p', {}, 'No emulator: the stack talks to a real VOD.'));
  const tools = info.tools ?? [];
  main.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'queues-title' },
      h(
        'div',
        { class: 'row' },
        h('h2', { id: 'queues-title' }, 'Queues'),
        h('button', { type: 'button', id: 'redrive-all', onclick: () => redrive() }, 'Redrive all dead-letter queues'),
      ),
      queuesSlot,
      redriveResult,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'faults-title' },
      h('h2', { id: 'faults-title' }, 'Emulator faults'),
      h(
        'p',
        { class: 'muted' },
        'Make the VOD emulator misbehave, then upload a video and watch the retries and failures on its job page.',
      ),
      injected,
      faultsSlot,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tools-title' },
      h('h2', { id: 'tools-title' }, 'This stack'),
      h(
        'dl',
        { class: 'facts' },
        [
          ['Service', `${info.service} (stage ${info.stage}, ${info.region})`],
          ['Bucket', info.bucket],
          ['Table', info.table],
          ['VOD callbacks', info.callbackMode],
          ['Definitions', (info.definitions ?? []).join(', ')],
          ['VOD emulator', info.emulator ?? 'none'],
          ...tools.map((t) => [t.name, `${t.version} — ${t.path}`]),
          ['Routes', (info.routes ?? []).join(' · ')],
        ].flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, v ?? '–')]),
      ),
    ),
  );
  const timer = setInterval(() => refresh().catch((e) => announce(`Queues: ${e.message}`, 'error')), REFRESH_MS);
  return () => clearInterval(timer);
}
