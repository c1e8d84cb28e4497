-- Webhook endpoints, the delivery outbox and the record of every attempt.
-- Delivery times are Unix milliseconds (a fast retry schedule for tests
-- needs sub-second steps); the other times are Unix seconds.
CREATE TABLE webhook_endpoints (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    url TEXT NOT NULL,
    enabled_events TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    disabled_reason TEXT,
    signature_algorithm TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_expires INTEGER,
    failing_since INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_merchant_seq ON webhook_endpoints (merchant_id, seq);

-- The outbox: one row per (event, endpoint) delivery, written in the event's
-- transaction. `lease_until` / `lease_token`: the claim of one worker; a
-- claim whose worker died expires and the delivery becomes due again.
CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    lease_token TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, status);

CREATE TABLE webhook_attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    url TEXT NOT NULL,
    status_code INTEGER,
    duration_ms INTEGER NOT NULL,
    response_body TEXT,
    error_kind TEXT,
    result TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_event_seq ON webhook_attempts (event_id, seq);
