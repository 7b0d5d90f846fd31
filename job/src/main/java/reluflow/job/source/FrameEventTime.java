package reluflow.job.source;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time is the frame's event_time. Records that are not frames get Long.MIN_VALUE, so a
 * corrupt record never moves event time forward (which would make good frames late).
 */
public final class FrameEventTime {
    private FrameEventTime() {
    }

    public static WatermarkStrategy<SourceRecord> watermarks(Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<SourceRecord> strategy = WatermarkStrategy.<SourceRecord>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((record, kafkaTimestamp) ->
                        record.isFrame() ? record.frame.getEventTime().toEpochMilli() : Long.MIN_VALUE);
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }
}
