package reluflow.engine.inference;

import reluflow.avro.Frame;

/** What became of one frame of a batch: a result or a rejection, never nothing. */
public sealed interface FrameOutcome {
    Frame frame();

    record Inferred(FrameResult result) implements FrameOutcome {
        @Override
        public Frame frame() {
            return result.frame();
        }
    }

    record Rejected(Frame frame, FrameRejection rejection) implements FrameOutcome {
    }
}
