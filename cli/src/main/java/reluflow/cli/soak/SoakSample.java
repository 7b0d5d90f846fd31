package reluflow.cli.soak;

/**
 * One look at the stack during a soak run.
 *
 * @param seconds since the load started
 * @param sent frames the producer had acknowledged
 * @param processed frames accounted for (detections + dead letters readable)
 * @param lag frames in the frames topic not yet committed by the job's consumer group
 * @param rssMegabytes the TaskManager process's resident memory (heap and native)
 * @param heapMegabytes the TaskManager's used heap
 */
record SoakSample(double seconds, long sent, long processed, long lag, long rssMegabytes, long heapMegabytes) {
}
