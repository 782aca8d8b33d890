// Pictures and players for a finished job's files, which sit behind the API's token like all /v1
// routes: see mediaUrl in api.js. A blob: URL is let go once its element has left the page.
import { mediaUrl } from './api.js';
import { h } from './ui.js';

/** Resolves the URL for `path` and gives it to `use`; `fail` gets the error. */
export function withMediaUrl(element, path, use, fail) {
  mediaUrl(path)
    .then((url) => {
      use(url);
      if (!url.startsWith('blob:')) return;
      let seen = false;
      const watch = setInterval(() => {
        if (element.isConnected) seen = true;
        else if (seen) {
          clearInterval(watch);
          window.URL.revokeObjectURL(url);
        }
      }, 2000);
    })
    .catch(fail);
}

/** A muted inline <video> for a file; it waits for the viewer to press play. */
export function player(testid) {
  const video = h('video', { controls: true, muted: true, playsInline: true, preload: 'metadata' });
  video.dataset.testid = testid;
  video.muted = true;
  Object.assign(video.style, { width: '100%', maxHeight: '360px', background: '#000' });
  return video;
}

/** The output of job `id`, playing in a player (null before it is done). */
export function outputPlayer(job, testid, onUrl) {
  if (job.state !== 'done') return null;
  const video = player(testid);
  const status = h('div.mono.small', { dataset: { testid: `${testid}-status` } });
  withMediaUrl(
    video,
    `/v1/jobs/${encodeURIComponent(job.id)}/output`,
    (url) => {
      video.src = url;
      onUrl?.(url);
    },
    (error) => (status.textContent = `cannot load the output: ${error.message}`),
  );
  video.addEventListener(
    'error',
    () => (status.textContent = `cannot play the output (${video.error?.code})`),
  );
  return h('div', {}, video, status);
}

/** Seconds as `12.345 s`. */
export function secs(value) {
  return typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(3)} s` : '—';
}
