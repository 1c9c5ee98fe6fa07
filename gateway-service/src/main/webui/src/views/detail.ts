// Job detail: loss and accuracy per epoch, the timeline, the hyperparameters and the model.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { api, type JobDetail } from '../api';
import { formatNumber, formatPercent, formatTime, h, replace, statusBadge, TERMINAL } from '../dom';
import { keepLive } from '../live';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const TRAIN = '#2563eb';
const VALIDATION = '#d97706';

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
  const error = h('div', { role: 'alert' });
  replace(main,
    h('p', {}, h('a', { href: '#/jobs' }, '← All jobs')),
    header, error, facts,
    h('div', { class: 'charts' },
      h('figure', {}, h('figcaption', {}, 'Loss'), h('div', { class: 'chart' }, lossCanvas)),
      h('figure', {}, h('figcaption', {}, 'Accuracy'), h('div', { class: 'chart' }, accuracyCanvas))),
    h('div', { class: 'columns' },
      h('section', {}, h('h2', {}, 'Timeline'), timeline),
      h('section', {}, h('h2', {}, 'Hyperparameters'), hyper)));
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

  let finished = false;
  keepLive(`/jobs/${id}/stream`, async () => {
    if (finished) return;
    try {
      const job = await api.job(id);
      finished = TERMINAL.has(job.status);
      render(job);
      replace(error);
    } catch (e) {
      replace(error, h('p', { class: 'error' }, (e as Error).message));
    }
  }, signal, () => undefined);
}
