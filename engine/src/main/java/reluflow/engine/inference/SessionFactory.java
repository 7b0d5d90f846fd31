package reluflow.engine.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reluflow.engine.EngineException;
import reluflow.engine.config.ExecutionProvider;

/** Creates ONNX Runtime sessions with the provider and thread settings of the configuration. */
final class SessionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);
    private static final AtomicBoolean CPU_FALLBACK_WARNED = new AtomicBoolean();

    private final OrtEnvironment environment;
    private final ExecutionProvider requested;
    private final int intraOpThreads;
    private ExecutionProvider effective;

    SessionFactory(OrtEnvironment environment, ExecutionProvider requested, int intraOpThreads) {
        this.environment = environment;
        this.requested = requested;
        this.intraOpThreads = intraOpThreads;
    }

    ExecutionProvider effectiveProvider() {
        return effective;
    }

    OrtSession create(byte[] model, String what) throws EngineException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            // Spinning threads burn the cores that Flink's other tasks and the Kafka clients need.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            effective = chooseProvider(options);
            return environment.createSession(model, options);
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime cannot load the " + what + ": " + e.getMessage(), e);
        }
    }

    private ExecutionProvider chooseProvider(OrtSession.SessionOptions options) throws EngineException {
        boolean cudaBuilt = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        switch (requested) {
            case CPU:
                return ExecutionProvider.CPU;
            case CUDA:
                if (!cudaBuilt) {
                    throw new EngineException("provider=cuda, but this build's ONNX Runtime has no CUDA execution provider: "
                            + "build with -Pgpu (onnxruntime_gpu) or set provider=cpu");
                }
                try {
                    options.addCUDA();
                    return ExecutionProvider.CUDA;
                } catch (OrtException e) {
                    throw new EngineException("provider=cuda, but the CUDA execution provider failed to start (" + e.getMessage()
                            + "): check that a GPU, its driver and the CUDA/cuDNN libraries ONNX Runtime needs are present, or set provider=cpu", e);
                }
            default:
                if (cudaBuilt) {
                    try {
                        options.addCUDA();
                        return ExecutionProvider.CUDA;
                    } catch (OrtException e) {
                        warnCpuOnce("the CUDA execution provider failed to start (" + e.getMessage() + ")");
                        return ExecutionProvider.CPU;
                    }
                }
                warnCpuOnce("this build has no CUDA execution provider (build with -Pgpu for CUDA)");
                return ExecutionProvider.CPU;
        }
    }

    private static void warnCpuOnce(String why) {
        if (CPU_FALLBACK_WARNED.compareAndSet(false, true)) {
            LOG.warn("provider=auto runs ONNX Runtime on the CPU: {}", why);
        }
    }
}
