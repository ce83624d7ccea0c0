// One rendition in a <video>: MP4 natively, HLS through hls.js (vendored from npm), or natively
// where the browser plays HLS itself and hls.js cannot run.
import { bytes, h } from './dom.js';

const kbps = (bps) => (bps ? `${Math.round(bps / 1000)} kbps` : undefined);
const seconds = (s) => (s === undefined || s === null || !Number.isFinite(s) ? undefined : `${s.toFixed(2)} s`);

// hls.js is 600 KB: fetched once, and only when a job has an HLS rendition to play.
let hlsLoading;
function loadHls() {
  hlsLoading ??= new Promise((resolve, reject) => {
    const script = h('script', {
      src: 'vendor/hls.min.js',
      onload: () => resolve(window.Hls),
      onerror: () => reject(new Error('vendor/hls.min.js did not load')),
    });
    document.head.append(script);
  });
  return hlsLoading;
}

export function rendition(item, facts, label) {
  const video = h('video', {
    controls: true,
    preload: 'metadata',
    muted: true,
    playsinline: true,
    'data-definition': item.definition,
    'aria-label': `Rendition ${item.definition}`,
  });
  const kind = facts?.kind ?? (item.url.includes('.m3u8') ? 'hls' : 'mp4');
  const problem = h('p', { class: 'error small', hidden: true, role: 'alert' });
  const fail = (text) => {
    problem.hidden = false;
    problem.textContent = text;
  };
  let hls;
  let destroyed = false;
  if (kind === 'hls') {
    loadHls().then(
      (Hls) => {
        if (destroyed) return;
        if (!Hls.isSupported()) return void (video.src = item.url); // native HLS (Safari)
        hls = new Hls({ enableWorker: false });
        hls.on(Hls.Events.ERROR, (_e, data) => data.fatal && fail(`hls.js: ${data.type} ${data.details}`));
        hls.loadSource(item.url);
        hls.attachMedia(video);
      },
      (error) => fail(error.message),
    );
  } else {
    video.src = item.url;
  }
  video.addEventListener('error', () =>
    fail(`the browser cannot play this: ${video.error?.message || `media error ${video.error?.code}`}`),
  );

  const duration = h('dd', {}, seconds(facts?.duration) ?? '…');
  video.addEventListener('loadedmetadata', () => {
    if (facts?.duration === undefined) duration.textContent = seconds(video.duration) ?? '–';
  });
  const facts_ = [
    ['Definition', `${item.definition}${label ? ` (${label})` : ''}`],
    [
      'Format',
      kind === 'hls' ? `HLS${facts?.segments ? `, ${facts.segments} segment${facts.segments === 1 ? '' : 's'}` : ''}` : kind.toUpperCase(),
    ],
    ['Frame', item.width && item.height ? `${item.width}×${item.height}` : '–'],
    ['Bitrate', kbps(item.bitrate) ?? '–'],
    ['Size', facts?.bytes === undefined ? (facts?.problem ?? '–') : bytes(facts.bytes)],
  ];
  return {
    element: h(
      'figure',
      { class: 'rendition' },
      video,
      problem,
      h(
        'figcaption',
        {},
        h(
          'dl',
          { class: 'facts compact' },
          facts_.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
          h('dt', {}, 'Duration'),
          duration,
        ),
        h('a', { href: item.url, class: 'small' }, 'open the file'),
      ),
    ),
    destroy: () => {
      destroyed = true;
      hls?.destroy();
    },
  };
}
