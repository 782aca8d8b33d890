import { getJson } from '../api.js';
import { queueChart } from '../chart.js';
import { empty, errorBox, every, h } from '../ui.js';

/** Queue depths now, and waiting/running/completed over the last hour. */
export function queuesPage(main) {
  const chartHolder = h('div.chart-holder');
  const body = h('tbody');
  const totals = h('div.stats');
  main.append(
    h('div.page-head', {}, h('h1', {}, 'Queues')),
    totals,
    h(
      'div.card',
      {},
      h(
        'div.card-head',
        {},
        h('h2', {}, 'Last hour'),
        h(
          'div.legend',
          {},
          h('span', {}, h('i.swatch.line-waiting'), 'waiting'),
          h('span', {}, h('i.swatch.line-active'), 'running'),
          h('span', {}, h('i.swatch.bar-completed'), 'completed per sample'),
        ),
      ),
      chartHolder,
    ),
    h(
      'div.card',
      {},
      h('h2', {}, 'Queues now'),
      h(
        'table.table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Queue', 'Waiting', 'Running'].map((c) => h('th', {}, c)),
          ),
        ),
        body,
      ),
    ),
  );
  return every(5000, async () => {
    try {
      const { queues, history } = await getJson('/v1/queues');
      const completed = history.reduce((s, x) => s + x.completed, 0);
      const spanMin = history.length ? Math.max(1, (Date.now() - Date.parse(history[0].at)) / 60_000) : 1;
      const stat = (label, value) =>
        h('div.stat', {}, h('div.stat-label', {}, label), h('div.stat-value', {}, String(value)));
      totals.replaceChildren(
        stat(
          'Waiting',
          queues.reduce((s, q) => s + q.waiting, 0),
        ),
        stat(
          'Running',
          queues.reduce((s, q) => s + q.active, 0),
        ),
        stat('Completed (1 h)', completed),
        stat('Tasks / min', (completed / spanMin).toFixed(1)),
      );
      chartHolder.replaceChildren(queueChart(history));
      body.replaceChildren(
        ...(queues.length
          ? queues.map((q) =>
              h(
                'tr',
                {},
                h('td.mono', {}, q.name),
                h('td', {}, String(q.waiting)),
                h('td', {}, String(q.active)),
              ),
            )
          : [h('tr', {}, h('td', { colSpan: 3 }, empty('All queues are empty.')))]),
      );
    } catch (error) {
      chartHolder.replaceChildren(errorBox(error));
    }
  });
}
