-- A message's formatting as the server sent it: JSON `MarkupElement`s over the plain text.
-- NULL: plain text.
ALTER TABLE messages ADD COLUMN markup TEXT;
