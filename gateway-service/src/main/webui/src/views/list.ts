// The list screen: counts of the user's running and completed jobs, then every job, live.
import { api, type Job } from '../api';
import { formatPercent, formatTime, h, replace, statusBadge, TERMINAL } from '../dom';
import { keepLive, type LiveMode } from '../live';

type SortKey = 'newest' | 'name' | 'status' | 'accuracy';

const RUNNING = new Set(['dispatched', 'running']);
const WAITING = new Set(['validating', 'queued']);

function sortJobs(jobs: Job[], key: SortKey): Job[] {
  const by: Record<SortKey, (a: Job, b: Job) => number> = {
    newest: () => 0, // the API answers newest first
    name: (a, b) => a.name.localeCompare(b.name),
    status: (a, b) => a.status.localeCompare(b.status),
    accuracy: (a, b) => (b.validationAccuracy ?? -1) - (a.validationAccuracy ?? -1),
  };
  return [...jobs].sort(by[key]);
}

export function listScreen(main: HTMLElement, signal: AbortSignal, created: string | null): void {
  let jobs: Job[] = [];
  const summary = h('p', { id: 'summary', class: 'summary', 'aria-live': 'polite' });
  const live = h('span', { id: 'live-mode', class: 'hint' });
  const filterInput = h('input', { id: 'filter', type: 'search', placeholder: 'Filter by name', 'aria-label': 'Filter by name' });
  const statusSelect = h('select', { id: 'status-filter', 'aria-label': 'Status' },
    ...['all', 'active', 'validating', 'queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out']
      .map((s) => h('option', { value: s }, s === 'all' ? 'Every status' : s === 'active' ? 'Not finished' : s.replace('_', ' '))));
  const sortSelect = h('select', { id: 'sort', 'aria-label': 'Sort by' },
    h('option', { value: 'newest' }, 'Newest first'), h('option', { value: 'name' }, 'Name'),
    h('option', { value: 'status' }, 'Status'), h('option', { value: 'accuracy' }, 'Best accuracy'));
  const body = h('tbody', {});
  const error = h('div', { id: 'list-error', role: 'alert' });

  /** The file is in the store: the API answers a short-lived presigned URL, which the browser then opens. */
  function downloadButton(job: Job): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'small', 'data-download': job.id,
      'aria-label': `Download the predictions of ${job.name}` }, 'Download');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        window.location.assign((await api.predictions(job.id)).url);
      } catch (e) {
        button.replaceWith(h('span', { class: 'error' }, (e as Error).message));
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  async function cancel(job: Job, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await api.cancelJob(job.id);
      await refresh();
    } catch (e) {
      replace(error, h('p', { class: 'error' }, `Cancel ${job.name}: ${(e as Error).message}`));
      button.disabled = false;
    }
  }

  function render(): void {
    const running = jobs.filter((j) => RUNNING.has(j.status)).length;
    const waiting = jobs.filter((j) => WAITING.has(j.status)).length;
    const completed = jobs.filter((j) => TERMINAL.has(j.status));
    const succeeded = completed.filter((j) => j.status === 'succeeded').length;
    replace(summary,
      h('span', { class: 'count', id: 'count-running' }, h('strong', {}, running), ' running'),
      h('span', { class: 'count' }, h('strong', {}, waiting), ' waiting'),
      h('span', { class: 'count', id: 'count-completed' }, h('strong', {}, completed.length), ' completed',
        completed.length ? ` (${succeeded} succeeded)` : ''));

    const text = filterInput.value.trim().toLowerCase();
    const status = statusSelect.value;
    const shown = sortJobs(jobs, sortSelect.value as SortKey).filter((j) =>
      (!text || j.name.toLowerCase().includes(text))
      && (status === 'all' || (status === 'active' ? !TERMINAL.has(j.status) : j.status === status)));
    replace(body, ...shown.map((j) => {
      const cancelButton = h('button', { type: 'button', class: 'small', 'aria-label': `Cancel ${j.name}` }, 'Cancel');
      cancelButton.addEventListener('click', () => cancel(j, cancelButton));
      const epochs = j.epochs ?? 0;
      const epoch = j.epoch ?? 0;
      const prediction = j.kind === 'prediction';
      return h('tr', { 'data-job': j.id, 'data-name': j.name, 'data-status': j.status, class: j.id === created ? 'created' : '' },
        h('td', {}, h('a', { href: `#/jobs/${j.id}` }, j.name)),
        h('td', { class: 'status' }, statusBadge(j.status), j.reason ? h('div', { class: 'hint' }, j.reason) : null),
        h('td', {}, formatTime(j.startedAt)),
        h('td', {}, formatTime(j.finishedAt)),
        prediction
          ? h('td', { class: 'progress hint' }, `predictions of ${j.model} v${j.modelVersion}`)
          : h('td', { class: 'progress' },
            h('progress', { max: Math.max(epochs, 1), value: epoch, 'aria-label': `${j.name}: epoch ${epoch} of ${epochs}` }),
            h('span', { class: 'epochs' }, `${epoch} / ${epochs}`)),
        h('td', { class: 'num accuracy' }, prediction ? null : formatPercent(j.validationAccuracy ?? j.trainAccuracy)),
        h('td', {}, !TERMINAL.has(j.status) ? cancelButton
          : prediction && j.status === 'succeeded' ? downloadButton(j) : null));
    }));
    if (!shown.length) {
      replace(body, h('tr', {}, h('td', { colspan: 7, class: 'hint' },
        jobs.length ? 'No job matches the filter.' : 'No jobs yet. Start one from “New job”.')));
    }
  }

  async function refresh(): Promise<void> {
    try {
      jobs = await api.jobs();
      replace(error);
      render();
    } catch (e) {
      replace(error, h('p', { class: 'error' }, (e as Error).message));
    }
  }

  for (const control of [filterInput, statusSelect, sortSelect]) control.addEventListener('input', render);
  replace(main,
    h('div', { class: 'title-row' }, h('h1', {}, 'Jobs'), live),
    summary,
    h('div', { class: 'toolbar' }, filterInput, statusSelect, sortSelect),
    error,
    h('table', { id: 'jobs' },
      h('thead', {}, h('tr', {}, ...['Name', 'Status', 'Started', 'Finished', 'Epoch', 'Accuracy', '']
        .map((c) => h('th', { scope: 'col' }, c)))),
      body));
  keepLive('/jobs/stream', refresh, signal, (mode: LiveMode) =>
    replace(live, mode === 'stream' ? '● live' : '● live (polling every 2 s)'));
}
