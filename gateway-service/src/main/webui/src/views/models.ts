// The models screens: every model of the user with its latest version (#/models), and one model
// (#/models/<name>): accuracy over its versions, the versions with their hyperparameters, and a
// prediction form generated from the latest version's input schema.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { api, ApiError, type Model, type ModelDetail, type ModelVersion, type PredictionInput, type Predictions, type SchemaField } from '../api';
import { formatNumber, formatPercent, formatTime, h, replace } from '../dom';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const DAY_MS = 24 * 3600 * 1000;
/** The window of the mean drawn beside each version's accuracy. */
const MEAN_DAYS = 7;
/** Version cards (hyperparameters) read for the table: the newest ones; the chart shows every version. */
const CARDS_SHOWN = 30;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A version that has just been registered is loaded by serving-service first (503 + Retry-After): wait for it this often. */
const LOADING_RETRIES = 10;

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
      h('dt', {}, 'Artifact'), h('dd', {}, h('code', {}, latest.card.artifactUri)),
      ...(latest.card.warmStartedFrom ? [h('dt', {}, 'Warm start'), h('dd', {}, h('code', {}, latest.card.warmStartedFrom))] : [])),
    h('div', { class: 'columns' },
      h('figure', {}, h('figcaption', {}, 'Accuracy over versions'), h('div', { class: 'chart' }, canvas)),
      predictForm(name, latest)),
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

/** A field's value as the model reads it: a number field gets a number when it is one, otherwise the text (serving says why not). */
function valueOf(field: SchemaField, text: string): number | string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  return field.type === 'number' && NUMBER.test(trimmed) ? Number(trimmed) : text;
}

function predictForm(name: string, latest: ModelVersion): HTMLElement {
  const fields = latest.card.schema?.inputs ?? [];
  const errors = new Map<string, HTMLElement>();
  const inputs = new Map<string, HTMLInputElement>();
  const result = h('div', { id: 'prediction', 'aria-live': 'polite' });
  const general = h('div', { id: 'predict-status', role: 'alert' });
  const button = h('button', { type: 'submit', id: 'predict-submit', class: 'primary' }, 'Predict');

  const controls = fields.map((f) => {
    const id = `predict-${f.name}`;
    // Text inputs for numbers too: what the user typed reaches serving-service, whose field errors are shown here.
    const input = h('input', { id, name: f.name, type: 'text', inputmode: f.type === 'number' ? 'decimal' : undefined,
      maxlength: f.maxLength ?? undefined, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${id}-error` });
    const error = h('span', { id: `${id}-error`, class: 'error field-error' });
    inputs.set(f.name, input);
    errors.set(f.name, error);
    return h('label', { for: id }, h('span', {}, `${f.name} (${f.type})`), input, error);
  });

  function clear(): void {
    errors.forEach((e) => replace(e));
    inputs.forEach((i) => i.removeAttribute('aria-invalid'));
    replace(general);
  }

  async function predictWhenLoaded(input: PredictionInput): Promise<Predictions> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await api.predict(name, [input]);
      } catch (e) {
        const retryAfter = e instanceof ApiError && e.problem.status === 503 ? e.problem.retryAfter : undefined;
        if (retryAfter === undefined || attempt >= LOADING_RETRIES) throw e;
        replace(general, h('p', { class: 'hint' }, `${(e as Error).message}; trying again in ${retryAfter} s…`));
        await new Promise((resolve) => window.setTimeout(resolve, Math.max(retryAfter, 1) * 1000));
        replace(general);
      }
    }
  }

  async function predict(): Promise<void> {
    clear();
    const input: PredictionInput = {};
    fields.forEach((f) => { input[f.name] = valueOf(f, inputs.get(f.name)!.value); });
    button.disabled = true;
    try {
      const answer = await predictWhenLoaded(input);
      const prediction = answer.predictions[0];
      const probabilities = Object.entries(prediction.probabilities).sort((a, b) => b[1] - a[1]);
      replace(result,
        h('p', {}, 'Label ', h('strong', { id: 'prediction-label' }, prediction.label),
          ' — answered by ', h('span', { id: 'prediction-version' }, `version ${answer.version}`)),
        h('ul', { class: 'probabilities' }, ...probabilities.map(([label, p]) => h('li', {},
          h('span', { class: 'label' }, label),
          h('meter', { min: 0, max: 1, value: p, 'aria-label': `${label} probability` }),
          h('span', { class: 'num' }, formatPercent(p))))));
    } catch (e) {
      replace(result);
      const problem = e instanceof ApiError ? e.problem : { status: 0, detail: (e as Error).message, errors: [] };
      const unplaced: string[] = [];
      for (const fe of problem.errors ?? []) {
        // serving-service names fields inputs[i].<field>; the form sends one input.
        const field = fe.field.replace(/^inputs\[\d+\]\./, '');
        const error = errors.get(field);
        if (error) {
          replace(error, fe.message);
          inputs.get(field)!.setAttribute('aria-invalid', 'true');
        } else {
          unplaced.push(`${fe.field}: ${fe.message}`);
        }
      }
      if (unplaced.length || !problem.errors?.length) {
        replace(general, h('div', { class: 'problem' }, h('strong', {}, problem.detail ?? problem.title ?? 'The prediction failed'),
          unplaced.length ? h('ul', {}, ...unplaced.map((m) => h('li', {}, m))) : null));
      }
    } finally {
      button.disabled = false;
    }
  }

  const form = h('form', { id: 'predict-form', class: 'card', novalidate: true },
    h('h2', {}, `Predict with version ${latest.version}`),
    fields.length ? h('div', { class: 'grid' }, ...controls) : h('p', { class: 'hint' }, 'This version has no input schema.'),
    button, general, result);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void predict();
  });
  return form;
}
