import { ApiError, download, getJson, sendJson, streamEvents } from '../api.js';
import { legend, segmentGrid, taskTile } from '../segment-grid.js';
import { timeline } from '../timeline.js';
import { ladderPreview } from './ladder.js';
import { resultCard, stat } from './result.js';
import { montageView } from './montage.js';
import { renderView } from './render.js';
import {
  badge,
  basename,
  duration,
  errorBox,
  h,
  jobEncoder,
  jobId,
  jobOutput,
  jobSources,
  percent,
  progressBar,
} from '../ui.js';

const TERMINAL = ['done', 'failed', 'cancelled'];

/** A job's live view: summary, a grid of its segments and a timeline, driven by the SSE stream. */
export function jobPage(main, id) {
  let preview; // an HLS ladder's player, made once and kept across re-renders
  let view; // a montage's or a render's own card (storyboard, edit list, scenes, player), made once
  const controller = new AbortController();
  let job;
  let live = { fps: undefined, etaSec: undefined };
  let frame = 0;
  const root = h('div.job');
  main.append(root);

  const schedule = () => {
    if (!frame) frame = window.requestAnimationFrame(() => ((frame = 0), render()));
  };

  function apply(name, data) {
    if (name === 'snapshot' || name === 'done') {
      job = data;
      // The stream carries the record as the backend keeps it; its cost (priced pools) comes from GET.
      if (name === 'done') void reload();
    } else if (!job) return;
    else if (name === 'job') {
      job.state = data.state;
      job.waitingFor = data.waitingFor;
      if (data.error) job.error = data.error;
      if (data.state === 'running' && !job.tasks.length) void reload();
    } else if (name === 'progress') {
      job.progress = data.progress;
      live = { fps: data.fps, etaSec: data.etaSec };
    } else if (name === 'task') {
      const task = job.tasks.find((t) => t.id === data.taskId);
      if (!task) return void reload();
      task.state = data.state;
      if (data.worker) task.worker = data.worker;
      if (data.state === 'running') {
        task.startedAt = new Date().toISOString();
        task.finishedAt = undefined;
        task.attempts += 1;
        task.progress = 0;
      } else if (data.state === 'done') {
        task.finishedAt = new Date().toISOString();
        task.progress = 1;
        task.reused = Boolean(data.reused);
      }
    } else if (name === 'task-progress') {
      const task = job.tasks.find((t) => t.id === data.taskId);
      if (task) Object.assign(task, { progress: data.progress, fps: data.fps });
    } else if (name === 'failure') {
      job.failures.push(data.failure);
    }
    schedule();
  }

  async function reload() {
    job = await getJson(`/v1/jobs/${encodeURIComponent(id)}`);
    schedule();
  }

  async function follow() {
    while (!controller.signal.aborted) {
      try {
        await streamEvents(`/v1/jobs/${encodeURIComponent(id)}/events`, apply, controller.signal);
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 404) {
          root.replaceChildren(errorBox(error));
          return;
        }
      }
      if (job && TERMINAL.includes(job.state)) return;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  async function act(method, path) {
    try {
      job = await sendJson(method, path);
      schedule();
      if (method === 'POST') void follow();
    } catch (error) {
      root.prepend(errorBox(error));
    }
  }

  async function remove() {
    if (!window.confirm(`Remove job ${job.id}? Its record and intermediates go; its output stays.`)) return;
    try {
      await sendJson('POST', `/v1/jobs/${encodeURIComponent(job.id)}/remove`);
      controller.abort();
      window.location.hash = '#/jobs';
    } catch (error) {
      root.prepend(errorBox(error));
    }
  }

  async function fetchOutput() {
    try {
      await download(`/v1/jobs/${encodeURIComponent(job.id)}/output`, basename(job.result?.output));
    } catch (error) {
      root.prepend(errorBox(error));
    }
  }

  /** "$0.0123 (cpu 12.3 s, nvidia-burst 40.1 s)": the runs' worker-seconds times their pools' prices. */
  function costText(cost) {
    const pools = Object.entries(cost.byPool).map(([pool, p]) => `${pool} ${p.seconds.toFixed(1)} s`);
    return `$${cost.total.toFixed(4)}${pools.length ? ` (${pools.join(', ')})` : ''}`;
  }

  function render() {
    if (!job) return;
    // A ladder's pieces are its chunks (each rendition's stretch of the source).
    const ladder = job.tasks.some((t) => t.kind === 'transcode.ladder-chunk');
    const pieceKind = ladder ? 'transcode.ladder-chunk' : 'transcode.segment';
    const segments = job.tasks.filter((t) => t.kind === pieceKind);
    const others = job.tasks.filter((t) => t.kind !== pieceKind);
    const running = segments.filter((t) => t.state === 'running').length;
    const done = segments.filter((t) => t.state === 'done').length;
    const fps = live.fps ?? segments.reduce((s, t) => s + (t.state === 'running' ? (t.fps ?? 0) : 0), 0);
    const finished = TERMINAL.includes(job.state);
    const encoder = jobEncoder(job);
    const parts = [
      h(
        'div.page-head',
        {},
        h(
          'div',
          {},
          h('a.muted.small', { href: '#/jobs' }, '← Jobs'),
          h('h1', {}, 'Job ', jobId(job.id), ' ', badge(job.state)),
        ),
        h(
          'div.toolbar',
          {},
          finished
            ? null
            : h('button.button.danger', { onclick: () => act('DELETE', `/v1/jobs/${job.id}`) }, 'Cancel'),
          // Retrying a corrupt or unsupported input would fail the same way: not offered.
          ['failed', 'cancelled'].includes(job.state) && !job.error?.fatal
            ? h('button.button', { onclick: () => act('POST', `/v1/jobs/${job.id}/retry`) }, 'Retry')
            : null,
          finished
            ? h('button.button.danger', { dataset: { testid: 'remove' }, onclick: remove }, 'Remove')
            : null,
        ),
      ),
      h('div.muted.path', {}, [jobSources(job.spec), jobOutput(job.spec)].filter(Boolean).join('  →  ')),
      job.error ? errorBox(job.error) : null,
      // What the plan warned of: an HDR source made 8-bit, tracks the output does not keep.
      job.warnings?.length
        ? h(
            'div.notice',
            { dataset: { testid: 'job-warnings' } },
            ...job.warnings.map((w) => h('div', {}, w)),
          )
        : null,
      job.error?.fatal && job.state === 'failed'
        ? h('div.notice', {}, 'Retrying cannot help: the input or the request has to change first.')
        : null,
      resultCard(job, fetchOutput),
      (preview ??= ladderPreview(job)),
      (view ??= { montage: montageView(job.id), render: renderView() }[job.type] ?? (() => null))(job),
      job.waitingFor && !finished ? h('div.notice', {}, job.waitingFor) : null,
      h(
        'div.stats',
        {},
        h(
          'div.stat.wide',
          {},
          h('div.stat-label', {}, 'Progress'),
          h('div.stat-value', { dataset: { testid: 'job-progress' } }, percent(job.progress)),
          progressBar(job.progress, job.state),
        ),
        segments.length || job.type === 'transcode'
          ? stat(ladder ? 'Chunks' : 'Segments', `${done} / ${segments.length}`, 'segments-done')
          : null,
        stat('Running now', String(running), 'parallelism'),
        stat('Encode rate', finished ? '—' : `${Math.round(fps)} fps`),
        stat(
          finished ? 'Took' : 'ETA',
          finished
            ? duration(job.createdAt, job.updatedAt)
            : live.etaSec
              ? `${Math.ceil(live.etaSec)} s`
              : '—',
        ),
        stat('Encoder', encoder || '—'),
        job.cost ? stat('Cost', costText(job.cost), 'job-cost') : null,
      ),
      // A montage or a render has no segments: its own card shows its pieces.
      segments.length || job.type === 'transcode'
        ? h(
            'div.card',
            {},
            h(
              'div.card-head',
              {},
              h(
                'h2',
                {},
                ladder ? 'Chunks ' : 'Segments ',
                h('span.muted', {}, `(${basename(job.spec?.input)})`),
              ),
              legend(),
            ),
            segmentGrid(segments),
            h('h3', {}, 'Timeline'),
            timeline(segments),
          )
        : null,
      others.length
        ? h(
            'div.card',
            {},
            h('h2', {}, ladder ? 'Audio, packaging and publishing' : 'Audio and stitch'),
            h('div.grid.small-grid', {}, others.map(taskTile)),
          )
        : null,
      job.failures.length
        ? h(
            'div.card',
            {},
            h('h2', {}, 'Failures'),
            h(
              'table.table',
              {},
              h(
                'tbody',
                {},
                job.failures.map((f) =>
                  h(
                    'tr',
                    {},
                    h('td.mono', {}, f.task),
                    h('td', {}, `attempt ${f.attempt}`),
                    h('td', {}, f.code),
                    h('td', {}, f.message),
                    h('td', {}, f.willRetry ? 'will retry' : 'final'),
                  ),
                ),
              ),
            ),
          )
        : null,
    ];
    root.replaceChildren(...parts.filter(Boolean));
  }

  void follow();
  return () => {
    controller.abort();
    if (frame) window.cancelAnimationFrame(frame);
  };
}
