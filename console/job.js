// One job: where it is and when it moved, its renditions playing, cover and snapshots, the
// downstream CloudEvent as sent (and where), and for a failure the reason as `vodflow jobs show`
// explains it, with a redrive when messages are parked.
import { consoleApi } from './api.js';
import { announce, bytes, elapsed, fullTime, h, statusBadge, taskList, TERMINAL } from './dom.js';
import { rendition } from './player.js';

const POLL_MS = 1500;
const LABELS = new Map([
  [0, 'original'],
  [10, 'mobile mp4'],
  [20, 'SD mp4'],
  [30, 'HD mp4'],
  [40, 'FHD mp4'],
  [210, 'mobile HLS'],
  [220, 'SD HLS'],
  [230, 'HD HLS'],
  [240, 'FHD HLS'],
]);

const dl = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );

function timeline(job, observed) {
  const steps = [{ at: job.createdAt, what: 'created', detail: job.source ? 'upload reserved or object seen' : '' }];
  for (const o of observed) steps.push({ at: o.at, what: o.status, detail: o.attempt > 1 ? `attempt ${o.attempt}` : '' });
  if (job.lastError?.at) steps.push({ at: job.lastError.at, what: 'error, retried', detail: `code ${job.lastError.code}` });
  if (job.finishedAt && !observed.some((o) => o.status === job.status))
    steps.push({ at: job.finishedAt, what: `finished ${job.status}`, detail: '' });
  if (!observed.some((o) => o.status === job.status)) steps.push({ at: job.updatedAt, what: job.status, detail: 'last update' });
  steps.sort((a, b) => String(a.at).localeCompare(String(b.at)));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h(
      'ol',
      { class: 'timeline' },
      steps.map((s) =>
        h(
          'li',
          {},
          h('time', { datetime: s.at }, fullTime(s.at)),
          ' ',
          h('strong', {}, s.what),
          s.detail ? h('span', { class: 'muted' }, ` — ${s.detail}`) : null,
        ),
      ),
    ),
    h('p', { class: 'muted small' }, 'Moves the console saw while it was open, and the times stored with the job.'),
  );
}

function explain(title, e, id) {
  const where = [e.stage, e.step, e.cause].map((v) => v ?? '–').join(' / ');
  return h(
    'div',
    { class: 'explain', id },
    h('h3', {}, title),
    dl([
      ['Code', String(e.code)],
      ['Where (stage / step / cause)', where],
      ['Retry helps', `${e.retryable ? 'yes' : 'no'} (after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'})`],
      ['Meaning', e.message_en],
      ['VOD’s words (zh)', e.message && h('span', { lang: 'zh-CN' }, e.message)],
      ['VOD / ffmpeg said', e.detail],
      ['What to do', e.action],
    ]),
  );
}

async function failure(view, queues) {
  const { job, explained } = view;
  if (!job.error && !job.lastError && job.status !== 'FAILED') return null;
  const parked = queues.filter((q) => q.deadLetterOf && q.waiting + q.inFlight > 0);
  const total = parked.reduce((n, q) => n + q.waiting + q.inFlight, 0);
  const result = h('p', { role: 'status', class: 'small' });
  const redrive = total
    ? h(
        'button',
        {
          type: 'button',
          id: 'job-redrive',
          onclick: async (e) => {
            e.target.disabled = true;
            try {
              const { reports } = await consoleApi('/redrive', { method: 'POST', body: {} });
              const moved = reports.reduce((n, r) => n + r.moved, 0);
              result.textContent = `${moved} message(s) moved back to their queues.`;
              announce(result.textContent);
            } catch (error) {
              result.textContent = `Redrive failed: ${error.message}`;
            }
          },
        },
        `Redrive ${total} parked message(s)`,
      )
    : null;
  return h(
    'section',
    { class: 'card failure', 'aria-labelledby': 'failure-title' },
    h('h2', { id: 'failure-title' }, job.status === 'FAILED' ? 'Why it failed' : 'Errors on the way'),
    job.error
      ? explain(job.status === 'FAILED' ? 'The reason' : 'Error', job.error, 'failure-reason')
      : job.status === 'FAILED'
        ? h('p', {}, 'No error was recorded with this job.')
        : null,
    job.lastError && job.status !== 'FAILED'
      ? explain(`Last error (retried as attempt ${job.attempt})`, job.lastError, 'last-error')
      : null,
    job.status === 'FAILED'
      ? h(
          'p',
          { class: 'muted' },
          job.error?.retryable
            ? 'A failed job is final (its video.failed event is sent); the fault looked passing, so uploading the file again may work.'
            : 'A failed job is final (its video.failed event is sent); retrying the same file will fail the same way.',
        )
      : null,
    parked.length
      ? h('p', {}, `Parked in dead-letter queues: ${parked.map((q) => `${q.short} ${q.waiting + q.inFlight}`).join(', ')}.`)
      : null,
    redrive,
    result,
    h('details', {}, h('summary', {}, 'As `vodflow jobs show` prints it'), h('pre', { id: 'jobs-show-text' }, explained)),
  );
}

function outputs(view, players) {
  const out = view.job.outputs;
  if (!out) return null;
  const facts = new Map(view.renditions.map((r) => [r.definition, r]));
  const items = out.playSet.map((p) => rendition(p, facts.get(p.definition), LABELS.get(p.definition)));
  players.push(...items);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'outputs-title' },
    h('h2', { id: 'outputs-title' }, 'Outputs'),
    dl([
      ['fileId', out.fileId],
      ['Duration', out.duration === undefined ? undefined : `${out.duration} s`],
    ]),
    h(
      'div',
      { class: 'renditions' },
      items.map((i) => i.element),
    ),
    out.coverUrl || out.snapshots.length
      ? h(
          'div',
          { class: 'images' },
          out.coverUrl
            ? h(
                'figure',
                {},
                h('img', { src: out.coverUrl, alt: 'Cover image', loading: 'lazy', id: 'cover' }),
                h('figcaption', {}, 'cover'),
              )
            : null,
          out.snapshots.map((s) =>
            h(
              'figure',
              {},
              h('img', { src: s.url, alt: `Snapshot at ${s.timeOffset} ms`, loading: 'lazy' }),
              h('figcaption', {}, `${s.timeOffset} ms`),
            ),
          ),
        )
      : null,
  );
}

function event(view) {
  const ev = view.job.event;
  if (!ev) return null;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'event-title' },
    h('h2', { id: 'event-title' }, `Downstream event: ${ev.type ?? 'event'}`),
    h(
      'ul',
      { class: 'destinations' },
      view.destinations.map((d) => h('li', {}, d.delivered ? '✓ delivered to ' : '… pending for ', h('code', {}, d.destination))),
    ),
    h('pre', { class: 'json', id: 'event-json', tabindex: 0, 'aria-label': 'The CloudEvent as sent' }, JSON.stringify(ev, null, 2)),
  );
}

export async function renderJob(main, id, _info) {
  let timer;
  const players = [];
  let lastKey = '';
  let finishedPolls = 0;
  const slots = Object.fromEntries(
    ['header', 'failure', 'outputs', 'timeline', 'event'].map((name) => [name, h('div', { class: 'slot' })]),
  );
  const fill = (slot, content) => slot.replaceChildren(...(content ? [content] : []));
  const load = async () => {
    const [view, { queues }] = await Promise.all([consoleApi(`/jobs/${encodeURIComponent(id)}`), consoleApi('/queues')]);
    if (!view.job) {
      main.replaceChildren(
        h('p', { class: 'error' }, `The item for ${id} is not a valid job record (${view.problem}).`),
        h('pre', {}, JSON.stringify(view.raw, null, 2)),
      );
      return true;
    }
    const job = view.job;
    const key = JSON.stringify([
      job.status,
      job.attempt,
      job.progress,
      job.updatedAt,
      job.eventDeliveredTo,
      view.observed.length,
      view.tasks,
      queues.map((q) => q.waiting + q.inFlight),
    ]);
    if (key !== lastKey) {
      lastKey = key;
      const src = job.source;
      const header = h(
        'section',
        { class: 'card' },
        h('p', {}, h('a', { href: '#/jobs' }, '← all jobs')),
        h('h2', { id: 'job-title' }, src ? src.key.split('/').pop() : job.jobId, ' ', statusBadge(job.status)),
        dl([
          ['Job', h('code', {}, job.jobId)],
          ['Source', src && `s3://${src.bucket}/${src.key} (${[bytes(src.size), src.contentType].filter(Boolean).join(', ')})`],
          ['Attempts', String(job.attempt)],
          ['Progress', TERMINAL.has(job.status) ? undefined : `${Math.round(job.progress ?? 0)}%`],
          ['Elapsed', elapsed(job.createdAt, TERMINAL.has(job.status) ? (job.finishedAt ?? job.updatedAt) : undefined)],
          ['Mode', job.mode],
          ['fileId', job.fileId],
          ['VOD task', job.vodTaskId],
          ['Found through VOD task', view.viaTask],
        ]),
        view.tasks.length ? h('div', {}, h('h3', {}, 'VOD task steps'), taskList(view.tasks, 'job-tasks')) : null,
      );
      fill(slots.header, header);
      fill(slots.failure, await failure(view, queues));
      // Players are built once the outputs exist and never rebuilt: a refresh must not stop playback.
      if (!players.length && job.outputs) fill(slots.outputs, outputs(view, players));
      fill(slots.timeline, timeline(job, view.observed));
      fill(slots.event, event(view));
      document.title = `${job.status} · ${src?.key.split('/').pop() ?? job.jobId} · vodflow console`;
    }
    // After the terminal state, keep looking a little while for the event's delivery.
    if (TERMINAL.has(job.status)) finishedPolls += 1;
    return TERMINAL.has(job.status) && (finishedPolls > 20 || view.destinations.every((d) => d.delivered));
  };
  const loop = async () => {
    try {
      if (await load()) return;
    } catch (error) {
      announce(`Could not refresh the job: ${error.message}`, 'error');
    }
    timer = setTimeout(loop, POLL_MS);
  };
  main.append(...Object.values(slots));
  const first = await load();
  if (!first) timer = setTimeout(loop, POLL_MS);
  return () => {
    clearTimeout(timer);
    for (const p of players) p.destroy();
  };
}
