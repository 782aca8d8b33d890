import { describe, expect, it } from 'vitest';
import { duplicateKey } from '../../src/pipelines/json-keys.js';

describe('duplicateKey', () => {
  it('finds a key written twice in one object, with its place', () => {
    expect(duplicateKey('{"fps": 30, "fps": 60}')).toEqual({ key: 'fps', at: '' });
    expect(duplicateKey('{"scenes":[{"duration":1},{"duration":1,"layers":[],"duration":2}]}')).toEqual({
      key: 'duration',
      at: 'scenes.1',
    });
    // Escapes spell the same key.
    expect(duplicateKey('{"a\\u0062": 1, "ab": 2}')).toEqual({ key: 'ab', at: '' });
  });

  it('takes the same key in different objects, and strings that look like keys', () => {
    expect(duplicateKey('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}')).toBeUndefined();
    expect(duplicateKey('{"a":"x:","b":["a","a"],"c":"\\"a\\":"}')).toBeUndefined();
    expect(duplicateKey('[1, {"a": 1}, "a"]')).toBeUndefined();
  });
});
