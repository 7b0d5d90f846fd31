package reluflow.job.config;

import org.apache.flink.connector.base.DeliveryGuarantee;

public enum DeliveryMode {
    EXACTLY_ONCE(DeliveryGuarantee.EXACTLY_ONCE),
    AT_LEAST_ONCE(DeliveryGuarantee.AT_LEAST_ONCE);

    private final DeliveryGuarantee guarantee;

    DeliveryMode(DeliveryGuarantee guarantee) {
        this.guarantee = guarantee;
    }

    public DeliveryGuarantee guarantee() {
        return guarantee;
    }
}
