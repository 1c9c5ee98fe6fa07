// Dataset upload: Uppy's Dashboard (progress, speed, time left, pause/resume, retry) sending the file
// straight to the object store in parts presigned by dataset-service through the gateway
// (dataset-service/README.md, "Uppy"), then showing dataset-service's validation verdict.
// Golden Retriever keeps the upload's state across a reload: the file is added again and only the
// parts the store does not hold yet are sent.
import Uppy, { type UppyFile } from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import AwsS3 from '@uppy/aws-s3';
import GoldenRetriever from '@uppy/golden-retriever';
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';
import { api, type Dataset } from './api';

/**
 * dataset-service's part size (`dataset.part-size`, 64 MiB). It grows only for a file that would need
 * more than `dataset.max-parts` (1,000) parts, far above the 10 GiB a dataset may have; a plan that
 * differs anyway is refused below rather than uploaded in parts the store would not join.
 */
const PART_SIZE = 64 * 1024 * 1024;
/** While a large file is validated behind a 202. */
const VALIDATION_POLL_MS = 2000;

type Meta = { datasetId?: string };
type File = UppyFile<Meta, Record<string, unknown>>;

export interface UploadCallbacks {
  /** The file is in the store; validation runs now. */
  onValidating(file: string): void;
  /** dataset-service's verdict: validated or rejected (with line-numbered problems). */
  onDataset(dataset: Dataset): void;
  onError(message: string): void;
}

/** A dataset name the gateway accepts (1-100 of [A-Za-z0-9 ._-], starting with a letter or digit) from a file name. */
export function datasetNameOf(fileName: string): string {
  const cleaned = fileName.replace(/[^A-Za-z0-9 ._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return (cleaned || 'dataset').slice(0, 100);
}

/** The dataset once dataset-service has decided: read again while it is importing or validating. */
export async function decided(dataset: Dataset, signal: AbortSignal): Promise<Dataset> {
  let current = dataset;
  while ((current.status === 'importing' || current.status === 'validating') && !signal.aborted) {
    await new Promise((resolve) => window.setTimeout(resolve, VALIDATION_POLL_MS));
    current = await api.dataset(current.id);
  }
  return current;
}

export function mountUploader(target: HTMLElement, callbacks: UploadCallbacks, signal: AbortSignal): Uppy<Meta, Record<string, unknown>> {
  const uppy = new Uppy<Meta, Record<string, unknown>>({
    autoProceed: true,
    restrictions: { maxNumberOfFiles: 1, allowedFileTypes: ['.csv', 'text/csv'] },
  });
  // File id -> dataset-service's verdict, from completing the upload.
  const verdicts = new Map<string, Dataset>();

  function datasetOf(file: File): string {
    const id = uppy.getFile(file.id)?.meta.datasetId ?? file.meta.datasetId;
    if (!id) throw new Error('the upload session of this file is unknown; add the file again');
    return id;
  }

  uppy.use(Dashboard, {
    target,
    inline: true,
    height: 240,
    width: '100%',
    proudlyDisplayPoweredByUppy: false,
    note: 'CSV, UTF-8, a header row with a label column and numeric feature columns',
  });
  uppy.use(AwsS3, {
    // Every file in parts: one path for pause/resume, retry of a failed part and resume after a reload.
    shouldUseMultipart: true,
    getChunkSize: () => PART_SIZE,
    async createMultipartUpload(file) {
      const dataset = await api.createDataset({ name: datasetNameOf(file.name ?? 'dataset'), size: file.size ?? 0,
        contentType: file.type || undefined, upload: 'multipart' });
      if (dataset.partSize !== PART_SIZE && (dataset.partCount ?? 1) > 1) {
        await api.deleteDataset(dataset.id);
        throw new Error(`dataset-service plans ${dataset.partSize}-byte parts; this page sends ${PART_SIZE}`);
      }
      uppy.setFileMeta(file.id, { datasetId: dataset.id });
      return { uploadId: dataset.uploadId!, key: dataset.key! };
    },
    async signPart(file, { partNumber }) {
      const { parts } = await api.presignParts(datasetOf(file), [partNumber]);
      return { method: 'PUT', url: parts[0].url };
    },
    async listParts(file) {
      const { parts } = await api.storedParts(datasetOf(file));
      return parts.map((p) => ({ PartNumber: p.partNumber, Size: p.size, ETag: p.etag }));
    },
    async completeMultipartUpload(file, { parts }) {
      callbacks.onValidating(file.name ?? 'The file');
      const dataset = await api.completeDataset(datasetOf(file),
        parts.map((p) => ({ partNumber: p.PartNumber!, etag: p.ETag! })));
      verdicts.set(file.id, dataset);
      return {};
    },
    async abortMultipartUpload(file) {
      const id = uppy.getFile(file.id)?.meta.datasetId;
      if (id) await api.deleteDataset(id);
    },
  });
  uppy.use(GoldenRetriever);

  uppy.on('upload-success', async (file) => {
    const dataset = file && verdicts.get(file.id);
    if (!dataset) return;
    try {
      callbacks.onDataset(await decided(dataset, signal));
    } catch (e) {
      callbacks.onError((e as Error).message);
    }
  });
  uppy.on('upload-error', (_file, error) => callbacks.onError(error.message));
  return uppy;
}
