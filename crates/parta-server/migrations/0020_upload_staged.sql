-- Where an upload's bytes stand in the file store (an S3 multipart upload and its parts), so
-- that any node can take its next chunk (issue 19). NULL for the local disk and for sealed files.
ALTER TABLE uploads ADD COLUMN staged TEXT;
