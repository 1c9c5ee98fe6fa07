// The execution screen: name the job, upload or pick a dataset, choose the recipe and its
// hyperparameters, submit.
import { api, ApiError, type BaseModel, type Dataset, type Recipe } from '../api';
import { h, replace } from '../dom';
import { datasetNameOf, decided, mountUploader } from '../upload';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const NAME_RULE = '1 to 63 characters: letters, digits, ".", "_" or "-", starting with a letter or digit';
const DEFAULT_EPOCHS = 5;
const MODEL_HINT = 'Optional: the model this job adds a version to (a retrain of an existing one); empty: a model named like the job.';

export async function executeScreen(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const nameInput = h('input', { id: 'job-name', name: 'name', required: true, maxlength: 63, autocomplete: 'off',
    spellcheck: 'false', 'aria-describedby': 'job-name-status' });
  const nameStatus = h('p', { id: 'job-name-status', class: 'hint', 'aria-live': 'polite' }, NAME_RULE);
  const modelInput = h('input', { id: 'job-model', name: 'model', maxlength: 63, autocomplete: 'off', spellcheck: 'false',
    list: 'known-models', 'aria-describedby': 'job-model-status' });
  const knownModels = h('datalist', { id: 'known-models' });
  const modelStatus = h('p', { id: 'job-model-status', class: 'hint', 'aria-live': 'polite' }, MODEL_HINT);

  const sourceUpload = h('input', { type: 'radio', name: 'source', id: 'source-upload', value: 'upload', checked: true });
  const sourceExisting = h('input', { type: 'radio', name: 'source', id: 'source-existing', value: 'existing' });
  const sourceUrl = h('input', { type: 'radio', name: 'source', id: 'source-url', value: 'url' });
  const urlInput = h('input', { type: 'url', id: 'dataset-url', name: 'datasetUrl', placeholder: 'https://example.com/data.csv',
    autocomplete: 'off', spellcheck: 'false', 'aria-label': 'URL of the CSV file' });
  const importButton = h('button', { type: 'button', id: 'import-url' }, 'Import');
  const urlBox = h('div', { id: 'url-import', class: 'row', hidden: true }, urlInput, importButton);
  const uploadBox = h('div', { id: 'upload', class: 'upload' });
  const existingSelect = h('select', { id: 'dataset-select', name: 'datasetId', disabled: true, 'aria-label': 'Existing dataset' });
  const datasetStatus = h('div', { id: 'dataset-status', 'aria-live': 'polite' });

  const recipeSelect = h('select', { id: 'recipe', name: 'recipe' });
  const hyperBox = h('div', { class: 'grid' });
  const baseModelSelect = h('select', { id: 'base-model', name: 'baseModel' });
  const epochsInput = h('input', { id: 'epochs', name: 'epochs', type: 'number', min: 1, max: 1000, step: 1, value: DEFAULT_EPOCHS, required: true });
  const submitButton = h('button', { type: 'submit', id: 'submit', class: 'primary' }, 'Start fine-tuning');
  const formStatus = h('div', { id: 'form-status', role: 'alert' });

  let dataset: Dataset | null = null;
  let recipes: Recipe[] = [];
  let nameTaken = false;
  // One key per form: a double click or a retry after a lost answer does not start a second job.
  let idempotencyKey = crypto.randomUUID();

  function showDataset(d: Dataset | null): void {
    dataset = d;
    if (!d) return replace(datasetStatus);
    if (d.status === 'rejected') {
      replace(datasetStatus, h('div', { class: 'problem', id: 'dataset-problems' },
        h('strong', {}, `Dataset ${d.name} was rejected. Fix the file and upload it again:`),
        h('ul', {}, ...(d.problems ?? []).map((p) => h('li', {},
          p.line !== null ? h('span', { class: 'line' }, `line ${p.line}`) : null,
          p.column ? ` column ${p.column}` : '', (p.line !== null || p.column) ? ': ' : '', p.message)))));
    } else {
      replace(datasetStatus, h('p', { class: 'ok', id: 'dataset-ok' },
        `Dataset ${d.name}: ${d.status}`, d.rows !== null ? `, ${d.rows} rows` : '',
        d.columns ? `, columns ${d.columns.join(', ')}` : ''));
    }
  }

  let nameTimer: number | undefined;
  let nameCheck = 0;
  async function checkName(): Promise<void> {
    const name = nameInput.value.trim();
    const check = ++nameCheck;
    nameTaken = false;
    nameInput.removeAttribute('aria-invalid');
    if (!name) return replace(nameStatus, NAME_RULE);
    if (!NAME.test(name)) {
      nameInput.setAttribute('aria-invalid', 'true');
      return replace(nameStatus, h('span', { class: 'error' }, `Invalid name: ${NAME_RULE}`));
    }
    try {
      const jobs = await api.jobsNamed(name);
      if (check !== nameCheck) return;
      nameTaken = jobs.some((j) => j.name === name);
      if (nameTaken) {
        nameInput.setAttribute('aria-invalid', 'true');
        replace(nameStatus, h('span', { class: 'error', id: 'name-taken' }, `You already have a job named ${name}.`));
      } else {
        replace(nameStatus, h('span', { class: 'ok' }, 'Name available'));
      }
    } catch (e) {
      if (check === nameCheck) replace(nameStatus, h('span', { class: 'error' }, (e as Error).message));
    }
  }
  nameInput.addEventListener('input', () => {
    window.clearTimeout(nameTimer);
    nameTimer = window.setTimeout(checkName, 250);
  });

  let models: string[] = [];
  function checkModel(): void {
    const model = modelInput.value.trim();
    const valid = !model || NAME.test(model);
    modelInput.toggleAttribute('aria-invalid', !valid);
    replace(modelStatus, !valid ? h('span', { class: 'error' }, `Invalid model name: ${NAME_RULE}`)
      : model && models.includes(model) ? h('span', { class: 'ok' }, `Adds a new version to your model ${model}.`)
      : model ? `A new model ${model}.` : MODEL_HINT);
  }
  modelInput.addEventListener('input', checkModel);

  function renderHyperparameters(): void {
    const recipe = recipes.find((r) => r.name === recipeSelect.value);
    replace(hyperBox, ...Object.entries(recipe?.hyperparameters ?? {}).map(([key, value]) => h('label', {},
      h('span', {}, key),
      h('input', { name: `hp.${key}`, id: `hp-${key}`, type: 'number', step: 'any', min: 0, value, 'data-hyper': key, required: true }))));
  }
  recipeSelect.addEventListener('change', renderHyperparameters);

  // Only the base models registered for the chosen recipe; a bare name (its newest version, pinned by the
  // scheduler) only when that newest version is for this recipe too.
  let baseModels: BaseModel[] = [];
  function renderBaseModels(): void {
    const recipe = recipeSelect.value;
    const options = baseModels.flatMap((b) => {
      const fit = b.versions.filter((v) => v.recipe === recipe);
      const newest = b.versions[b.versions.length - 1];
      return [
        ...(newest?.recipe === recipe ? [h('option', { value: b.name }, `${b.name} (newest: version ${newest.version})`)] : []),
        ...fit.map((v) => h('option', { value: `${b.name}:${v.version}` },
          `${b.name}:${v.version}${v.description ? ` (${v.description})` : ''}`)),
      ];
    });
    replace(baseModelSelect, h('option', { value: '' }, 'None: the recipe\'s own start'), ...options);
    baseModelSelect.disabled = options.length === 0;
  }
  recipeSelect.addEventListener('change', renderBaseModels);

  function useSource(): void {
    uploadBox.hidden = !sourceUpload.checked;
    urlBox.hidden = !sourceUrl.checked;
    existingSelect.disabled = !sourceExisting.checked;
    showDataset(null);
    if (sourceExisting.checked) pickExisting();
  }
  sourceUpload.addEventListener('change', useSource);
  sourceExisting.addEventListener('change', useSource);
  sourceUrl.addEventListener('change', useSource);

  // The platform fetches the file itself (dataset-service streams it into the store) and validates it
  // like an upload; the dataset is named after the file, with the time when that name is taken.
  async function importUrl(): Promise<void> {
    const url = urlInput.value.trim();
    if (!url) return replace(datasetStatus, h('p', { class: 'error' }, 'Give the URL of a CSV file'));
    importButton.disabled = true;
    const file = url.split(/[?#]/)[0].split('/').filter(Boolean).pop() ?? 'dataset';
    try {
      replace(datasetStatus, h('p', { class: 'hint' }, `Importing ${file}…`));
      const taken = new Set((await api.datasets()).map((d) => d.name));
      const name = taken.has(datasetNameOf(file))
        ? datasetNameOf(`${file} ${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`) : datasetNameOf(file);
      const created = await api.importDataset(name, url);
      if (created.status === 'importing' || created.status === 'validating') {
        replace(datasetStatus, h('p', { class: 'hint' }, `${file}: ${created.status}…`));
      }
      showDataset(await decided(created, signal));
    } catch (err) {
      const problem = err instanceof ApiError ? err.problem : { status: 0, detail: (err as Error).message };
      replace(datasetStatus, h('div', { class: 'problem', id: 'import-problem' },
        h('strong', {}, `Import failed: ${problem.detail ?? problem.title ?? ''}`),
        problem.errors?.length ? h('ul', {}, ...problem.errors.map((fe) => h('li', {}, `${fe.field}: ${fe.message}`))) : null));
    } finally {
      importButton.disabled = false;
    }
  }
  importButton.addEventListener('click', importUrl);

  let existing: Dataset[] = [];
  async function loadDatasets(): Promise<void> {
    existing = (await api.datasets()).filter((d) => ['validated', 'validating', 'importing'].includes(d.status));
    replace(existingSelect, ...(existing.length ? existing.map((d) => h('option', { value: d.id },
      `${d.name} (${d.rows ?? '?'} rows, ${new Date(d.createdAt).toLocaleDateString()})`))
      : [h('option', { value: '' }, 'No validated dataset yet')]));
  }
  function pickExisting(): void {
    showDataset(existing.find((d) => d.id === existingSelect.value) ?? null);
  }
  existingSelect.addEventListener('change', pickExisting);

  const form = h('form', { id: 'job-form', novalidate: true },
    h('h1', {}, 'New fine-tuning job'),
    h('section', {},
      h('label', { for: 'job-name' }, 'Job name'), nameInput, nameStatus,
      h('label', { for: 'job-model' }, 'Model'), modelInput, knownModels, modelStatus),
    h('fieldset', {},
      h('legend', {}, 'Dataset'),
      h('div', { class: 'row' },
        h('label', { class: 'inline' }, sourceUpload, ' Upload a CSV file'),
        h('label', { class: 'inline' }, sourceExisting, ' Use an existing dataset'),
        h('label', { class: 'inline' }, sourceUrl, ' Import from a URL')),
      uploadBox, urlBox, existingSelect, datasetStatus),
    h('fieldset', {},
      h('legend', {}, 'Training'),
      h('div', { class: 'grid' },
        h('label', {}, h('span', {}, 'Recipe'), recipeSelect),
        h('label', {}, h('span', {}, 'Epochs'), epochsInput),
        h('label', {}, h('span', {}, 'Base model'), baseModelSelect)),
      h('p', { class: 'hint' }, 'Hyperparameters (the recipe\'s defaults):'),
      hyperBox),
    submitButton, formStatus);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await submit();
  });
  replace(main, form);
  const uppy = mountUploader(uploadBox, {
    onValidating: (file) => replace(datasetStatus, h('p', { class: 'hint' }, `${file} uploaded; validating…`)),
    onDataset: showDataset,
    onError: (message) => replace(datasetStatus, h('p', { class: 'error' }, `Upload failed: ${message}`)),
  }, signal);
  signal.addEventListener('abort', () => uppy.destroy());

  async function submit(): Promise<void> {
    replace(formStatus);
    const name = nameInput.value.trim();
    const errors: string[] = [];
    if (!NAME.test(name)) errors.push(`Job name: ${NAME_RULE}`);
    if (nameTaken) errors.push(`Job name: you already have a job named ${name}`);
    const model = modelInput.value.trim();
    if (model && !NAME.test(model)) errors.push(`Model: ${NAME_RULE}`);
    if (!dataset) errors.push('Dataset: upload a file, import one from a URL or choose an existing dataset');
    else if (dataset.status === 'rejected') errors.push('Dataset: it was rejected by validation; upload a corrected file');
    const epochs = Number(epochsInput.value);
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 1000) errors.push('Epochs: a whole number from 1 to 1000');
    const hyperparameters: Record<string, number> = {};
    hyperBox.querySelectorAll<HTMLInputElement>('input[data-hyper]').forEach((input) => {
      const value = Number(input.value);
      if (!(value > 0)) errors.push(`${input.dataset.hyper}: a positive number`);
      hyperparameters[input.dataset.hyper!] = value;
    });
    if (errors.length) {
      return replace(formStatus, h('div', { class: 'problem' }, h('ul', {}, ...errors.map((m) => h('li', {}, m)))));
    }
    submitButton.disabled = true;
    try {
      const job = await api.submitJob({ name, datasetId: dataset!.id, recipe: recipeSelect.value, epochs, hyperparameters,
        model: model || undefined, baseModel: baseModelSelect.value || undefined }, idempotencyKey);
      idempotencyKey = crypto.randomUUID();
      location.hash = `#/jobs?created=${encodeURIComponent(job.id)}`;
    } catch (err) {
      const problem = err instanceof ApiError ? err.problem : { status: 0, detail: (err as Error).message };
      if (problem.status === 409) {
        nameTaken = true;
        nameInput.setAttribute('aria-invalid', 'true');
        replace(nameStatus, h('span', { class: 'error', id: 'name-taken' }, `You already have a job named ${name}.`));
      }
      replace(formStatus, h('div', { class: 'problem' },
        h('strong', {}, problem.detail ?? problem.title ?? 'The job could not be started'),
        problem.errors?.length ? h('ul', {}, ...problem.errors.map((fe) => h('li', {}, `${fe.field}: ${fe.message}`))) : null));
    } finally {
      submitButton.disabled = false;
    }
  }

  // The models and base-model lists only help with the choice: the form works without them.
  const [recipeList, modelList, baseModelList] = await Promise.all([api.recipes(), api.models().catch(() => []),
    api.baseModels().catch(() => []), loadDatasets()]);
  recipes = recipeList;
  models = modelList.map((m) => m.name);
  replace(knownModels, ...models.map((m) => h('option', { value: m })));
  replace(recipeSelect, ...recipes.map((r) => h('option', { value: r.name }, r.name)));
  baseModels = baseModelList;
  renderHyperparameters();
  renderBaseModels();
  nameInput.focus();
}
