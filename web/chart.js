// Queue depth and throughput over the last hour as inline SVG: lines for waiting and running
// tasks, bars for tasks completed per sample.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function queueChart(samples) {
  const W = 900;
  const H = 240;
  const pad = { l: 40, r: 12, t: 12, b: 26 };
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'Queue depth over the last hour' });
  const now = Date.now();
  const t0 = now - 3600_000;
  const max = Math.max(4, ...samples.map((s) => Math.max(s.waiting, s.active, s.completed)));
  const x = (iso) => pad.l + ((Date.parse(iso) - t0) / 3600_000) * (W - pad.l - pad.r);
  const y = (v) => H - pad.b - (v / max) * (H - pad.t - pad.b);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    svg.append(el('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: 'grid-line' }));
    svg.append(el('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(Math.round(v))));
  }
  for (let m = 0; m <= 60; m += 10) {
    const xm = pad.l + (m / 60) * (W - pad.l - pad.r);
    svg.append(el('text', { x: xm, y: H - 8, 'text-anchor': 'middle', class: 'axis' }, m === 60 ? 'now' : `-${60 - m}m`));
  }
  const barWidth = Math.max(2, ((W - pad.l - pad.r) / 360) * 0.8);
  for (const s of samples) {
    if (s.completed > 0) {
      svg.append(el('rect', { x: x(s.at) - barWidth / 2, y: y(s.completed), width: barWidth, height: H - pad.b - y(s.completed), class: 'bar-completed' }));
    }
  }
  for (const [key, cls] of [['waiting', 'line-waiting'], ['active', 'line-active']]) {
    if (samples.length < 1) continue;
    const d = samples.map((s, i) => `${i ? 'L' : 'M'}${x(s.at).toFixed(1)},${y(s[key]).toFixed(1)}`).join(' ');
    svg.append(el('path', { d, class: cls }));
  }
  return svg;
}
