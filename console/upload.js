// Uploads the way a client does: POST /uploads names the job and gives a presigned PUT; the file
// goes to that URL (relayed by the console, as the local S3 answers no CORS preflight), with a
// progress bar per file.
import { apiKey, httpApi } from './api.js';
import { announce, bytes, h } from './dom.js';

const TYPES = new Map([
  ['mp4', 'video/mp4'],
  ['m4v', 'video/x-m4v'],
  ['mov', 'video/quicktime'],
  ['mkv', 'video/x-matroska'],
  ['webm', 'video/webm'],
  ['avi', 'video/x-msvideo'],
  ['flv', 'video/x-flv'],
  ['ts', 'video/mp2t'],
  ['mpg', 'video/mpeg'],
  ['mpeg', 'video/mpeg'],
  ['wmv', 'video/x-ms-wmv'],
  ['3gp', 'video/3gpp'],
]);

function contentTypeOf(file) {
  if (file.type.startsWith('video/')) return file.type;
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return TYPES.get(ext) ?? 'video/mp4';
}

function put(url, headers, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `api/upload?to=${encodeURIComponent(url)}`);
    xhr.setRequestHeader('x-api-key', apiKey.get());
    for (const [name, value] of Object.entries(headers ?? {})) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      const s3Message = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText)?.[1];
      let message = s3Message;
      try {
        message ??= JSON.parse(xhr.responseText).error?.message;
      } catch {}
      reject(new Error(`the PUT was refused (HTTP ${xhr.status})${message ? `: ${message}` : ''}`));
    };
    xhr.onerror = () => reject(new Error('the PUT did not reach the stack'));
    xhr.send(file);
  });
}

async function uploadOne(file, row) {
  const bar = row.querySelector('progress');
  const state = row.querySelector('.upload-state');
  try {
    state.textContent = 'creating the upload…';
    const created = await httpApi('/uploads', {
      method: 'POST',
      body: { filename: file.name, contentType: contentTypeOf(file), size: file.size },
    });
    row.querySelector('.upload-job').replaceChildren(h('a', { href: `#/jobs/${encodeURIComponent(created.jobId)}` }, created.jobId));
    state.textContent = 'uploading…';
    await put(created.upload.url, created.upload.headers, file, (f) => {
      bar.value = f;
      bar.textContent = `${Math.round(f * 100)}%`;
    });
    bar.value = 1;
    state.textContent = 'uploaded — the job starts when S3 tells ingest';
    announce(`${file.name} uploaded as job ${created.jobId}.`);
  } catch (error) {
    row.classList.add('failed');
    state.textContent = `failed: ${error.message}`;
    announce(`${file.name}: ${error.message}`, 'error');
  }
}

/** The drop zone and the per-file list; files go up one after another. */
export function uploadPanel() {
  const list = h('ul', { class: 'uploads', 'aria-label': 'Uploads' });
  let queue = Promise.resolve();
  const add = (files) => {
    for (const file of files) {
      const row = h(
        'li',
        { class: 'upload' },
        h('span', { class: 'upload-name' }, file.name, ' ', h('span', { class: 'muted' }, `(${bytes(file.size)})`)),
        h('progress', { max: 1, value: 0, 'aria-label': `Upload of ${file.name}` }, '0%'),
        h('span', { class: 'upload-state' }, 'waiting'),
        h('span', { class: 'upload-job' }),
      );
      list.prepend(row);
      queue = queue.then(() => uploadOne(file, row));
    }
  };
  const input = h('input', {
    id: 'file-input',
    type: 'file',
    multiple: true,
    accept: 'video/*,.mkv,.ts,.flv',
    class: 'visually-hidden',
    onchange: () => (add([...input.files]), (input.value = '')),
  });
  const zone = h(
    'div',
    { class: 'drop', id: 'drop-zone' },
    input,
    h(
      'label',
      { for: 'file-input', class: 'drop-label' },
      h('strong', {}, 'Drop videos here'),
      ' or ',
      h('span', { class: 'like-button' }, 'choose files'),
      h('br'),
      h('span', { class: 'muted' }, 'Each one becomes a job: POST /uploads, then a presigned PUT to the bucket.'),
    ),
  );
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    add([...(e.dataTransfer?.files ?? [])]);
  });
  return h('section', { class: 'card', 'aria-labelledby': 'upload-title' }, h('h2', { id: 'upload-title' }, 'Upload'), zone, list);
}
