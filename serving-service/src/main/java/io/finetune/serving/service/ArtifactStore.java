package io.finetune.serving.service;

import io.minio.DownloadObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies a model artifact ({@code s3://bucket/prefix/}, every file below it) from the store to a local folder. */
@ApplicationScoped
public class ArtifactStore {

    private final MinioClient minio;

    public ArtifactStore(MinioClient minio) {
        this.minio = minio;
    }

    /** @throws IOException when the URI is not an S3 prefix, holds no file, or a file cannot be read */
    public void download(String artifactUri, Path target) throws IOException {
        URI uri = URI.create(artifactUri);
        if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IOException("not an artifact URI of the store: " + artifactUri);
        }
        String bucket = uri.getHost();
        String path = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
        // a prefix without its slash would also match a sibling (attempt-1 and attempt-10)
        String prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
        int files = 0;
        try {
            for (Result<Item> result : minio.listObjects(
                    ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
                Item item = result.get();
                if (item.isDir()) {
                    continue;
                }
                Path file = target.resolve(item.objectName().substring(prefix.length())).normalize();
                if (!file.startsWith(target)) {
                    throw new IOException("object " + item.objectName() + " would land outside " + target);
                }
                Files.createDirectories(file.getParent());
                minio.downloadObject(DownloadObjectArgs.builder().bucket(bucket).object(item.objectName())
                        .filename(file.toString()).build());
                files++;
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("reading " + artifactUri + ": " + e.getMessage(), e);
        }
        if (files == 0) {
            throw new IOException("no files at " + artifactUri);
        }
    }
}
