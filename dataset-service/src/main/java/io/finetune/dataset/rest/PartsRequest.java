package io.finetune.dataset.rest;

import java.util.List;

/** The body of {@code POST /datasets/{id}/parts}: the parts to presign URLs for (checked by the service). */
public record PartsRequest(List<Integer> partNumbers) {
}
