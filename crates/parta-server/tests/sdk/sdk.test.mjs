// parta-server through MAX's official SDK, @maxhub/max-bot-api: a personal token is "the bot".
// Started by crates/parta-server/tests/server/sdk.rs with the server's URL and two tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bot } from '@maxhub/max-bot-api';

const { PARTA_URL, TEACHER_TOKEN, PARENT_TOKEN } = process.env;

test('the official SDK reads the profile, lists chats, sends, and receives through updates', async () => {
  assert.ok(PARTA_URL && TEACHER_TOKEN && PARENT_TOKEN, 'run by the Rust test, which sets these');
  const options = { clientOptions: { baseUrl: PARTA_URL } };
  const teacher = new Bot(TEACHER_TOKEN, options);
  const parent = new Bot(PARENT_TOKEN, options);

  const me = await teacher.api.getMyInfo();
  assert.equal(me.first_name, 'Анна Сергеевна');
  assert.equal(me.is_bot, false);

  const { chats } = await teacher.api.getAllChats({ count: 10 });
  const chat = chats.find((c) => c.title === '5А — родители');
  assert.ok(chat, `the class chat is listed: ${JSON.stringify(chats.map((c) => c.title))}`);
  const fetched = await teacher.api.getChat(chat.chat_id);
  assert.equal(fetched.chat_id, chat.chat_id);

  // The parent's position in the update log, then a message from the teacher.
  const start = await parent.api.getUpdates([], { timeout: 1 });
  const text = 'Сообщение через официальный SDK';
  const sent = await teacher.api.sendMessageToChat(chat.chat_id, text);
  assert.equal(sent.body.text, text);

  const next = await parent.api.getUpdates(['message_created'], { marker: start.marker, timeout: 5 });
  const texts = next.updates.map((u) => u.message.body.text);
  assert.deepEqual(texts, [text]);
});
