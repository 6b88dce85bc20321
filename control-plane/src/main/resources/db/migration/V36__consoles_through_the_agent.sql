-- Consoles off TCP: the proxy reaches a desktop's display through its host agent's console
-- listener (host.console_port, from each Hello), with a grant the control plane signs at
-- redemption. Whether a desktop shows a display is all that is kept of its agent's report: no
-- display port, no VNC password.
ALTER TABLE host ADD COLUMN console_port INT;
ALTER TABLE desktop ADD COLUMN console_display BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE desktop
    DROP COLUMN console_port,
    DROP COLUMN console_password;
