// Job detail: loss and accuracy per epoch, the best epoch, the timeline, the job's history (every scheduler
// transition and trainer report), the hyperparameters and the model.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { api, type EpochEntry, type JobDetail, type JobEvent } from '../api';
import { formatNumber, formatPercent, formatTime, h, replace, statusBadge, TERMINAL } from '../dom';
import { keepLive } from '../live';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const TRAIN = '#2563eb';
const VALIDATION = '#d97706';

/** "epoch 3, validation accuracy 95.0 %" (and the attempt when the job ran more than once). */
function bestEpoch(best: EpochEntry): string {
  return `epoch ${best.epoch}` + (best.attempt && best.attempt > 1 ? ` (attempt ${best.attempt})` : '')
    + `, validation accuracy ${formatPercent(best.validationAccuracy)}`;
}

/** What happened: the event's type, and the status it moved the job to. */
function eventWhat(e: JobEvent): string {
  return e.type + (e.status ? ` → ${e.status}` : '');
}

/** Why, and the trainer's details: reason, message, error kind, attempt, worker (text only: they may come from users). */
function eventDetails(e: JobEvent): string {
  const parts: string[] = [];
  if (e.reason) parts.push(e.reason);
  if (e.message && e.message !== e.reason) parts.push(e.message);
  const extra: string[] = [];
  if (e.errorKind) extra.push(`error kind ${e.errorKind}`);
  if (e.attempt !== null && e.attempt !== undefined) extra.push(`attempt ${e.attempt}`);
  if (e.worker) extra.push(`worker ${e.worker}`);
  if (extra.length) parts.push(`(${extra.join(', ')})`);
  return parts.join(' ');
}

function lineChart(canvas: HTMLCanvasElement, title: string, yMax?: number): Chart<'line'> {
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [
      { label: `train ${title}`, data: [], borderColor: TRAIN, backgroundColor: TRAIN, tension: 0.2 },
      { label: `validation ${title}`, data: [], borderColor: VALIDATION, backgroundColor: VALIDATION, tension: 0.2 },
    ] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: 'epoch' } }, y: { beginAtZero: true, max: yMax } },
    },
  });
}

export function detailScreen(main: HTMLElement, signal: AbortSignal, id: string): void {
  const header = h('div', { class: 'title-row' });
  const facts = h('dl', { class: 'facts' });
  const lossCanvas = h('canvas', { id: 'loss-chart', role: 'img', 'aria-label': 'Loss per epoch' });
  const accuracyCanvas = h('canvas', { id: 'accuracy-chart', role: 'img', 'aria-label': 'Accuracy per epoch' });
  const timeline = h('ol', { id: 'timeline', class: 'timeline' });
  const hyper = h('dl', { id: 'hyperparameters', class: 'facts' });
  const eventRows = h('tbody', {});
  const eventsError = h('div', { role: 'alert' });
  const error = h('div', { role: 'alert' });
  replace(main,
    h('p', {}, h('a', { href: '#/jobs' }, '← All jobs')),
    header, error, facts,
    h('div', { class: 'charts' },
      h('figure', {}, h('figcaption', {}, 'Loss'), h('div', { class: 'chart' }, lossCanvas)),
      h('figure', {}, h('figcaption', {}, 'Accuracy'), h('div', { class: 'chart' }, accuracyCanvas))),
    h('div', { class: 'columns' },
      h('section', {}, h('h2', {}, 'Timeline'), timeline),
      h('section', {}, h('h2', {}, 'Hyperparameters'), hyper)),
    h('section', {}, h('h2', {}, 'History'), eventsError,
      h('table', { id: 'job-events' },
        h('thead', {}, h('tr', {}, ...['Time', 'What', 'Reason / message'].map((c) => h('th', { scope: 'col' }, c)))),
        eventRows)));
  const loss = lineChart(lossCanvas, 'loss');
  const accuracy = lineChart(accuracyCanvas, 'accuracy', 1);
  signal.addEventListener('abort', () => { loss.destroy(); accuracy.destroy(); });

  function render(job: JobDetail): void {
    replace(header, h('h1', {}, job.name), statusBadge(job.status));
    const fact = (term: string, value: string | Node) => [h('dt', {}, term), h('dd', {}, value)];
    replace(facts,
      ...fact('Recipe', job.recipe ?? '—'),
      ...(job.baseModel ? fact('Base model', h('code', { id: 'base-model' }, job.baseModel)) : []),
      ...fact('Epoch', `${job.epoch ?? 0} of ${job.epochs ?? '?'}`),
      ...fact('Validation accuracy', formatPercent(job.validationAccuracy)),
      ...fact('Validation loss', formatNumber(job.validationLoss)),
      ...(job.best ? [h('dt', {}, 'Best'), h('dd', { id: 'job-best', 'data-epoch': job.best.epoch,
        'data-validation-accuracy': job.best.validationAccuracy ?? undefined }, bestEpoch(job.best))] : []),
      ...fact('Model', job.modelUri ? h('code', { id: 'model-uri' }, job.modelUri) : 'not yet'),
      ...(job.reason ? fact('Reason', job.reason) : []));
    const history = job.epochHistory ?? [];
    loss.data.labels = accuracy.data.labels = history.map((e) => e.epoch);
    loss.data.datasets[0].data = history.map((e) => e.trainLoss);
    loss.data.datasets[1].data = history.map((e) => e.validationLoss);
    accuracy.data.datasets[0].data = history.map((e) => e.trainAccuracy);
    accuracy.data.datasets[1].data = history.map((e) => e.validationAccuracy);
    loss.update();
    accuracy.update();

    const events: [string | null, string][] = [
      [job.queuedAt, 'queued'],
      [job.startedAt, 'started on a trainer'],
      ...history.map((e): [string | null, string] => [e.completedAt,
        `epoch ${e.epoch}: validation accuracy ${formatPercent(e.validationAccuracy)}, loss ${formatNumber(e.validationLoss)}`
        + (e.samplesPerSecond ? `, ${Math.round(e.samplesPerSecond)} samples/s` : '')]),
      [job.finishedAt, job.status + (job.reason ? `: ${job.reason}` : '')],
    ];
    replace(timeline, ...events.filter(([time]) => time).map(([time, what]) =>
      h('li', {}, h('time', { datetime: time! }, formatTime(time)), ' ', what)));
    replace(hyper, ...Object.entries(job.hyperparameters ?? {}).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
  }

  function renderEvents(events: JobEvent[]): void {
    replace(eventRows, ...events.map((e) => h('tr', { 'data-event-id': e.eventId, 'data-type': e.type },
      h('td', {}, e.time ? h('time', { datetime: e.time }, formatTime(e.time)) : '—'),
      h('td', { class: 'event-what' }, eventWhat(e)),
      h('td', { class: 'event-details' }, eventDetails(e)))));
    if (!events.length) replace(eventRows, h('tr', {}, h('td', { colspan: 3, class: 'hint' }, 'No events yet.')));
  }

  /** The history is read beside the job: when it cannot be read, the rest of the screen still shows. */
  async function refreshEvents(): Promise<void> {
    try {
      const events = await api.jobEvents(id);
      if (signal.aborted) return;
      renderEvents(events);
      replace(eventsError);
    } catch (e) {
      replace(eventsError, h('p', { class: 'error' }, `History not available: ${(e as Error).message}`));
    }
  }

  let finished = false;
  keepLive(`/jobs/${id}/stream`, async () => {
    if (finished) return;
    const events = refreshEvents();
    try {
      const job = await api.job(id);
      finished = TERMINAL.has(job.status);
      render(job);
      replace(error);
    } catch (e) {
      replace(error, h('p', { class: 'error' }, (e as Error).message));
    }
    await events;
    // The refresh that sees the job end is the last: read the history once more, so it ends with the ending.
    if (finished) await refreshEvents();
  }, signal, () => undefined);
}
