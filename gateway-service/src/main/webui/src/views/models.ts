// The models screens: every model of the user with its latest version (#/models), and one model
// (#/models/<name>): accuracy over its versions, the versions with their hyperparameters, and the
// prediction forms (./predict.ts).
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { api, type Model, type ModelDetail, type ModelVersion } from '../api';
import { batchForm, predictForm } from './predict';
import { formatNumber, formatPercent, formatTime, h, replace } from '../dom';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const DAY_MS = 24 * 3600 * 1000;
/** The window of the mean drawn beside each version's accuracy. */
const MEAN_DAYS = 7;
/** Version cards (hyperparameters) read for the table: the newest ones; the chart shows every version. */
const CARDS_SHOWN = 30;

function healthBadges(model: { stale: boolean; accuracyDropped: boolean }): HTMLElement[] {
  const badges: HTMLElement[] = [];
  if (model.stale) badges.push(h('span', { class: 'badge warn stale', title: 'The latest version is older than the retraining period' }, 'stale'));
  if (model.accuracyDropped) badges.push(h('span', { class: 'badge bad accuracy-dropped', title: 'The latest version is less accurate than the one before' }, 'accuracy dropped'));
  return badges;
}

export async function modelsScreen(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const models: Model[] = await api.models();
  if (signal.aborted) return;
  const body = h('tbody', {}, ...models.map((m) => h('tr', { 'data-model': m.name },
    h('td', {}, h('a', { href: `#/models/${encodeURIComponent(m.name)}` }, m.name)),
    h('td', { class: 'num latest-version' }, m.latestVersion),
    h('td', { class: 'num accuracy' }, formatPercent(m.validationAccuracy)),
    h('td', {}, formatTime(m.registeredAt)),
    h('td', { class: 'health' }, ...healthBadges(m)))));
  if (!models.length) {
    replace(body, h('tr', {}, h('td', { colspan: 5, class: 'hint' },
      'No models yet. Each job that succeeds adds a version to its model.')));
  }
  replace(main,
    h('h1', {}, 'Models'),
    h('table', { id: 'models' },
      h('thead', {}, h('tr', {}, ...['Name', 'Latest version', 'Accuracy', 'Registered', 'Health']
        .map((c) => h('th', { scope: 'col' }, c)))),
      body));
}

/** For each version, the mean validation accuracy of the versions registered in the {@link MEAN_DAYS} days up to it. */
function rollingMean(detail: ModelDetail): (number | null)[] {
  return detail.versions.map((v) => {
    const until = Date.parse(v.registeredAt);
    const window = detail.versions.filter((w) => w.validationAccuracy !== null
      && Date.parse(w.registeredAt) <= until && Date.parse(w.registeredAt) > until - MEAN_DAYS * DAY_MS);
    return window.length ? window.reduce((sum, w) => sum + w.validationAccuracy!, 0) / window.length : null;
  });
}

function accuracyChart(canvas: HTMLCanvasElement, detail: ModelDetail): Chart<'line'> {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: detail.versions.map((v) => `v${v.version}`),
      datasets: [
        { label: 'validation accuracy', data: detail.versions.map((v) => v.validationAccuracy), borderColor: '#2563eb',
          backgroundColor: '#2563eb', tension: 0.2 },
        { label: `${MEAN_DAYS}-day mean`, data: rollingMean(detail), borderColor: '#9ca3af', backgroundColor: '#9ca3af',
          borderDash: [6, 4], pointRadius: 0, tension: 0.2 },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: 'version' } }, y: { min: 0, max: 1 } },
      plugins: { tooltip: { callbacks: {
        afterTitle: (items) => formatTime(detail.versions[items[0].dataIndex]?.registeredAt),
      } } },
    },
  });
}

function hyperparameters(card: ModelVersion['card'] | undefined): string {
  if (!card) return '…';
  return Object.entries(card.hyperparameters ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

export async function modelScreen(main: HTMLElement, signal: AbortSignal, name: string): Promise<void> {
  const [detail, latest] = await Promise.all([api.model(name), api.modelVersion(name, 'latest')]);
  if (signal.aborted) return;
  const canvas = h('canvas', { id: 'versions-chart', role: 'img', 'aria-label': `Validation accuracy of ${name} per version` });
  const newestFirst = [...detail.versions].reverse();
  const hyperCells = new Map<number, HTMLElement>();
  const rows = newestFirst.map((v) => {
    const cell = h('td', { class: 'hyper' }, v.version === latest.version ? hyperparameters(latest.card) : '…');
    hyperCells.set(v.version, cell);
    return h('tr', { 'data-version': v.version },
      h('td', { class: 'num' }, v.version),
      h('td', {}, formatTime(v.registeredAt)),
      h('td', {}, h('a', { href: `#/jobs/${v.jobId}` }, v.jobName)),
      h('td', { class: 'num accuracy' }, formatPercent(v.validationAccuracy)),
      h('td', { class: 'num' }, formatNumber(v.validationLoss)),
      cell);
  });

  replace(main,
    h('p', {}, h('a', { href: '#/models' }, '← All models')),
    h('div', { class: 'title-row' }, h('h1', {}, name), ...healthBadges(detail)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Latest version'), h('dd', { id: 'latest-version' }, detail.latestVersion),
      h('dt', {}, 'Recipe'), h('dd', {}, detail.recipe ?? '—'),
      ...(detail.validationAccuracyMean7d !== null && detail.validationAccuracyMean7d !== undefined
        ? [h('dt', {}, `Mean validation accuracy, last ${MEAN_DAYS} days`),
          h('dd', { id: 'model-mean-7d', 'data-value': detail.validationAccuracyMean7d },
            formatPercent(detail.validationAccuracyMean7d))]
        : []),
      h('dt', {}, 'Artifact'), h('dd', {}, h('code', {}, latest.card.artifactUri)),
      ...(latest.card.warmStartedFrom ? [h('dt', {}, 'Warm start'), h('dd', {}, h('code', {}, latest.card.warmStartedFrom))] : [])),
    h('div', { class: 'columns' },
      h('figure', {}, h('figcaption', {}, 'Accuracy over versions'), h('div', { class: 'chart' }, canvas)),
      h('div', {}, predictForm(name, latest), batchForm(name, latest))),
    h('h2', {}, 'Versions'),
    h('table', { id: 'versions' },
      h('thead', {}, h('tr', {}, ...['Version', 'Registered', 'Job', 'Accuracy', 'Loss', 'Hyperparameters']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows)));
  const chart = accuracyChart(canvas, detail);
  signal.addEventListener('abort', () => chart.destroy());

  // The versions' hyperparameters are in their cards: read the newest ones behind the first paint.
  await Promise.all(newestFirst.slice(0, CARDS_SHOWN).filter((v) => v.version !== latest.version).map(async (v) => {
    try {
      const version = await api.modelVersion(name, v.version);
      if (!signal.aborted) replace(hyperCells.get(v.version)!, hyperparameters(version.card));
    } catch {
      replace(hyperCells.get(v.version)!, '—');
    }
  }));
}
