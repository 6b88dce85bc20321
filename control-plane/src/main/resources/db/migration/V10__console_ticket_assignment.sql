-- A console ticket opens the desktop only while it is still handed to the person it was handed to
-- when the ticket was issued: same owner, same OS disk (a logoff's refresh or a warm spare's next
-- user changes them).
ALTER TABLE console_ticket
    ADD COLUMN desktop_owner      TEXT,
    ADD COLUMN os_disk_generation BIGINT;
