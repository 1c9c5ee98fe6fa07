// Hash routes, so that the gateway serves one page and navigating never reloads it:
// #/new (execution), #/jobs (list), #/jobs/<id> (detail), #/models (models), #/models/<name> (one model),
// #/webhooks (webhooks and their deliveries).
import './style.css';
import { currentUser, setCurrentUser } from './api';
import { h, replace } from './dom';
import { detailScreen } from './views/detail';
import { executeScreen } from './views/execute';
import { listScreen } from './views/list';
import { modelScreen, modelsScreen } from './views/models';
import { webhooksScreen } from './views/webhooks';
import { notifyFinishedJobs } from './notify';

const main = document.getElementById('main')!;
const userInput = document.getElementById('user') as HTMLInputElement;
let current: AbortController | null = null;

function route(): void {
  current?.abort();
  current = new AbortController();
  const signal = current.signal;
  const [path, query] = (location.hash.slice(1) || '/jobs').split('?');
  const params = new URLSearchParams(query ?? '');
  document.querySelectorAll<HTMLAnchorElement>('[data-nav]').forEach((a) =>
    a.toggleAttribute('aria-current', path.startsWith(`/${a.dataset.nav}`) && !(a.dataset.nav === 'jobs' && path === '/new')));
  if (!currentUser()) {
    replace(main, h('div', { class: 'problem', id: 'no-user' }, 'Type your user name in the “User” field at the top right first.'));
    userInput.focus();
    return;
  }
  const detail = path.match(/^\/jobs\/([0-9a-f-]{36})$/);
  const model = path.match(/^\/models\/([^/]+)$/);
  const shown = path === '/new' ? executeScreen(main, signal)
    : detail ? Promise.resolve(detailScreen(main, signal, detail[1]))
    : path === '/models' ? modelsScreen(main, signal)
    : path === '/webhooks' ? webhooksScreen(main, signal)
    : model ? Promise.resolve().then(() => modelScreen(main, signal, decodeURIComponent(model[1])))
    : Promise.resolve(listScreen(main, signal, params.get('created')));
  shown.catch((e: Error) => replace(main, h('div', { class: 'problem' }, e.message)));
}

userInput.value = currentUser();
userInput.addEventListener('change', () => {
  setCurrentUser(userInput.value);
  notifyFinishedJobs();
  route();
});
document.getElementById('identity')!.addEventListener('submit', (e) => {
  e.preventDefault();
  setCurrentUser(userInput.value);
  notifyFinishedJobs();
  route();
});
window.addEventListener('hashchange', route);
if (currentUser()) notifyFinishedJobs();
route();
