import { getJson } from '../api.js';
import { empty, errorBox, every, h, jobId, percent, progressBar } from '../ui.js';

function chips(items, cls = '') {
  return h(
    'div.chips',
    {},
    items.length ? items.map((i) => h(`span.chip${cls}`, {}, i)) : h('span.muted.small', {}, 'none'),
  );
}

function nodeCard(node) {
  const caps = node.capabilities;
  const load = node.load ? Math.min(1, node.load.load1 / Math.max(1, node.load.cpus)) : 0;
  const slots = Object.entries(node.slots ?? {}).filter(([, n]) => n > 0);
  return h(
    'div.card.node',
    { dataset: { node: node.id } },
    h(
      'div.card-head',
      {},
      h('h2', {}, h(`span.dot.${node.live ? 'live' : 'dead'}`), node.hostname),
      h('span.muted.mono.small', {}, node.id),
    ),
    h(
      'div.node-facts',
      {},
      h('div', {}, h('div.stat-label', {}, 'Cores'), h('div.stat-value', {}, caps?.cores ?? '—')),
      h(
        'div',
        {},
        h('div.stat-label', {}, 'Memory'),
        h('div.stat-value', {}, caps ? `${(caps.memoryMb / 1024).toFixed(1)} GiB` : '—'),
      ),
      h(
        'div',
        {},
        h('div.stat-label', {}, 'GPUs'),
        h('div.stat-value', {}, caps ? String(caps.gpus.length) : '—'),
      ),
      h('div', {}, h('div.stat-label', {}, 'Running'), h('div.stat-value', {}, String(node.tasks.length))),
    ),
    h(
      'div.stat-label',
      {},
      `Load ${node.load ? node.load.load1.toFixed(2) : '—'} on ${node.load?.cpus ?? '?'} CPUs`,
    ),
    progressBar(load, load > 0.9 ? 'failed' : 'running'),
    h('div.stat-label', {}, 'Proven encoders'),
    chips(caps?.encoders ?? [], '.enc'),
    caps?.gpus.length ? h('div.stat-label', {}, 'GPUs') : null,
    caps?.gpus.length
      ? chips(
          caps.gpus.map(
            (g) =>
              `${g.vendor} · ${g.model}${g.utilizationPct !== undefined ? ` · ${g.utilizationPct}%` : ''}`,
          ),
        )
      : null,
    h('div.stat-label', {}, 'Slots'),
    chips(slots.map(([device, n]) => `${device} × ${n}`)),
    h('div.stat-label', {}, 'Current tasks'),
    node.tasks.length
      ? h(
          'table.table.compact',
          {},
          h(
            'tbody',
            {},
            node.tasks.map((t) =>
              h(
                'tr',
                {},
                h('td', {}, jobId(t.jobId, { max: 14, href: `#/jobs/${t.jobId}` })),
                h('td.mono', {}, t.taskId),
                h(
                  'td',
                  {},
                  h(
                    'div.progress-cell',
                    {},
                    progressBar(t.progress),
                    h('span.small', {}, percent(t.progress)),
                  ),
                ),
                h('td', {}, t.fps ? `${Math.round(t.fps)} fps` : ''),
              ),
            ),
          ),
        )
      : h('div.muted.small', {}, 'idle'),
  );
}

/** Workers with capabilities, load and what they are running, refreshed every two seconds. */
export function nodesPage(main) {
  const list = h('div.node-grid');
  main.append(h('div.page-head', {}, h('h1', {}, 'Nodes')), list);
  return every(2000, async () => {
    try {
      const { nodes } = await getJson('/v1/nodes');
      list.replaceChildren(...(nodes.length ? nodes.map(nodeCard) : [empty('No workers registered.')]));
    } catch (error) {
      list.replaceChildren(errorBox(error));
    }
  });
}
