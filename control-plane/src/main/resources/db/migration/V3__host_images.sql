-- Golden images in each host's cache, as its agent reports them (Hello, then cache changes):
-- placement prefers hosts that need not fetch the image first.
CREATE TABLE host_image (
    host_id TEXT NOT NULL REFERENCES host (id) ON DELETE CASCADE,
    digest  TEXT NOT NULL,
    PRIMARY KEY (host_id, digest)
);
