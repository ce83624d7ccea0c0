// A few DOM helpers: elements from tag + attributes + children (text is always text, never HTML).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const byId = (id) => document.getElementById(id);

export function shortTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false });
}

export function fullTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function elapsed(fromIso, toIso) {
  const from = Date.parse(fromIso);
  const to = toIso ? Date.parse(toIso) : Date.now();
  if (!Number.isFinite(from) || !Number.isFinite(to)) return '–';
  const s = Math.max(0, Math.round((to - from) / 1000));
  return s < 60
    ? `${s} s`
    : s < 3600
      ? `${Math.floor(s / 60)} min ${s % 60} s`
      : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function bytes(n) {
  if (n === undefined || n === null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

export const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

export function statusBadge(status) {
  return h('span', { class: `status status-${String(status).toLowerCase()}` }, status);
}

/** Announces a message to screen readers and shows it in the page's status line. */
export function announce(text, kind = 'info') {
  const el = byId('notice');
  el.textContent = text;
  el.dataset.kind = kind;
}

const TASK_MARKS = new Map([
  ['FINISH', '✓'],
  ['SUCCESS', '✓'],
  ['PROCESSING', '…'],
  ['WAITING', '○'],
  ['FAIL', '✗'],
  ['FAILED', '✗'],
]);

/** A VOD task's steps, e.g. "Transcode 20 ✓ · Transcode 210 …", each with its status in words too. */
export function taskList(tasks, id) {
  if (!tasks?.length) return null;
  return h(
    'ul',
    { class: 'tasks', id, 'aria-label': 'VOD task steps' },
    tasks.map((t) =>
      h(
        'li',
        { 'data-task-status': t.status, title: t.status },
        `${t.label} `,
        h('span', { 'aria-hidden': 'true' }, TASK_MARKS.get(t.status) ?? '?'),
        h('span', { class: 'visually-hidden' }, ` ${t.status.toLowerCase()}`),
      ),
    ),
  );
}
