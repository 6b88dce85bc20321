-- A restart is a stop whose STOPPED report starts the desktop again.
ALTER TABLE desktop ADD COLUMN restart_pending BOOLEAN NOT NULL DEFAULT false;
