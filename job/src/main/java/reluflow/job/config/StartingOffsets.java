package reluflow.job.config;

/** Where a job that has no checkpoint to restore starts reading frames. */
public enum StartingOffsets { COMMITTED, EARLIEST, LATEST, TIMESTAMP }
