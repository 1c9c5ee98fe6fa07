// Notifications while the page is open: a toast in a polite live region (read out by screen readers)
// when one of the user's jobs succeeds, fails, is cancelled or times out. Follows the same stream as
// the list screen, on its own, so that it works on every screen.
import { followStream, type Job } from './api';
import { h, TERMINAL } from './dom';

const RETRY_MS = 5000;
const SHOWN_MS = 20000;
/** A job that finished this long before the page opened is old news, not a notification. */
const SLACK_MS = 5000;

const MESSAGES: Record<string, string> = {
  succeeded: 'succeeded', failed: 'failed', cancelled: 'was cancelled', timed_out: 'timed out',
};

let region: HTMLElement | null = null;
let stop: AbortController | null = null;

function toasts(): HTMLElement {
  if (!region) {
    region = h('div', { id: 'notifications', class: 'toasts', role: 'status', 'aria-live': 'polite', 'aria-label': 'Notifications' });
    document.body.append(region);
  }
  return region;
}

function show(job: Job): void {
  const dismiss = h('button', { type: 'button', class: 'small', 'aria-label': `Dismiss the notification about ${job.name}` }, '×');
  const toast = h('div', { class: `toast toast-${job.status}`, 'data-job': job.id, 'data-status': job.status },
    h('span', {}, 'Job ', h('a', { href: `#/jobs/${job.id}` }, job.name), ` ${MESSAGES[job.status] ?? job.status}.`),
    job.reason && job.status !== 'succeeded' ? h('span', { class: 'hint' }, ` ${job.reason}`) : null,
    dismiss);
  dismiss.addEventListener('click', () => toast.remove());
  toasts().append(toast);
  window.setTimeout(() => toast.remove(), SHOWN_MS);
}

/** (Re)starts following the user's jobs; called at start and whenever the user changes. */
export function notifyFinishedJobs(): void {
  stop?.abort();
  stop = new AbortController();
  const signal = stop.signal;
  const since = Date.now() - SLACK_MS;
  const notified = new Set<string>();
  const onEvent = (name: string, data: string) => {
    if (name !== 'job') return;
    const job = JSON.parse(data) as Job;
    if (!TERMINAL.has(job.status) || notified.has(job.id)) return;
    // later changes of a finished job (its model version registered, a late epoch) are not news
    notified.add(job.id);
    if (job.finishedAt && Date.parse(job.finishedAt) < since) return;
    show(job);
  };
  const follow = () => {
    if (signal.aborted) return;
    const again = () => { if (!signal.aborted) window.setTimeout(follow, RETRY_MS); };
    followStream('/jobs/stream', onEvent, signal).then(again, again);
  };
  follow();
}
