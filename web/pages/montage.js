// A montage job's own view: the storyboard image the stitch writes next to the output (one
// thumbnail per entry with its time and beat), the edit list as a table as soon as the edit task
// has made it (each entry with the state of the task that renders it: consecutive entries share
// one), the EDL/OTIO downloads and the output playing.
import { download } from '../api.js';
import { outputPlayer, secs, withMediaUrl } from '../media.js';
import { badge, basename, errorBox, h, pieceState } from '../ui.js';

function beatText(entry, beats) {
  if (entry.beat < 0) return 'start';
  const at = beats?.[entry.beat];
  return `beat ${entry.beat + 1}${typeof at === 'number' ? ` at ${at.toFixed(2)} s` : ''}`;
}

/**
 * Entry index -> the task that renders it: a render task renders a run of consecutive entries,
 * `render-3` entry 3 alone, `render-3-7` entries 3 to 7 (edit-executor.ts runTaskId).
 */
function entryTasks(tasks) {
  const byEntry = new Map();
  for (const t of tasks) {
    if (t.kind !== 'montage.render') continue;
    const [a, b = a] = t.id.split('-').slice(1).map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b)) continue;
    for (let i = a; i <= b; i++) byEntry.set(i, t);
  }
  return byEntry;
}

function editTable(job, edit) {
  const { edl, beats, clipFps } = edit;
  const clips = Array.isArray(job.spec?.clips) ? job.spec.clips : [];
  const renders = entryTasks(job.tasks);
  const head = ['#', 'Source clip', 'In', 'Out', 'Duration', 'Beat', 'Render'];
  const rows = edl.entries.map((e) => {
    const fps = clipFps?.[e.clip];
    const at = (frame) => (typeof fps === 'number' ? secs(frame / fps) : `frame ${frame}`);
    const clip = clips[e.clip];
    return h(
      'tr',
      { dataset: { entry: String(e.index) } },
      h('td', {}, String(e.index + 1)),
      h('td.mono', { title: clip ?? '' }, clip ? basename(clip) : `clip ${e.clip + 1}`),
      h('td.mono', { title: `frame ${e.sourceStart}` }, at(e.sourceStart)),
      h('td.mono', { title: `frame ${e.sourceEnd} (exclusive)` }, at(e.sourceEnd)),
      h('td.mono', {}, secs((e.recordEnd - e.recordStart) / edl.fps)),
      h('td', {}, beatText(e, beats)),
      h('td', {}, badge(pieceState(renders.get(e.index)))),
    );
  });
  return h(
    'table.table.compact',
    { dataset: { testid: 'montage-edit-table' } },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((t) => h('th', {}, t)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

/**
 * The montage view of one job page: made once (the image and the player load once), called again
 * with the job on every re-render; returns the card, or null while there is nothing to show.
 */
export function montageView(id) {
  const path = (name) => `/v1/jobs/${encodeURIComponent(id)}/files/${name}`;
  let picture;
  let video;
  const problems = h('div');
  return (job) => {
    const edit = job.tasks.find((t) => t.kind === 'montage.edit' && t.state === 'done')?.output;
    const r = job.state === 'done' ? job.result : undefined;
    if (!edit?.edl && !r) return null;
    if (r?.storyboard && !picture) {
      picture = h('img.storyboard', { alt: 'storyboard: one thumbnail per entry, with its time and beat' });
      picture.dataset.testid = 'montage-storyboard';
      withMediaUrl(
        picture,
        path('storyboard'),
        (url) => (picture.src = url),
        (error) => problems.append(errorBox(error)),
      );
    }
    video ??= outputPlayer(job, 'montage-video');
    const fetchFile = (name) => () =>
      download(path(name), basename(r[name])).catch((error) => problems.append(errorBox(error)));
    const downloads = ['edl', 'otio']
      .filter((name) => r?.[name])
      .map((name) =>
        h(
          'button.button',
          { dataset: { testid: `montage-download-${name}` }, onclick: fetchFile(name) },
          `Download ${name.toUpperCase()}`,
        ),
      );
    const entries = edit?.edl?.entries.length ?? r?.entries;
    return h(
      'div.card',
      { dataset: { testid: 'montage' } },
      h(
        'div.card-head',
        {},
        h('h2', {}, 'Montage ', h('span.muted', {}, `(${entries ?? '?'} entries)`)),
        h('div.actions', {}, downloads),
      ),
      problems,
      video,
      picture ? h('h3', {}, 'Storyboard') : null,
      picture,
      edit?.edl
        ? [
            h(
              'h3',
              {},
              'Edit list ',
              h(
                'span.muted',
                {},
                `(seed ${edit.edl.seed}, ${edit.tempo ? `${edit.tempo.toFixed(1)} BPM` : 'tempo unknown'})`,
              ),
            ),
            editTable(job, edit),
          ]
        : null,
    );
  };
}
