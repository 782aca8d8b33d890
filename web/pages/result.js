// The result card of a finished job, and the stat tiles the job page's rows are made of.
import { bytes, h } from '../ui.js';

/** What a finished job made: the file, its frames, length and size, and what the stitch verified. */
export function resultCard(job, fetchOutput) {
  const r = job.result;
  if (job.state !== 'done' || !r || typeof r !== 'object') return null;
  const transcode = job.type === 'transcode';
  const audio =
    typeof r.audioDurationSec === 'number'
      ? `, audio ${r.audioDurationSec.toFixed(3)} s (A/V within one audio frame${transcode ? ' of the source' : ''})`
      : ', no audio';
  const verified =
    typeof r.frames === 'number' && typeof r.videoDurationSec === 'number'
      ? `verified: ${r.frames} frames${transcode ? ' = source' : ''}, video ${r.videoDurationSec.toFixed(3)} s${audio}`
      : null;
  return h(
    'div.card.result',
    { dataset: { testid: 'job-result' } },
    h(
      'div.card-head',
      {},
      h('h2', {}, 'Result'),
      r.output
        ? h('button.button', { dataset: { testid: 'download' }, onclick: fetchOutput }, 'Download output')
        : null,
    ),
    h('div.mono.path', { dataset: { testid: 'result-output' } }, r.output ?? ''),
    h(
      'div.stats',
      {},
      stat('Frames', typeof r.frames === 'number' ? String(r.frames) : '—', 'result-frames'),
      stat(
        'Duration',
        typeof r.videoDurationSec === 'number' ? `${r.videoDurationSec.toFixed(3)} s` : '—',
        'result-duration',
      ),
      // A ladder's `size` is its master playlist's; what it takes on disk is every file.
      stat('Size', bytes(r.totalBytes ?? r.size ?? r.sizeBytes), 'result-size'),
      stat('Encoder', r.encoder ?? '—'),
    ),
    verified ? h('div.verified', { dataset: { testid: 'result-verified' } }, verified) : null,
  );
}

/** One labelled number of a stats row. */
export function stat(label, value, testid) {
  return h(
    'div.stat',
    {},
    h('div.stat-label', {}, label),
    h('div.stat-value', { dataset: testid ? { testid } : {} }, value),
  );
}
