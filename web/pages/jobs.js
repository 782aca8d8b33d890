import { getJson } from '../api.js';
import {
  ago,
  badge,
  basename,
  duration,
  empty,
  errorBox,
  every,
  h,
  jobId,
  jobOutput,
  jobSources,
  percent,
  progressBar,
} from '../ui.js';

const STATES = ['', 'running', 'queued', 'waiting', 'done', 'failed', 'cancelled'];

/** Jobs list with progress, filtered by state, refreshed every two seconds. */
export function jobsPage(main) {
  let state = '';
  const body = h('tbody');
  const summary = h('span.muted');
  const filter = h(
    'select',
    {
      'aria-label': 'Filter by state',
      onchange: (e) => {
        state = e.target.value;
        void refresh();
      },
    },
    STATES.map((s) => h('option', { value: s }, s || 'all states')),
  );
  const table = h(
    'table.table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Job', 'Input', 'State', 'Progress', 'Tasks', 'Created', 'Took'].map((c) => h('th', {}, c)),
      ),
    ),
    body,
  );
  const holder = h('div.card', {}, table);
  main.append(
    h(
      'div.page-head',
      {},
      h('h1', {}, 'Jobs'),
      h('div.toolbar', {}, summary, filter, h('a.button', { href: '#/submit' }, 'New transcode')),
    ),
    holder,
  );

  async function refresh() {
    try {
      const { jobs, total } = await getJson(`/v1/jobs?limit=100${state ? `&state=${state}` : ''}`);
      summary.textContent = `${total} job${total === 1 ? '' : 's'}`;
      body.replaceChildren(...jobs.map(row));
      if (!jobs.length)
        body.append(
          h('tr', {}, h('td', { colSpan: 7 }, empty('No jobs yet — submit a transcode to get started.'))),
        );
    } catch (error) {
      holder.replaceChildren(errorBox(error), table);
    }
  }

  function row(job) {
    const open = () => (window.location.hash = `#/jobs/${job.id}`);
    const finished = ['done', 'failed', 'cancelled'].includes(job.state);
    return h(
      'tr.clickable',
      { onclick: open, dataset: { jobId: job.id } },
      h('td', {}, jobId(job.id, { href: `#/jobs/${job.id}` }), h('div.muted.small', {}, job.type)),
      h(
        'td',
        {},
        h('div', {}, jobSources(job.spec, basename) || job.type),
        jobOutput(job.spec) ? h('div.muted.small', {}, `→ ${jobOutput(job.spec, basename)}`) : null,
      ),
      h('td', {}, badge(job.state), job.waitingFor ? h('div.muted.small', {}, job.waitingFor) : null),
      h(
        'td',
        {},
        h(
          'div.progress-cell',
          {},
          progressBar(job.progress, job.state),
          h('span.small', {}, percent(job.progress)),
        ),
      ),
      h(
        'td',
        {},
        `${job.tasks.done}/${job.tasks.total}`,
        job.tasks.reused ? h('div.muted.small', {}, `${job.tasks.reused} reused`) : null,
      ),
      h('td', { title: job.createdAt }, ago(job.createdAt)),
      h('td', {}, finished ? duration(job.createdAt, job.updatedAt) : ''),
    );
  }

  return every(2000, refresh);
}
