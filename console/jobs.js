// The jobs list: newest update first, live from the console's event stream (jobs from this page,
// from `vodflow process` or from objects dropped straight into the bucket alike), with a status filter.
import { stream } from './api.js';
import { elapsed, h, shortTime, statusBadge, taskList, TERMINAL } from './dom.js';
import { uploadPanel } from './upload.js';

const STATUSES = ['AWAITING_UPLOAD', 'QUEUED', 'UPLOADING', 'PROCESSING', 'SUCCEEDED', 'FAILED'];

const fileName = (source) => (source ? source.split('/').pop() : '(no source)');

function row(job) {
  const progress = TERMINAL.has(job.status) ? (job.status === 'SUCCEEDED' ? 100 : undefined) : (job.progress ?? 0);
  return h(
    'tr',
    { 'data-job': job.jobId, 'data-status': job.status },
    h(
      'td',
      {},
      h('a', { href: `#/jobs/${encodeURIComponent(job.jobId)}` }, fileName(job.source)),
      h('br'),
      h('code', { class: 'muted small' }, job.jobId),
    ),
    h(
      'td',
      {},
      statusBadge(job.status),
      job.errorCode !== undefined ? h('span', { class: 'muted small' }, ` code ${job.errorCode}`) : null,
    ),
    h('td', { class: 'num' }, job.attempts),
    h(
      'td',
      {},
      progress === undefined ? '–' : h('progress', { max: 100, value: progress, 'aria-label': `Progress ${Math.round(progress)}%` }),
      progress === undefined ? null : h('span', { class: 'small' }, ` ${Math.round(progress)}%`),
      taskList(job.tasks),
    ),
    h('td', {}, h('time', { datetime: job.updatedAt }, shortTime(job.updatedAt))),
    h('td', { class: 'num', 'data-elapsed': '' }, elapsed(job.createdAt, TERMINAL.has(job.status) ? job.updatedAt : undefined)),
  );
}

export async function renderJobs(main, info, params) {
  let filter = STATUSES.includes(params.get('status')) ? params.get('status') : '';
  let rows = [];
  const select = h(
    'select',
    { id: 'status-filter' },
    h('option', { value: '' }, 'all'),
    STATUSES.map((s) => h('option', { value: s, selected: s === filter }, s.toLowerCase().replace('_', ' '))),
  );
  const live = h('span', { class: 'live', id: 'live-state' }, 'connecting…');
  const body = h('tbody');
  const empty = h('p', { class: 'muted', id: 'jobs-empty' }, 'Loading the jobs…');
  let loaded = false;
  const table = h(
    'table',
    { class: 'jobs', id: 'jobs-table' },
    h('caption', { class: 'visually-hidden' }, 'Jobs, newest update first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Video', 'Status', 'Attempts', 'Progress', 'Updated', 'Elapsed'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    body,
  );
  const count = h('p', { class: 'muted small', id: 'jobs-count' });

  // Rows are updated in place (a focused link keeps its focus while the list moves).
  const signature = (j) => `${j.status}|${j.attempts}|${j.progress}|${j.updatedAt}|${j.errorCode}|${JSON.stringify(j.tasks ?? [])}`;
  const draw = () => {
    const shown = filter ? rows.filter((r) => r.status === filter) : rows;
    const existing = new Map([...body.children].map((tr) => [tr.dataset.job, tr]));
    const keep = new Set(shown.map((j) => j.jobId));
    for (const [id, tr] of existing) if (!keep.has(id)) tr.remove();
    shown.forEach((job, i) => {
      let tr = existing.get(job.jobId);
      if (!tr || tr.dataset.sig !== signature(job)) {
        const fresh = row(job);
        fresh.dataset.sig = signature(job);
        if (tr) tr.replaceWith(fresh);
        tr = fresh;
      }
      if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] ?? null);
    });
    empty.hidden = shown.length > 0;
    table.hidden = shown.length === 0;
    count.textContent = `${shown.length} job${shown.length === 1 ? '' : 's'}${filter ? ` ${filter.toLowerCase()}` : ''}`;
  };
  select.addEventListener('change', () => {
    filter = select.value;
    history.replaceState(null, '', filter ? `#/jobs?status=${filter}` : '#/jobs');
    draw();
  });

  main.append(
    uploadPanel(),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'jobs-title' },
      h('div', { class: 'row' }, h('h2', { id: 'jobs-title' }, 'Jobs'), h('label', { for: 'status-filter' }, 'Status '), select, live),
      count,
      h('div', { class: 'table-wrap' }, table),
      empty,
    ),
  );
  draw();
  const sub = stream(
    '/stream',
    (name, data) => {
      if (name === 'jobs') {
        rows = data.rows;
        if (!loaded)
          empty.textContent = `No jobs yet: drop a video above, or put one straight into the bucket (with the export lines \`vodflow dev\` printed: aws s3 cp clip.mp4 s3://${info.bucket ?? '<bucket>'}/).`;
        loaded = true;
        draw();
      } else if (name === 'problem') live.textContent = `scan failed: ${data.message}`;
    },
    (state, message) => {
      live.textContent = state === 'live' ? '● live' : state === 'reconnecting' ? 'reconnecting…' : `offline: ${message}`;
      live.dataset.state = state;
    },
  );
  const tick = setInterval(() => {
    for (const tr of body.children) {
      const job = rows.find((r) => r.jobId === tr.dataset.job);
      if (job && !TERMINAL.has(job.status)) tr.querySelector('[data-elapsed]').textContent = elapsed(job.createdAt);
    }
  }, 1000);
  return () => {
    sub.stop();
    clearInterval(tick);
  };
}
