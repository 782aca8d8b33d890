import { duration, h } from './ui.js';

const SHORT = { 'transcode.segment': 'seg', 'transcode.audio': 'audio', 'transcode.stitch': 'stitch' };

function label(task) {
  const m = /(\d+)$/.exec(task.id);
  return task.kind === 'transcode.segment' && m ? `#${Number(m[1])}` : (SHORT[task.kind] ?? task.id);
}

function shortWorker(worker) {
  return worker ? worker.replace(/:(\d+)$/, ' · $1') : '—';
}

/** One tile per task, coloured by state, with progress fill, fps, worker and attempts. */
export function taskTile(task) {
  const pct = task.state === 'done' ? 100 : Math.round((task.progress ?? 0) * 100);
  const detail =
    task.state === 'running'
      ? task.fps
        ? `${Math.round(task.fps)} fps`
        : task.progress > 0
          ? 'encoding'
          : 'starting'
      : task.state === 'done'
        ? task.reused
          ? 'reused'
          : duration(task.startedAt, task.finishedAt)
        : task.state;
  return h(
    `div.tile.state-${task.state}`,
    {
      dataset: { task: task.id, state: task.state },
      title: `${task.id} · ${task.state} · ${pct}%${task.worker ? ` · ${task.worker}` : ''}${task.attempts > 1 ? ` · attempt ${task.attempts}` : ''}`,
    },
    h('div.tile-fill', { style: { height: `${pct}%` } }),
    h(
      'div.tile-body',
      {},
      h('div.tile-top', {}, h('span.tile-label', {}, label(task)), h('span.tile-pct', {}, `${pct}%`)),
      h('div.tile-detail', {}, detail),
      h(
        'div.tile-worker',
        {},
        shortWorker(task.worker),
        task.attempts > 1 ? h('span.retry', {}, ` ×${task.attempts}`) : null,
      ),
    ),
  );
}

export function segmentGrid(tasks) {
  return h('div.grid', { dataset: { testid: 'segment-grid' } }, tasks.map(taskTile));
}

export function legend() {
  return h(
    'div.legend',
    {},
    ['pending', 'running', 'done', 'failed', 'cancelled'].map((s) =>
      h('span', {}, h(`i.swatch.state-${s}`), s),
    ),
  );
}
