-- Private conversations between two people (procedure 2.5: feedback between a teacher and a
-- parent): MAX's `dialog` chats. One per pair, the smaller user id first.
UPDATE chats SET type = 'chat' WHERE type IS NULL;
CREATE TABLE dialogs (
    user_a   INTEGER NOT NULL REFERENCES users(id),
    user_b   INTEGER NOT NULL REFERENCES users(id),
    chat_id  INTEGER NOT NULL UNIQUE REFERENCES chats(id),
    PRIMARY KEY (user_a, user_b),
    CHECK (user_a < user_b)
);
