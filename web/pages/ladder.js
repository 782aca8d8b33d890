// Preview of a finished HLS ladder in the job page: hls.js (served from the installed package at
// /vendor/hls.min.js) plays the master playlist through the token-guarded /v1/jobs/<id>/ladder/
// route; buttons pin a rung (or go back to automatic switching) and a line shows what is playing.
import { token } from '../api.js';
import { basename, h } from '../ui.js';

let loading;

function loadHls() {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/hls.min.js';
    script.onload = () => resolve(window.Hls);
    script.onerror = () => reject(new Error('could not load /vendor/hls.min.js'));
    document.head.append(script);
  });
  return loading;
}

/** The player card for a ladder result, or null for any other result. Made once per page. */
export function ladderPreview(job) {
  const r = job.result;
  const hlsManifest = (r?.manifests ?? []).find((m) => m.toLowerCase().endsWith('.m3u8'));
  if (!Array.isArray(r?.renditions) || !hlsManifest) return null;
  const video = h('video', {
    controls: true,
    muted: true,
    playsInline: true,
    dataset: { testid: 'ladder-video' },
  });
  video.muted = true;
  video.style.width = '100%';
  video.style.maxHeight = '360px';
  video.style.background = '#000';
  const status = h('div.mono', { dataset: { testid: 'ladder-status' } }, 'loading player…');
  const buttons = h('div.actions', {});
  const card = h(
    'div.card',
    { dataset: { testid: 'ladder-preview' } },
    h('div.card-head', {}, h('h2', {}, 'Preview'), buttons),
    video,
    status,
  );
  // What the test and the curious read: media errors and the rung switches hls.js reported.
  // `messages` keeps hls.js's own words for each error (which fragment, which rung) for a report.
  const state = { errors: [], messages: [], switches: [], level: -1 };
  card.ladder = state;
  const src = `/v1/jobs/${encodeURIComponent(job.id)}/ladder/${encodeURIComponent(basename(hlsManifest))}`;
  loadHls()
    .then((Hls) => {
      if (!Hls.isSupported()) {
        status.textContent = 'this browser has no Media Source Extensions: no preview';
        return;
      }
      const t = token();
      const hls = new Hls({
        xhrSetup: (xhr) => t && xhr.setRequestHeader('authorization', `Bearer ${t}`),
      });
      card.hls = hls;
      hls.on(Hls.Events.ERROR, (_event, data) => {
        state.errors.push(`${data.type}:${data.details}${data.fatal ? ' (fatal)' : ''}`);
        const frag = data.frag ? ` (fragment ${data.frag.sn} of level ${data.frag.level})` : '';
        state.messages.push(`${data.details}: ${data.error?.message ?? data.reason ?? ''}${frag}`);
        status.textContent = `error: ${data.details}`;
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
        state.level = data.level;
        state.switches.push(data.level);
        const level = hls.levels[data.level];
        status.textContent = `playing ${level.width}x${level.height} at ${Math.round(level.bitrate / 1000)} kbps`;
      });
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        const pick = (level) => () => {
          hls.currentLevel = level;
        };
        buttons.replaceChildren(
          h('button.button', { dataset: { testid: 'ladder-auto' }, onclick: pick(-1) }, 'Auto'),
          ...hls.levels.map((l, i) =>
            h(
              'button.button',
              { dataset: { testid: `ladder-level-${l.height}` }, onclick: pick(i) },
              `${l.height}p`,
            ),
          ),
        );
        video.play().catch(() => undefined);
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      // The page re-renders and routes away: the player goes when its card leaves the document.
      const watch = setInterval(() => {
        if (card.isConnected) return;
        clearInterval(watch);
        hls.destroy();
      }, 2000);
    })
    .catch((error) => {
      status.textContent = error.message;
    });
  return card;
}
