package io.finetune.scheduler.service;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune.common.basemodels.BaseModel;
import io.finetune.common.problem.Problem;
import io.finetune.common.problem.ProblemException;
import io.finetune.common.recipes.Recipe;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads the base-model registry, which is the object store itself (bucket {@value BaseModel#BUCKET},
 * written by the admin's registration command, {@link BaseModel}): lists it, and pins a job's
 * reference to one registered version. A version counts once its {@value BaseModel#METADATA_FILE}
 * is there: the command writes it last, so a version being uploaded is not offered yet.
 */
@ApplicationScoped
public class BaseModelRegistry {

    private static final Logger LOG = Logger.getLogger(BaseModelRegistry.class);

    private final MinioClient minio;
    private final ObjectMapper json;

    BaseModelRegistry(MinioClient minio, ObjectMapper json) {
        this.minio = minio;
        this.json = json;
    }

    /** A base model with its registered versions, oldest first. */
    public record Entry(String name, List<BaseModel> versions) {
    }

    /** Every base model with at least one registered version, by name. */
    public List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        for (String name : children("")) {
            List<BaseModel> versions = versions(name);
            if (!versions.isEmpty()) {
                entries.add(new Entry(name, versions));
            }
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    /**
     * The registered version the reference names, or the newest one when it names none, fit for
     * {@code recipe}.
     *
     * @throws ProblemException 422 on {@code baseModel} for a name or version that is not registered
     *         (saying what is) or a base model of another recipe; 503 when the store cannot be read
     */
    public BaseModel pin(BaseModel.Reference reference, String recipe) {
        Optional<BaseModel> found = reference.version() == null
                ? newest(reference.name())
                : metadata(reference.name(), reference.version());
        if (found.isEmpty()) {
            List<BaseModel> versions = versions(reference.name());
            throw unprocessable(versions.isEmpty()
                    ? "no base model named '" + reference.name() + "' is registered; registered: "
                            + list().stream().map(Entry::name).toList()
                    : "base model '" + reference.name() + "' has no version " + reference.version()
                            + "; registered versions: " + versions.stream().map(BaseModel::version).toList());
        }
        BaseModel model = found.get();
        if (!model.recipe().equals(recipe)) {
            throw unprocessable("base model '" + model.reference() + "' is for recipe '" + model.recipe()
                    + "', not this job's '" + recipe + "'");
        }
        return model;
    }

    private static ProblemException unprocessable(String message) {
        return new ProblemException(Problem.UNPROCESSABLE_CONTENT, "The base model cannot be used",
                List.of(new Problem.FieldError(Recipe.BASE_MODEL_FIELD, message)));
    }

    /** The registered versions of {@code name}, oldest first. */
    private List<BaseModel> versions(String name) {
        List<BaseModel> versions = new ArrayList<>();
        for (int version : versionNumbers(name)) {
            metadata(name, version).ifPresent(versions::add);
        }
        versions.sort(Comparator.comparingInt(BaseModel::version));
        return versions;
    }

    private Optional<BaseModel> newest(String name) {
        List<Integer> numbers = versionNumbers(name);
        numbers.sort(Comparator.reverseOrder());
        for (int version : numbers) {
            Optional<BaseModel> model = metadata(name, version);
            if (model.isPresent()) {
                return model;
            }
        }
        return Optional.empty();
    }

    /** The numbers under {@code <name>/}, registered or still being uploaded. */
    private List<Integer> versionNumbers(String name) {
        List<Integer> numbers = new ArrayList<>();
        for (String child : children(name + "/")) {
            try {
                numbers.add(Integer.parseInt(child));
            } catch (NumberFormatException e) {
                // not a version folder: the registration command makes only numbered ones
            }
        }
        return numbers;
    }

    /** The folder names directly under {@code prefix}; none when the bucket does not exist yet. */
    private List<String> children(String prefix) {
        List<String> names = new ArrayList<>();
        try {
            for (Result<Item> result : minio.listObjects(ListObjectsArgs.builder()
                    .bucket(BaseModel.BUCKET).prefix(prefix).delimiter("/").build())) {
                Item item = result.get();
                if (item.isDir()) {
                    String name = item.objectName().substring(prefix.length());
                    names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
                }
            }
        } catch (ErrorResponseException e) {
            if (!"NoSuchBucket".equals(e.errorResponse().code())) {
                throw unavailable(e);
            }
        } catch (Exception e) {
            throw unavailable(e);
        }
        return names;
    }

    /** The version's metadata, when it is registered and names itself as its key does. */
    private Optional<BaseModel> metadata(String name, int version) {
        try (InputStream in = minio.getObject(GetObjectArgs.builder()
                .bucket(BaseModel.BUCKET).object(BaseModel.metadataKey(name, version)).build())) {
            BaseModel model = json.readValue(in, BaseModel.class);
            if (!name.equals(model.name()) || model.version() != version || model.recipe() == null) {
                LOG.warnf("Base model %s:%d: its %s names %s for recipe %s; ignored", name, version,
                        BaseModel.METADATA_FILE, model.reference(), model.recipe());
                return Optional.empty();
            }
            return Optional.of(model);
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchBucket".equals(code)) {
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (JacksonException e) {
            LOG.warnf("Base model %s:%d: its %s cannot be read (%s); ignored", name, version,
                    BaseModel.METADATA_FILE, e.getOriginalMessage());
            return Optional.empty();
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    private static ProblemException unavailable(Exception e) {
        LOG.warnf("The base-model registry cannot be read: %s", e.toString());
        return new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                "The base-model registry (the object store) cannot be read right now; try again shortly");
    }
}
