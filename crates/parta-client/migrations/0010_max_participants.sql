-- Whether a message's sender writes from MAX through the school's bridge (shown marked "MAX").
ALTER TABLE messages ADD COLUMN sender_max INTEGER NOT NULL DEFAULT 0;
