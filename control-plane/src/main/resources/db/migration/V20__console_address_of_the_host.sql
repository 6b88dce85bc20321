-- A console is dialled at its host's own address (where the host's authenticated agent stream
-- comes from, recorded at each admitted Hello), never at a host or unix socket an agent reports.
ALTER TABLE host ADD COLUMN agent_address TEXT;
ALTER TABLE desktop
    DROP COLUMN console_host,
    DROP COLUMN console_socket;
