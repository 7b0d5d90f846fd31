package reluflow.engine.inference;

import reluflow.avro.ErrorKind;

/** Why a frame was not inferred; the message is precise enough to fix the producer. */
public record FrameRejection(ErrorKind kind, String message) {
}
