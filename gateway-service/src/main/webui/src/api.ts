// The gateway's public API (/api/v1), as the UI uses it. Errors arrive as problem+json (RFC 9457).

export interface FieldError { field: string; message: string }

export interface Problem {
  status: number; title?: string; detail?: string; errors?: FieldError[];
  /** Seconds from the Retry-After header of a 429 or 503: when trying again makes sense. */
  retryAfter?: number;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

export interface ValidationProblem { line: number | null; column: string | null; message: string }

export interface Dataset {
  id: string; name: string; status: string; rows: number | null; bytes: number | null;
  columns: string[] | null; problems: ValidationProblem[] | null; createdAt: string;
  /** Where an import read the file (no query string, no credentials); null for an upload. */
  source?: string | null;
  uploadId?: string; key?: string; partSize?: number; partCount?: number;
}

/** An upload session: the file goes to the store in parts presigned one by one (dataset-service's multipart plan). */
export interface NewDataset { name: string; size: number; contentType?: string; upload: 'multipart' }

export interface PresignedPart { partNumber: number; url: string; expiresAt: string }

export interface StoredPart { partNumber: number; size: number; etag: string }

export interface Job {
  id: string; name: string; status: string; reason: string | null; recipe: string | null; datasetId: string;
  queuedAt: string | null; startedAt: string | null; finishedAt: string | null;
  epoch: number | null; epochs: number | null;
  trainLoss: number | null; trainAccuracy: number | null;
  validationLoss: number | null; validationAccuracy: number | null; modelUri: string | null;
  /** 'training' or 'prediction'; a prediction job predicts with model version modelVersion. */
  kind?: string; model?: string | null; modelVersion?: number | null; resultUri?: string | null;
  /** The registered base model the job starts from, pinned as name:version; null for none. */
  baseModel?: string | null;
}

/** Where to download a succeeded prediction job's file: a presigned URL, valid until expiresAt. */
export interface PredictionsDownload { jobId: string; url: string; expiresAt: string }

export interface EpochEntry {
  epoch: number; attempt?: number | null; trainLoss: number | null; trainAccuracy: number | null;
  validationLoss: number | null; validationAccuracy: number | null;
  samplesPerSecond: number | null; elapsedMillis: number | null; completedAt: string | null;
}

export interface JobDetail extends Job {
  hyperparameters: Record<string, unknown> | null; epochHistory: EpochEntry[];
  /** The epoch with the highest validation accuracy; null (or absent, from an older progress-service) when none. */
  best?: EpochEntry | null;
}

/**
 * One entry of a job's history (GET /jobs/{id}/events), oldest first: a scheduler transition (`job.*`, with
 * status and reason) or a trainer's report (`training.*`, with attempt, worker, errorKind, message). Unknown: null.
 */
export interface JobEvent {
  eventId: string; type: string; time: string | null; status: string | null; reason: string | null;
  attempt: number | null; worker: string | null; errorKind: string | null; message: string | null;
}

export interface Recipe { name: string; hyperparameters: Record<string, number> }

export interface SubmitJob {
  name: string; datasetId: string; recipe: string; epochs: number; hyperparameters: Record<string, number>;
  /** The model this job adds a version to; absent: the job's name. */
  model?: string;
  /** A registered base model to start from, `name` (its newest version) or `name:version`; absent: none. */
  baseModel?: string;
}

/** One registered version of a base model (scheduler-service's registry, docs/models.md "Base models"). */
export interface BaseModelVersion {
  name: string; version: number; recipe: string; inputWidth: number; outputWidth: number;
  description?: string; registeredAt: string;
}
export interface BaseModel { name: string; versions: BaseModelVersion[] }

/** A model with its latest version (progress-service's models view, docs/models.md). */
export interface Model {
  name: string; latestVersion: number; recipe: string | null; validationAccuracy: number | null;
  registeredAt: string; stale: boolean; accuracyDropped: boolean;
}

export interface ModelVersionSummary {
  version: number; registeredAt: string; jobId: string; jobName: string;
  validationAccuracy: number | null; validationLoss: number | null;
}

export interface ModelDetail extends Omit<Model, 'validationAccuracy' | 'registeredAt'> {
  versions: ModelVersionSummary[];
  /** Mean validation accuracy of the versions registered in the last 7 days; null (or absent) when none. */
  validationAccuracyMean7d?: number | null;
}

export interface SchemaField { name: string; type: 'number' | 'text' | string; maxLength: number | null }

export interface ModelCard {
  recipe: string; baseModel: string | null; hyperparameters: Record<string, unknown>; metrics: Record<string, number>;
  schema: { inputs: SchemaField[]; labels: string[] } | null; hardware: string | null; artifactUri: string;
  warmStartedFrom: string | null;
}

export interface ModelVersion {
  name: string; version: number; registeredAt: string; jobId: string; jobName: string; card: ModelCard;
}

export type PredictionInput = Record<string, number | string | null>;

export interface Predictions {
  model: string; version: number; predictions: { label: string; probabilities: Record<string, number> }[];
}

const USER_KEY = 'finetune.user';
const BASE = '/api/v1';

/**
 * Local runs have no authenticating proxy: the user typed into the header is sent as X-User, which
 * the gateway trusts only in that mode. Behind the production proxy the bearer token decides.
 */
export function currentUser(): string {
  return localStorage.getItem(USER_KEY) ?? '';
}

export function setCurrentUser(user: string): void {
  localStorage.setItem(USER_KEY, user.trim());
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', ...extra };
  const user = currentUser();
  if (user) h['X-User'] = user;
  return h;
}

async function problemOf(response: Response): Promise<Problem> {
  const seconds = Number(response.headers.get('Retry-After') ?? NaN);
  const retryAfter = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
  try {
    const body = await response.json();
    return { status: response.status, ...body, retryAfter };
  } catch {
    return { status: response.status, title: response.statusText, retryAfter };
  }
}

async function send(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: headers(body === undefined ? extra : { 'Content-Type': 'application/json', ...extra }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(BASE + path, init);
  if (!response.ok) throw new ApiError(await problemOf(response));
  return response;
}

async function request<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
  const response = await send(method, path, body, extra);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** The largest page the gateway serves; the list follows X-Next-Cursor to the last page. */
const JOB_PAGE = 500;

/** Every job of the user, newest first: page after page while the gateway names a next one. */
async function allJobs(): Promise<Job[]> {
  const jobs: Job[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=${JOB_PAGE}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    const response = await send('GET', `/jobs${query}`);
    jobs.push(...(await response.json()) as Job[]);
    cursor = response.headers.get('X-Next-Cursor');
  } while (cursor);
  return jobs;
}

const segment = encodeURIComponent;

export const api = {
  recipes: () => request<Recipe[]>('GET', '/recipes'),
  datasets: () => request<Dataset[]>('GET', '/datasets'),
  dataset: (id: string) => request<Dataset>('GET', `/datasets/${id}`),
  createDataset: (dataset: NewDataset) => request<Dataset>('POST', '/datasets', dataset),
  /** 201 validated or rejected (a small file); 202 importing: read the dataset again until it is decided. */
  importDataset: (name: string, url: string) => request<Dataset>('POST', '/datasets', { name, source: { url } }),
  presignParts: (id: string, partNumbers: number[]) =>
    request<{ parts: PresignedPart[] }>('POST', `/datasets/${id}/parts`, { partNumbers }),
  storedParts: (id: string) => request<{ parts: StoredPart[] }>('GET', `/datasets/${id}/parts`),
  /** 200 validated or rejected; 202 validating (a large file): read the dataset again until it is decided. */
  completeDataset: (id: string, parts: { partNumber: number; etag: string }[]) =>
    request<Dataset>('POST', `/datasets/${id}/complete`, { parts }),
  deleteDataset: (id: string) => request<void>('DELETE', `/datasets/${id}`),
  /** progress-service filters by name once it supports it; callers filter again so that either way is right. */
  jobsNamed: (name: string) => request<Job[]>('GET', `/jobs?name=${encodeURIComponent(name)}`),
  jobs: allJobs,
  job: (id: string) => request<JobDetail>('GET', `/jobs/${id}`),
  jobEvents: (id: string) => request<JobEvent[]>('GET', `/jobs/${id}/events`),
  submitJob: (job: SubmitJob, idempotencyKey: string) =>
    request<Job>('POST', '/jobs', job, { 'Idempotency-Key': idempotencyKey }),
  cancelJob: (id: string) => request<Job>('POST', `/jobs/${id}/cancel`),
  predictions: (id: string) => request<PredictionsDownload>('GET', `/jobs/${id}/predictions`),
  models: () => request<Model[]>('GET', '/models'),
  baseModels: () => request<BaseModel[]>('GET', '/base-models'),
  model: (name: string) => request<ModelDetail>('GET', `/models/${segment(name)}`),
  modelVersion: (name: string, version: number | 'latest') =>
    request<ModelVersion>('GET', `/models/${segment(name)}/versions/${version}`),
  predict: (name: string, inputs: PredictionInput[], version?: number) =>
    request<Predictions>('POST', `/models/${segment(name)}/predict` + (version ? `?version=${version}` : ''), { inputs }),
};

/**
 * Follows a server-sent event stream of the gateway with fetch rather than EventSource, which
 * cannot send the X-User header. Resolves when the stream ends; rejects when it cannot be opened.
 */
export async function followStream(path: string, onEvent: (name: string, data: string) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(BASE + path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok || !response.body) throw new ApiError(await problemOf(response));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let name = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) onEvent(name, data.join('\n'));
    }
  }
}

/** A webhook of the user (docs/webhooks.md); {@code secret} only in the answer that created it, when generated. */
export interface Webhook { id: string; url: string; createdAt: string; secret?: string }

export interface WebhookDelivery {
  id: string; eventId: string; eventType: string; jobId: string; status: 'pending' | 'delivered' | 'failed';
  attempts: number; nextAttemptAt: string | null; lastStatus: number | null; lastError: string | null;
  deliveredAt: string | null; createdAt: string;
}

export const webhooksApi = {
  list: () => request<Webhook[]>('GET', '/webhooks'),
  create: (url: string, secret?: string) => request<Webhook>('POST', '/webhooks', secret ? { url, secret } : { url }),
  remove: (id: string) => request<void>('DELETE', `/webhooks/${id}`),
  deliveries: (id: string) => request<WebhookDelivery[]>('GET', `/webhooks/${id}/deliveries`),
};
