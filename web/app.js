// Hash router: #/jobs, #/jobs/<id>, #/nodes, #/queues, #/submit. Each page mounts into <main>
// and returns a cleanup function that stops its polling or event stream.
import { setToken, token } from './api.js';
import { jobPage } from './pages/job.js';
import { jobsPage } from './pages/jobs.js';
import { nodesPage } from './pages/nodes.js';
import { queuesPage } from './pages/queues.js';
import { submitPage } from './pages/submit.js';

const main = document.getElementById('app');
let cleanup = () => undefined;

function route() {
  cleanup();
  main.replaceChildren();
  const parts = window.location.hash.replace(/^#\/?/, '').split('/');
  const [section = 'jobs', id] = parts;
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('active', link.dataset.nav === section && !id);
  }
  const pages = { nodes: nodesPage, queues: queuesPage, submit: submitPage, jobs: jobsPage };
  const stop =
    section === 'jobs' && id ? jobPage(main, decodeURIComponent(id)) : (pages[section] ?? jobsPage)(main);
  cleanup = stop ?? (() => undefined);
}

const bar = document.getElementById('token-bar');
const input = document.getElementById('token-input');
window.addEventListener('framefleet:unauthorized', () => {
  bar.hidden = false;
  input.value = token();
});
document.getElementById('token-save').addEventListener('click', () => {
  setToken(input.value.trim());
  bar.hidden = true;
  route();
});

window.addEventListener('hashchange', route);
route();
