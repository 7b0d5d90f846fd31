/**
 * Replay-and-record commands: {@code record} (a Kafka topic to an Avro container file), {@code replay}
 * (Frame or DeadLetter container files back to Kafka), {@code frames import} (images, CSV and NPY to
 * frames) and {@code compare} (two runs' detections and sparsity reports).
 */
package reluflow.cli.replay;
