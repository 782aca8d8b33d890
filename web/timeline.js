// A Gantt strip of the job's segments over time: the parallelism is the number of bars stacked
// over any instant. Inline SVG, no library.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

const COLORS = {
  running: '#3b82f6',
  done: '#16a34a',
  failed: '#dc2626',
  cancelled: '#d97706',
  pending: '#cbd5e1',
};

export function timeline(tasks) {
  const started = tasks.filter((t) => t.startedAt);
  const width = 1000;
  const row = 10;
  const height = Math.max(1, tasks.length) * row + 18;
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'timeline',
    preserveAspectRatio: 'none',
    role: 'img',
  });
  if (!started.length) return svg;
  const t0 = Math.min(...started.map((t) => Date.parse(t.startedAt)));
  const end = (t) => (t.finishedAt && t.state !== 'running' ? Date.parse(t.finishedAt) : Date.now());
  const t1 = Math.max(t0 + 1000, ...started.map(end));
  const x = (ms) => ((ms - t0) / (t1 - t0)) * (width - 2) + 1;
  tasks.forEach((task, i) => {
    svg.append(el('rect', { x: 0, y: i * row, width, height: row - 2, fill: i % 2 ? '#f8fafc' : '#f1f5f9' }));
    if (!task.startedAt) return;
    const a = x(Date.parse(task.startedAt));
    const bar = el('rect', {
      x: a,
      y: i * row + 1,
      width: Math.max(2, x(end(task)) - a),
      height: row - 4,
      rx: 2,
      fill: task.reused ? '#0d9488' : (COLORS[task.state] ?? '#94a3b8'),
    });
    const title = el('title', {});
    title.textContent = `${task.id}: ${task.state}`;
    bar.append(title);
    svg.append(bar);
  });
  const seconds = (t1 - t0) / 1000;
  const axis = el('text', { x: width - 4, y: height - 4, 'text-anchor': 'end', class: 'axis' });
  axis.textContent = `${seconds.toFixed(1)} s`;
  const zero = el('text', { x: 2, y: height - 4, class: 'axis' });
  zero.textContent = '0 s';
  svg.append(axis, zero);
  return svg;
}
