// A render job's own view: its pieces (scenes and the crossfades between them) as a table with their
// state, the output playing once it is done, and then a poster frame per scene, taken in this browser
// from the middle of the scene in the output (no request or ffmpeg run on the server for it).
import { outputPlayer } from '../media.js';
import { badge, h, pieceState } from '../ui.js';

const PIECES = ['render.scene', 'render.crossfade'];
const POSTER_WIDTH = 160;

function pieceName(task) {
  const n = Number(task.id.split('-').pop());
  return task.kind === 'render.scene' ? `Scene ${n + 1}` : `Crossfade ${n + 1} → ${n + 2}`;
}

/** Each piece's [start, end) seconds on the timeline: the pieces play in plan order. */
function spans(pieces, fps) {
  let at = 0;
  return pieces.map((t) => {
    const frames = t.output?.frames;
    if (typeof frames !== 'number' || !fps) return undefined;
    const span = { start: at / fps, end: (at + frames) / fps };
    at += frames;
    return span;
  });
}

function once(target, event) {
  return new Promise((resolve, reject) => {
    target.addEventListener(event, resolve, { once: true });
    target.addEventListener('error', () => reject(new Error(`video error ${target.error?.code}`)), {
      once: true,
    });
  });
}

/** One JPEG data URL per time, from a hidden player of `src`, one seek after another. */
async function grabFrames(src, times) {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.src = src;
  await once(video, 'loadeddata');
  const canvas = document.createElement('canvas');
  canvas.width = POSTER_WIDTH;
  canvas.height = Math.max(2, Math.round((POSTER_WIDTH * video.videoHeight) / Math.max(1, video.videoWidth)));
  const frames = [];
  for (const t of times) {
    video.currentTime = t;
    await once(video, 'seeked');
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    frames.push(canvas.toDataURL('image/jpeg', 0.75));
  }
  video.removeAttribute('src');
  video.load();
  return frames;
}

/**
 * The render view of one job page: made once (the player and the posters are made once), called
 * again with the job on every re-render; returns the card, or null before the job has pieces.
 */
export function renderView() {
  let player;
  let posters; // scene task id -> data URL, once taken
  let postersWanted = false;
  return (job) => {
    const pieces = job.tasks.filter((t) => PIECES.includes(t.kind));
    if (pieces.length === 0) return null;
    const at = spans(pieces, job.spec?.fps);
    const take = (url) => {
      if (postersWanted) return;
      postersWanted = true;
      const scenes = pieces.flatMap((t, i) =>
        t.kind === 'render.scene' && at[i] ? [{ id: t.id, t: (at[i].start + at[i].end) / 2 }] : [],
      );
      grabFrames(
        url,
        scenes.map((s) => s.t),
      )
        .then((frames) => {
          posters = new Map(scenes.map((s, i) => [s.id, frames[i]]));
          // Shown at the next re-render; ask for one if the job sends no more events.
          for (const [id, src] of posters) {
            const cell = document.querySelector(`[data-testid=render-scenes] tr[data-piece="${id}"] .poster`);
            cell?.replaceChildren(h('img', { src, alt: `${id} poster`, width: POSTER_WIDTH }));
          }
        })
        .catch(() => (posters = new Map()));
    };
    player ??= outputPlayer(job, 'render-video', take);
    const rows = pieces.map((t, i) => {
      const state = pieceState(t);
      const poster = posters?.get(t.id);
      return h(
        'tr',
        { dataset: { piece: t.id, state } },
        h('td', {}, pieceName(t)),
        h('td.mono', {}, at[i] ? `${at[i].start.toFixed(2)}–${at[i].end.toFixed(2)} s` : '—'),
        h('td.mono', {}, typeof t.output?.frames === 'number' ? String(t.output.frames) : '—'),
        h('td', {}, badge(state)),
        h('td.mono.small', {}, t.worker ?? ''),
        h(
          'td.poster',
          {},
          poster ? h('img', { src: poster, alt: `${t.id} poster`, width: POSTER_WIDTH }) : null,
        ),
      );
    });
    const count = (s) => pieces.filter((t) => pieceState(t) === s).length;
    return h(
      'div.card',
      { dataset: { testid: 'render' } },
      h(
        'div.card-head',
        {},
        h('h2', {}, 'Scenes'),
        h(
          'span.muted',
          {},
          `${count('done') + count('checkpointed')} / ${pieces.length} finished, ${count('checkpointed')} from checkpoints`,
        ),
      ),
      player,
      h(
        'table.table.compact',
        { dataset: { testid: 'render-scenes' } },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Piece', 'Timeline', 'Frames', 'State', 'Worker', 'Poster'].map((c) => h('th', {}, c)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    );
  };
}
