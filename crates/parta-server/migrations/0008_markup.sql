-- Formatting of a message's text, as MAX sends it: a JSON array of `MarkupElement`s over the
-- plain text (a send with `format: markdown` is parsed into this). NULL: plain text.
ALTER TABLE messages ADD COLUMN markup TEXT;
