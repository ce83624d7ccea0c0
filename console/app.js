// The console page: the API key (from the printed URL's #key=… or typed once, kept for this tab),
// then a hash router over three views: the jobs list with uploads, one job, the operator view.
import { apiKey, consoleApi, ApiError } from './api.js';
import { announce, byId, h } from './dom.js';
import { renderJobs } from './jobs.js';
import { renderJob } from './job.js';
import { renderOps } from './ops.js';

let info;
let leave = () => {};

function takeKeyFromFragment() {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!m) return;
  apiKey.set(decodeURIComponent(m[1]));
  // The key leaves the address bar (and the history entry) at once.
  history.replaceState(null, '', `${location.pathname}${location.search}#/jobs`);
}

function keyForm(problem) {
  const main = byId('main');
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
    'aria-describedby': 'api-key-help',
  });
  const form = h(
    'form',
    { class: 'card key-form', onsubmit: (e) => (e.preventDefault(), apiKey.set(input.value.trim()), start()) },
    h('h2', {}, 'API key'),
    h(
      'p',
      { id: 'api-key-help' },
      'The console uses the local API key that ',
      h('code', {}, 'npx vodflow dev'),
      ' prints (',
      h('code', {}, 'x-api-key: local-…'),
      '). Opening the URL it prints fills this in. It is kept only in this tab.',
    ),
    problem && h('p', { class: 'error', role: 'alert' }, problem),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('button', { type: 'submit' }, 'Open the console'),
  );
  main.replaceChildren(form);
  input.focus();
}

async function route() {
  leave();
  leave = () => {};
  const main = byId('main');
  const hash = location.hash.replace(/^#/, '') || '/jobs';
  const job = /^\/jobs\/([^/?]+)$/.exec(hash);
  const section = job ? 'jobs' : hash.startsWith('/ops') ? 'ops' : 'jobs';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.replaceChildren();
  announce('');
  document.title = `${job ? 'Job' : section === 'ops' ? 'Operator' : 'Jobs'} · vodflow console`;
  try {
    if (job) leave = await renderJob(main, decodeURIComponent(job[1]), info);
    else if (section === 'ops') leave = await renderOps(main, info);
    else leave = await renderJobs(main, info, new URLSearchParams(hash.split('?')[1] ?? ''));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return keyForm('That API key was refused; paste the one `vodflow dev` printed.');
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Could not load this view: ${error.message}`));
  }
}

async function start() {
  takeKeyFromFragment();
  if (!apiKey.get()) return keyForm();
  try {
    info = await consoleApi('/info');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      apiKey.clear();
      return keyForm('That API key was refused; paste the one `vodflow dev` printed.');
    }
    return keyForm(`The stack does not answer: ${error.message}`);
  }
  byId('stack-line').textContent = `${info.service} · stage ${info.stage} · ${info.region} · VOD callbacks ${info.callbackMode}`;
  const forget = byId('forget-key');
  forget.hidden = false;
  forget.onclick = () => {
    apiKey.clear();
    leave();
    forget.hidden = true;
    announce('API key forgotten for this tab.');
    keyForm();
  };
  if (!location.hash || location.hash === '#') history.replaceState(null, '', '#/jobs');
  await route();
}

window.addEventListener('hashchange', () => {
  if (/(?:^#|&)key=/.test(location.hash)) return void start();
  if (apiKey.get() && info) route();
});
start();
