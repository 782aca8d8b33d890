// A render job's own view: its scenes and the crossfades between them as a table, each with the state
// of the task that renders it (short pieces share a task), the output playing once it is done, and then a poster frame per scene, taken in this browser
// from the middle of the scene in the output (no request or ffmpeg run on the server for it).
import { outputPlayer } from '../media.js';
import { badge, h, pieceState } from '../ui.js';

const TASKS = ['render.scene', 'render.crossfade'];
const POSTER_WIDTH = 160;

/**
 * The timeline's scenes (their frames outside crossfades) and crossfades in order, from a written
 * spec, as the planner counts them (layout.ts sceneFrames): [{ id, name, scene?, frames, weight }].
 */
function specPieces(spec) {
  const fps = spec?.fps ?? 30;
  const scenes = spec?.scenes;
  if (!Array.isArray(scenes) || scenes.length === 0) return undefined;
  const frames = scenes.map((s) => Math.max(1, Math.round(s.duration * fps)));
  const overlaps = scenes.map((s, i) =>
    s.transition?.type === 'crossfade' && i < scenes.length - 1
      ? Math.max(
          1,
          Math.min(
            Math.round((s.transition.duration ?? 0.5) * fps),
            Math.floor(Math.min(frames[i], frames[i + 1]) / 2),
          ),
        )
      : 0,
  );
  const pieces = [];
  for (let i = 0; i < scenes.length; i++) {
    const own = frames[i] - overlaps[i] - (i > 0 ? overlaps[i - 1] : 0);
    // A scene wholly inside its crossfades has no frames of its own, and no row.
    if (own > 0)
      pieces.push({ id: `scene-${i}`, name: `Scene ${i + 1}`, scene: true, frames: own, weight: own });
    if (overlaps[i] > 0)
      pieces.push({
        id: `crossfade-${i}`,
        name: `Crossfade ${i + 1} → ${i + 2}`,
        frames: overlaps[i],
        weight: 2 * overlaps[i], // a crossfade draws two scenes per frame, as the task's weight counts
      });
  }
  return pieces;
}

/**
 * The rows: each scene and crossfade with the task that renders it. A task renders consecutive
 * pieces (short ones share a task); its weight is theirs summed, which tells where each task's
 * pieces end. A template's job (its scenes are made by the planner) has a row per task instead.
 */
function rows(job) {
  const tasks = job.tasks.filter((t) => TASKS.includes(t.kind));
  const pieces = specPieces(job.spec);
  let matched = pieces !== undefined;
  if (pieces) {
    let k = 0;
    for (const task of tasks) {
      let weight = 0;
      while (k < pieces.length && weight < task.weight) {
        pieces[k].task = task;
        weight += pieces[k++].weight;
      }
      if (weight !== task.weight) matched = false;
    }
    if (k !== pieces.length) matched = false;
  }
  const list = matched
    ? pieces
    : tasks.map((t) => {
        const [a, b] = t.id.split('-').slice(1).map(Number);
        const name = b === undefined || a === b ? `Scene ${a + 1}` : `Scenes ${a + 1}–${b + 1}`;
        return { id: t.id, name, scene: true, frames: t.output?.frames, task: t };
      });
  const fps = job.spec?.fps ?? 30;
  let at = 0;
  for (const piece of list) {
    if (typeof piece.frames !== 'number') {
      at = NaN;
      continue;
    }
    piece.span = Number.isNaN(at) ? undefined : { start: at / fps, end: (at + piece.frames) / fps };
    at += piece.frames;
  }
  return list;
}

function once(target, event) {
  return new Promise((resolve, reject) => {
    target.addEventListener(event, resolve, { once: true });
    target.addEventListener('error', () => reject(new Error(`video error ${target.error?.code}`)), {
      once: true,
    });
  });
}

/**
 * Waits until the frame at the video's new position is the one drawImage draws: on a loaded
 * machine Chromium fired 'seeked' while it still drew the frame before (the second poster came
 * out red, the first scene's colour). requestVideoFrameCallback fires once the new frame is
 * presented; 250 ms at most where it never fires (a browser without it, a frame not composited).
 */
function framePresented(video) {
  if (typeof video.requestVideoFrameCallback !== 'function') return Promise.resolve();
  return new Promise((done) => {
    video.requestVideoFrameCallback(() => done());
    setTimeout(done, 250);
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
    await framePresented(video);
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
    const pieces = rows(job);
    if (pieces.length === 0) return null;
    const take = (url) => {
      if (postersWanted) return;
      postersWanted = true;
      const scenes = pieces.flatMap((p) =>
        p.scene && p.span ? [{ id: p.id, t: (p.span.start + p.span.end) / 2 }] : [],
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
    const trs = pieces.map((p) => {
      const state = pieceState(p.task);
      const poster = posters?.get(p.id);
      return h(
        'tr',
        { dataset: { piece: p.id, task: p.task?.id ?? '', state } },
        h('td', {}, p.name),
        h('td.mono', {}, p.span ? `${p.span.start.toFixed(2)}–${p.span.end.toFixed(2)} s` : '—'),
        h('td.mono', {}, typeof p.frames === 'number' ? String(p.frames) : '—'),
        h('td', {}, badge(state)),
        h('td.mono.small', {}, p.task?.worker ?? ''),
        h(
          'td.poster',
          {},
          poster ? h('img', { src: poster, alt: `${p.id} poster`, width: POSTER_WIDTH }) : null,
        ),
      );
    });
    const count = (s) => pieces.filter((p) => pieceState(p.task) === s).length;
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
        h('tbody', {}, trs),
      ),
    );
  };
}
