package io.finetune.dataset.rest;

import io.finetune.common.problem.Problem;
import io.finetune.dataset.service.DatasetInUseException;
import io.finetune.dataset.service.DatasetUses.JobUse;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * 409 for deleting a dataset that jobs still need: RFC 9457 problem+json with the extension member
 * {@code jobs} ({@code id}, {@code name}, {@code status} of each), so that a client can cancel them.
 */
public record DatasetInUseProblem(String type, String title, int status, String detail, List<JobUse> jobs) {

    static Response of(DatasetInUseException e) {
        Response.Status conflict = Response.Status.CONFLICT;
        return Response.status(conflict).type(Problem.MEDIA)
                .entity(new DatasetInUseProblem("about:blank", conflict.getReasonPhrase(), conflict.getStatusCode(),
                        e.getMessage(), e.jobs()))
                .build();
    }
}
