// Predictions with a model version: one input typed into a form generated from the version's input
// schema (card.schema.inputs), or a CSV file of inputs answered in batches, downloaded as CSV.
import { api, ApiError, type FieldError, type ModelVersion, type PredictionInput, type Predictions, type SchemaField } from '../api';
import { formatPercent, h, replace } from '../dom';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A version that has just been registered is loaded by serving-service first (503 + Retry-After): wait for it this often. */
const LOADING_RETRIES = 10;
/** Inputs per call: serving-service's limit. */
const BATCH = 64;
/** Rows of a file predicted in the browser; a larger file is a job for a batch pipeline, not this page. */
const MAX_ROWS = 10_000;

/**
 * Predicts, waiting out a version that serving-service is still loading (503 with Retry-After).
 * {@code onWait} is told what is awaited, and '' once it goes on.
 */
async function predictWhenLoaded(name: string, inputs: PredictionInput[], version: number | undefined,
  onWait: (message: string) => void): Promise<Predictions> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.predict(name, inputs, version);
    } catch (e) {
      const retryAfter = e instanceof ApiError && e.problem.status === 503 ? e.problem.retryAfter : undefined;
      if (retryAfter === undefined || attempt >= LOADING_RETRIES) throw e;
      onWait(`${(e as Error).message}; trying again in ${retryAfter} s…`);
      await new Promise((resolve) => window.setTimeout(resolve, Math.max(retryAfter, 1) * 1000));
      onWait('');
    }
  }
}

/** A field's value as the model reads it: a number field gets a number when it is one, otherwise the text (serving says why not). */
function valueOf(field: SchemaField, text: string): number | string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  return field.type === 'number' && NUMBER.test(trimmed) ? Number(trimmed) : text;
}

/** One input, typed into a form generated from the version's schema. */
export function predictForm(name: string, latest: ModelVersion): HTMLElement {
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

  async function predict(): Promise<void> {
    clear();
    const input: PredictionInput = {};
    fields.forEach((f) => { input[f.name] = valueOf(f, inputs.get(f.name)!.value); });
    button.disabled = true;
    try {
      const answer = await predictWhenLoaded(name, [input], undefined, (m) => replace(general, m ? h('p', { class: 'hint' }, m) : ''));
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

/** RFC 4180 fields: commas, quotes doubled inside quoted fields, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/**
 * One CSV line, safe to open in a spreadsheet: a cell that would run as a formula (=, +, -, @, tab or CR
 * first, and not a number) gets a leading ', as trainer-worker's CsvCells does for prediction jobs' files.
 */
function csvLine(values: (string | number)[]): string {
  return values.map((v) => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',');
}

/**
 * A CSV file of inputs (a header naming the schema's fields; other columns are kept in the result
 * but not sent) predicted by the version shown, 64 rows per call, then offered as a CSV download
 * with the predicted label and each class's probability. serving-service's field errors are shown
 * with the file's line numbers.
 */
export function batchForm(name: string, latest: ModelVersion): HTMLElement {
  const fields = latest.card.schema?.inputs ?? [];
  const labels = latest.card.schema?.labels ?? [];
  const file = h('input', { type: 'file', id: 'batch-file', accept: '.csv,text/csv', 'aria-describedby': 'batch-status' });
  const button = h('button', { type: 'submit', id: 'batch-submit' }, 'Predict the file');
  const status = h('div', { id: 'batch-status', 'aria-live': 'polite' });
  let download: string | null = null;

  async function run(): Promise<void> {
    if (download) URL.revokeObjectURL(download);
    download = null;
    const chosen = file.files?.[0];
    if (!chosen) return replace(status, h('p', { class: 'error' }, 'Choose a CSV file first.'));
    const rows = parseCsv(await chosen.text());
    const header = rows.shift() ?? [];
    const missing = fields.filter((f) => !header.includes(f.name)).map((f) => f.name);
    if (missing.length) return replace(status, h('p', { class: 'error' }, `The header has no column ${missing.join(', ')}.`));
    if (!rows.length || rows.length > MAX_ROWS) {
      return replace(status, h('p', { class: 'error' }, `The file must have 1 to ${MAX_ROWS} rows; it has ${rows.length}.`));
    }
    const columns = fields.map((f) => header.indexOf(f.name));
    const out = [csvLine([...header, 'predicted_label', ...labels.map((l) => `p_${l}`), 'model_version'])];
    button.disabled = true;
    try {
      for (let start = 0; start < rows.length; start += BATCH) {
        replace(status, h('p', { class: 'hint' }, `${start} of ${rows.length} rows predicted…`));
        const chunk = rows.slice(start, start + BATCH);
        const inputs = chunk.map((row) => Object.fromEntries(fields.map((f, i) => [f.name, valueOf(f, row[columns[i]] ?? '')])));
        let answer: Predictions;
        try {
          // Pinned to the version shown, so that one file is never answered by two versions.
          answer = await predictWhenLoaded(name, inputs, latest.version, (m) => m && replace(status, h('p', { class: 'hint' }, m)));
        } catch (e) {
          return replace(status, problemOf(e, start));
        }
        answer.predictions.forEach((p, i) => out.push(csvLine([...chunk[i], p.label,
          ...labels.map((l) => p.probabilities[l] ?? ''), answer.version])));
      }
      download = URL.createObjectURL(new Blob([out.join('\n') + '\n'], { type: 'text/csv' }));
      replace(status, h('p', { class: 'ok' }, `${rows.length} rows predicted by version ${latest.version}. `,
        h('a', { id: 'batch-download', href: download, download: `${name}-v${latest.version}-predictions.csv` }, 'Download the results')));
    } finally {
      button.disabled = false;
    }
  }

  const form = h('form', { id: 'batch-form', class: 'card', novalidate: true },
    h('h2', {}, 'Predict a file'),
    h('p', { class: 'hint' }, `A CSV file with a header naming ${fields.map((f) => f.name).join(', ')}; at most ${MAX_ROWS} rows.`),
    h('div', { class: 'row' }, file, ' ', button), status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  return form;
}

/** A failed batch: serving-service's field errors at the file's lines (the header is line 1). */
function problemOf(e: unknown, start: number): HTMLElement {
  const problem = e instanceof ApiError ? e.problem : { status: 0, detail: (e as Error).message, errors: [] as FieldError[] };
  const lines = (problem.errors ?? []).map((fe) => {
    const at = fe.field.match(/^inputs\[(\d+)\]\.(.+)$/);
    return at ? `line ${start + Number(at[1]) + 2}, column ${at[2]}: ${fe.message}` : `${fe.field}: ${fe.message}`;
  });
  return h('div', { class: 'problem', id: 'batch-problems' },
    h('strong', {}, problem.detail ?? problem.title ?? 'The prediction failed'),
    lines.length ? h('ul', {}, ...lines.map((l) => h('li', {}, l))) : null);
}
