package reluflow.cli.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.avro.SparsityReport;
import reluflow.cli.UserError;
import reluflow.engine.io.AvroContainerFiles;

/**
 * The outputs of one run, as a folder of Avro container files: {@value #DETECTIONS} (FrameDetections,
 * required) and {@value #SPARSITY} (SparsityReport, optional). A frame seen twice (an at-least-once run)
 * counts once, the last record winning, and is counted as a duplicate.
 */
record RunOutputs(Path dir, Map<FrameKey, FrameDetections> detections, long duplicates, List<SparsityReport> sparsity,
                  boolean hasSparsity, ModelIdentity model) {
    static final String DETECTIONS = "detections.avro";
    static final String SPARSITY = "sparsity.avro";

    record FrameKey(String sensorId, long frameId) {
    }

    static RunOutputs read(Path dir, String side) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(side + " folder " + dir + " does not exist");
        }
        Path detectionsFile = dir.resolve(DETECTIONS);
        if (!Files.isRegularFile(detectionsFile)) {
            throw new UserError(side + " folder " + dir + " has no " + DETECTIONS);
        }
        Map<FrameKey, FrameDetections> detections = new LinkedHashMap<>();
        long duplicates = 0;
        ModelIdentity model = null;
        try (AvroContainerFiles.Reader<FrameDetections> reader = AvroContainerFiles.reader(detectionsFile, FrameDetections.class)) {
            while (reader.hasNext()) {
                FrameDetections record = reader.next();
                model = model == null ? record.getModel() : model;
                if (detections.put(new FrameKey(record.getSensorId(), record.getFrameId()), record) != null) {
                    duplicates++;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new UserError(side + " " + detectionsFile + " is not a readable container file of FrameDetections: " + e.getMessage());
        }
        Path sparsityFile = dir.resolve(SPARSITY);
        List<SparsityReport> sparsity = new ArrayList<>();
        boolean hasSparsity = Files.isRegularFile(sparsityFile);
        if (hasSparsity) {
            try (AvroContainerFiles.Reader<SparsityReport> reader = AvroContainerFiles.reader(sparsityFile, SparsityReport.class)) {
                reader.forEachRemaining(sparsity::add);
            } catch (IOException | RuntimeException e) {
                throw new UserError(side + " " + sparsityFile + " is not a readable container file of SparsityReport: " + e.getMessage());
            }
        }
        return new RunOutputs(dir, detections, duplicates, sparsity, hasSparsity, model);
    }
}
