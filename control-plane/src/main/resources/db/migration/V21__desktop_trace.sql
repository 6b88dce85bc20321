-- The W3C traceparent of the request that last asked for the desktop (its creation, or its
-- hand-out to a person), sent to its agent with its spec so that both log the same trace id.
ALTER TABLE desktop ADD COLUMN trace_parent text;
