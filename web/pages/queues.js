import { getJson } from '../api.js';
import { chartSpan, queueChart, sampleStep, spanText } from '../chart.js';
import { empty, errorBox, every, h } from '../ui.js';

/** Queue depths now, and waiting/running/completed over the last hour. */
export function queuesPage(main) {
  const chartHolder = h('div.chart-holder');
  const body = h('tbody');
  const totals = h('div.stats');
  const title = h('h2', { dataset: { testid: 'chart-title' } }, 'Queue depth');
  const completedLegend = h('span', {}, 'completed');
  main.append(
    h('div.page-head', {}, h('h1', {}, 'Queues')),
    totals,
    h(
      'div.card',
      {},
      h(
        'div.card-head',
        {},
        title,
        h(
          'div.legend',
          {},
          h('span', {}, h('i.swatch.line-waiting'), 'waiting'),
          h('span', {}, h('i.swatch.line-active'), 'running'),
          h(
            'span',
            { dataset: { testid: 'chart-legend-completed' } },
            h('i.swatch.bar-completed'),
            completedLegend,
          ),
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
      const span = spanText(chartSpan(history));
      title.textContent = `Queue depth over ${span}`;
      completedLegend.textContent = `tasks completed per ${+(sampleStep(history) / 1000).toFixed(1)} s`;
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
        stat(`Completed (${span.replace('the ', '')})`, completed),
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
