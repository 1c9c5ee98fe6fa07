package io.finetune.dataset.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.finetune.dataset.service.DatasetService.PartUrl;
import io.finetune.dataset.service.DatasetService.StoredPart;
import java.util.List;

/** Part URLs ({@code POST /datasets/{id}/parts}) or the parts stored so far ({@code GET /datasets/{id}/parts}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PartsView<T>(String uploadId, Long partSize, Integer partCount, List<T> parts) {

    static PartsView<PartUrl> urls(List<PartUrl> urls) {
        return new PartsView<>(null, null, null, urls);
    }

    static PartsView<StoredPart> stored(String uploadId, Long partSize, Integer partCount, List<StoredPart> parts) {
        return new PartsView<>(uploadId, partSize, partCount, parts);
    }
}
