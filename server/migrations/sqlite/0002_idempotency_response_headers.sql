-- The headers of a stored response that matter to clients on a replay
-- (`Should-Retry`, `Retry-After`), as a JSON object of lower-case name to
-- value; NULL when the response carried none.
ALTER TABLE idempotency_keys ADD COLUMN response_headers TEXT;
