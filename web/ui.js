// Small DOM helpers and formatters shared by the pages.

/** h('div.card', {onclick}, child, ...) creates an element; strings become text nodes. */
export function h(tag, props = {}, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && key !== 'list') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof window.Node ? child : String(child));
  }
  return el;
}

export function badge(state) {
  return h(`span.badge.state-${state}`, {}, state);
}

/** A task's state as a table of pieces shows it: queued is `pending`, a reused checkpoint `checkpointed`. */
export function pieceState(task) {
  if (!task) return 'pending';
  if (task.state === 'done') return task.reused ? 'checkpointed' : 'done';
  return task.state === 'queued' ? 'pending' : task.state;
}

export function progressBar(fraction, state = 'running') {
  const pct = Math.round((fraction ?? 0) * 100);
  return h(
    'div.progress',
    { title: `${pct}%` },
    h(`div.progress-fill.state-${state}`, { style: { width: `${pct}%` } }),
  );
}

export function percent(fraction) {
  return `${Math.floor((fraction ?? 0) * 100)}%`;
}

export function basename(path) {
  return typeof path === 'string' ? path.split('/').pop() : '';
}

const same = (path) => path;

/**
 * What a job reads, in a few words: its input, the first of its inputs and how many more, a
 * montage's clips and music, a render's scenes. `show` writes each path (a basename in a list).
 */
export function jobSources(spec, show = same) {
  if (!spec) return '';
  if (typeof spec.input === 'string') return show(spec.input);
  const inputs = Array.isArray(spec.inputs) ? spec.inputs : [];
  if (inputs.length)
    return inputs.length === 1 ? show(inputs[0]) : `${show(inputs[0])} + ${inputs.length - 1} more`;
  if (Array.isArray(spec.clips)) {
    const clips = `${spec.clips.length} clip${spec.clips.length === 1 ? '' : 's'}`;
    return typeof spec.music === 'string' ? `${clips} + ${show(spec.music)}` : clips;
  }
  if (spec.quiz) return `quiz of ${spec.quiz.questions?.length ?? 0} questions`;
  if (Array.isArray(spec.scenes)) return `${spec.scenes.length} scene${spec.scenes.length === 1 ? '' : 's'}`;
  return '';
}

/** Where a job writes, or '' where it keeps its result with the job (an analysis). */
export function jobOutput(spec, show = same) {
  return typeof spec?.output === 'string' ? show(spec.output) : '';
}

/**
 * The encoder a job runs: its result's once done, else the one its plan chose (a task's
 * `enc:` requirement), else what was asked for (`auto` before the plan).
 */
export function jobEncoder(job) {
  if (job?.result?.encoder) return job.result.encoder;
  for (const task of job?.tasks ?? []) {
    const chosen = (task.requires?.features ?? []).find((f) => f.startsWith('enc:'));
    if (chosen) return chosen.slice(4);
  }
  return job?.spec?.encoder ?? '';
}

export function ago(iso) {
  if (!iso) return '';
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.round(seconds)}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h ago`;
  return new Date(iso).toLocaleDateString();
}

export function duration(fromIso, toIso) {
  if (!fromIso) return '';
  const seconds = ((toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso)) / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * A job id that never misleads: shown whole, or cut with an ellipsis (the whole id in its title);
 * the copy button always copies the whole id.
 */
export function jobId(id, { max = Infinity, href } = {}) {
  const text = id.length > max ? `${id.slice(0, max - 1)}…` : id;
  const copy = h(
    'button.copy',
    {
      type: 'button',
      title: 'Copy the job id',
      'aria-label': `Copy job id ${id}`,
      dataset: { copy: id },
      onclick: (event) => {
        event.preventDefault();
        event.stopPropagation();
        void window.navigator.clipboard?.writeText(id).then(
          () => (copy.textContent = 'copied'),
          () => undefined,
        );
      },
    },
    'copy',
  );
  const label = h(href ? 'a.mono' : 'span.mono', { href, title: id, dataset: { fullId: id } }, text);
  return h('span.job-id', {}, label, copy);
}

export function bytes(n) {
  if (typeof n !== 'number') return '—';
  if (n >= 1073741824) return `${(n / 1073741824).toFixed(2)} GiB`;
  if (n >= 1048576) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${Math.ceil(n / 1024)} KiB`;
}

export function errorBox(error) {
  return h('div.alert', {}, h('strong', {}, error.code ?? 'Error'), ' ', error.message ?? String(error));
}

export function empty(text) {
  return h('div.empty', {}, text);
}

/** Repeats fn every ms while the page stays mounted; returns the stop function. */
export function every(ms, fn) {
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    await fn().catch(() => undefined);
    if (!stopped) setTimeout(tick, ms);
  };
  void tick();
  return () => (stopped = true);
}
