-- Monthly usage (issue 5). `usage_months` holds each merchant's succeeded
-- (captured) volume per UTC calendar month (`YYYY-MM`), in minor units with
-- every currency summed; it is updated in the transaction of each capture,
-- and its row is what concurrent captures of one merchant serialise on.
CREATE TABLE usage_months (
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    month TEXT NOT NULL,
    volume BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, month)
);

-- One row per threshold (80, 90, 95, 100 %) crossed per month: the primary
-- key makes its `usage.threshold_reached` event single, also across
-- concurrent payments, instances and restarts.
CREATE TABLE usage_thresholds (
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    month TEXT NOT NULL,
    threshold BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, month, threshold)
);

-- Volume captured before this migration, by the month of the payment's
-- last update (the capture, unless refunded since).
INSERT INTO usage_months (merchant_id, month, volume)
SELECT merchant_id, to_char(to_timestamp(updated_at) AT TIME ZONE 'UTC', 'YYYY-MM'), SUM(amount_captured)
FROM payments
WHERE amount_captured > 0
GROUP BY merchant_id, to_char(to_timestamp(updated_at) AT TIME ZONE 'UTC', 'YYYY-MM');
