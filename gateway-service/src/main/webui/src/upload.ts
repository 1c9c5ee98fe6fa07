// Dataset upload: Uppy's Dashboard (progress, speed, time left, retry) sending the file straight to
// the object store through presigned URLs from the gateway, then asking dataset-service to validate it.
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import AwsS3 from '@uppy/aws-s3';
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';
import { api, type Dataset } from './api';

/** What the S3 plugin asks to have signed (its own types are not exported). */
interface PresignableRequest { method: string; key: string; uploadId?: string; partNumber?: number }
interface PresignedResponse { url: string; headers?: Record<string, string> }

/**
 * Single presigned PUT per file today. When dataset-service serves presigned multipart parts, this
 * and the multipart branch of {@link presign} are the only things to change.
 */
const MULTIPART = false;

export interface UploadCallbacks {
  /** The upload reached the store; validation runs now. */
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

export function mountUploader(target: HTMLElement, callbacks: UploadCallbacks): Uppy {
  const uppy = new Uppy({
    autoProceed: true,
    restrictions: { maxNumberOfFiles: 1, allowedFileTypes: ['.csv', 'text/csv'] },
  });
  // Object key (here: the Uppy file id) -> the dataset its upload session belongs to.
  const datasets = new Map<string, Dataset>();

  async function presign(request: PresignableRequest): Promise<PresignedResponse> {
    if (request.method === 'PUT' && request.uploadId === undefined) {
      const file = uppy.getFile(request.key);
      const dataset = await api.createDataset(datasetNameOf(file.name ?? 'dataset'));
      datasets.set(request.key, dataset);
      return { url: dataset.uploadUrl! };
    }
    throw new Error('multipart uploads are not served by the gateway yet');
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
    shouldUseMultipart: MULTIPART,
    generateObjectKey: (file) => file.id,
    signRequest: presign,
  });

  uppy.on('upload-success', async (file) => {
    const dataset = file && datasets.get(file.id);
    if (!dataset) return;
    callbacks.onValidating(file.name ?? dataset.name);
    try {
      callbacks.onDataset(await api.completeDataset(dataset.id));
    } catch (e) {
      callbacks.onError((e as Error).message);
    }
  });
  uppy.on('upload-error', (_file, error) => callbacks.onError(error.message));
  return uppy;
}
