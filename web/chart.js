// Queue depth and throughput over the last hour as inline SVG: lines for waiting and running
// tasks, bars for tasks completed per sample.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The time the chart covers: the last hour, or less while the server has been up for less (2 min at least). */
export function chartSpan(samples, now = Date.now()) {
  const first = samples.length ? Date.parse(samples[0].at) : now;
  return Math.min(3600_000, Math.max(120_000, now - first));
}

/** Seconds between samples, for the legend of the completed bars. */
export function sampleStep(samples) {
  return samples.length > 1
    ? (Date.parse(samples.at(-1).at) - Date.parse(samples[0].at)) / (samples.length - 1)
    : 10_000;
}

/** "the last hour" or "the last 4 minutes": what the chart really covers. */
export function spanText(spanMs) {
  if (spanMs >= 3600_000) return 'the last hour';
  const minutes = Math.max(1, Math.round(spanMs / 60_000));
  return `the last ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function queueChart(samples) {
  const W = 900;
  const H = 240;
  const pad = { l: 40, r: 12, t: 12, b: 26 };
  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    role: 'img',
  });
  const now = Date.now();
  // The last hour, zoomed in while the server has been up for less (at least two minutes shown).
  const span = chartSpan(samples, now);
  svg.setAttribute('aria-label', `Queue depth over ${spanText(span)}`);
  const t0 = now - span;
  const peak = Math.max(4, ...samples.map((s) => Math.max(s.waiting, s.active, s.completed)));
  const max = Math.ceil(peak / 4) * 4;
  const x = (iso) => pad.l + ((Date.parse(iso) - t0) / span) * (W - pad.l - pad.r);
  const y = (v) => H - pad.b - (v / max) * (H - pad.t - pad.b);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    svg.append(el('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: 'grid-line' }));
    svg.append(
      el('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(Math.round(v))),
    );
  }
  for (let i = 0; i <= 6; i++) {
    const xm = pad.l + (i / 6) * (W - pad.l - pad.r);
    const back = ((6 - i) / 6) * span;
    const text =
      i === 6 ? 'now' : back >= 600_000 ? `-${Math.round(back / 60_000)}m` : `-${Math.round(back / 1000)}s`;
    svg.append(
      el(
        'text',
        { x: xm, y: H - 8, 'text-anchor': i === 0 ? 'start' : i === 6 ? 'end' : 'middle', class: 'axis' },
        text,
      ),
    );
  }
  const step = sampleStep(samples);
  const barWidth = Math.max(2, (step / span) * (W - pad.l - pad.r) * 0.7);
  for (const s of samples) {
    if (s.completed > 0) {
      svg.append(
        el('rect', {
          x: x(s.at) - barWidth / 2,
          y: y(s.completed),
          width: barWidth,
          height: H - pad.b - y(s.completed),
          class: 'bar-completed',
        }),
      );
    }
  }
  for (const [key, cls] of [
    ['waiting', 'line-waiting'],
    ['active', 'line-active'],
  ]) {
    if (samples.length < 1) continue;
    const d = samples
      .map((s, i) => `${i ? 'L' : 'M'}${x(s.at).toFixed(1)},${y(s[key]).toFixed(1)}`)
      .join(' ');
    svg.append(el('path', { d, class: cls }));
  }
  return svg;
}
