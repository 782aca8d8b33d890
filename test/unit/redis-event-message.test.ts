import { describe, expect, it } from 'vitest';
import { eventsOfMessage } from '../../src/engine/redis/event-message.js';

describe('eventsOfMessage', () => {
  it.each([
    ['not JSON', 'nope', 0],
    ['null', 'null', 0],
    ['a number', '7', 0],
    ['an array of junk', '[null, 1, "x", []]', 0],
    ['an event without a job id', '{"type":"progress","progress":1}', 0],
    ['a task record without a record', '{"type":"task-record","jobId":"j"}', 0],
    ['a task record whose record has no id', '{"type":"task-record","jobId":"j","record":{}}', 0],
    ['an event', '{"type":"progress","jobId":"j","progress":0.5}', 1],
    ['junk and an event', '[null, {"type":"job","jobId":"j","state":"done"}]', 1],
  ])('%s', (_name, message, count) => {
    expect(eventsOfMessage(message)).toHaveLength(count);
  });

  it('turns a task record into a task event', () => {
    const record = { id: 'segment-000', kind: 'segment', state: 'running', worker: 'w1' };
    expect(eventsOfMessage(JSON.stringify({ type: 'task-record', jobId: 'j', record }))).toMatchObject([
      { type: 'task', jobId: 'j', taskId: 'segment-000', state: 'running', worker: 'w1' },
    ]);
  });
});
