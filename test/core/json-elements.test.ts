import { describe, expect, it } from '@jest/globals';
import { JsonListElements } from '../../src/core/json-elements.js';

/** Feeds `text` to a scanner in chunks cut at the given byte offsets, and returns what it made of it. */
function scan<T = Record<string, unknown>>(text: string, cuts: number[] = [], decode: (raw: Record<string, unknown>) => T = (raw) => raw as T) {
  const bytes = Buffer.from(text, 'utf8');
  const list = new JsonListElements(decode);
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    list.push(bytes.subarray(from, at));
    from = at;
  }
  return list.end();
}

// Strings holding every structural byte, escapes (an escaped quote and backslash), a multi-byte character, nested
// arrays and objects, and a `data` key inside an element and as a value elsewhere: none of it may mislead the scan.
const TRICKY = JSON.stringify({
  kind: 'KafkaMirrorTopicList',
  metadata: { self: 'https://x/links/a/mirrors', next: null, note: 'data' },
  data: [
    {
      mirror_topic_name: 'a{[',
      mirror_lags: [
        { partition: 0, lag: 1 },
        { partition: 1, lag: 2 },
      ],
      data: ['x'],
    },
    { mirror_topic_name: 'b"}]\\', nested: { deep: [[1, [2]], { k: 'v' }] } },
    { mirror_topic_name: 'çé🙂', mirror_status: 'ACTIVE' },
  ],
  trailer: { after: [1, 2, 3] },
});

describe('JsonListElements: decodes each element of a list envelope as it arrives', () => {
  it('gives what JSON.parse gives, whole or cut into chunks at every byte', () => {
    const expected = JSON.parse(TRICKY);
    expect(scan(TRICKY)).toEqual(expected);
    const length = Buffer.byteLength(TRICKY);
    for (let at = 1; at < length; at++) expect(scan(TRICKY, [at])).toEqual(expected);
    // One byte per chunk: every state (in a string, after a backslash, inside a multi-byte character) crosses a cut.
    expect(
      scan(
        TRICKY,
        Array.from({ length: length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(expected);
  });

  it('calls the decoder once per element, in order, and keeps only what it returned', () => {
    const names: string[] = [];
    const body = scan(TRICKY, [7, 100], (raw) => {
      names.push(String(raw.mirror_topic_name));
      return names.length;
    });
    expect(names).toEqual(['a{[', 'b"}]\\', 'çé🙂']);
    expect(body?.data).toEqual([1, 2, 3]);
    expect(body?.trailer).toEqual({ after: [1, 2, 3] });
  });

  it('reads an empty list, whitespace anywhere, and an envelope without data', () => {
    expect(scan('{"data":[]}')).toEqual({ data: [] });
    expect(scan(' {\n "kind" : "X" ,\n "data" : [ {"a":1} ,\n\t{"b":2} ] \n} ')).toEqual({ kind: 'X', data: [{ a: 1 }, { b: 2 }] });
    expect(scan('{"kind":"X","metadata":{"data":[1]}}')).toEqual({ kind: 'X', metadata: { data: [1] } });
    // A `data` that is not the top level's list stays as JSON.parse reads it.
    expect(scan('{"dat":[{"a":1}],"data2":[2]}')).toEqual({ dat: [{ a: 1 }], data2: [2] });
  });

  it('refuses what is not a JSON object envelope with objects in data', () => {
    for (const bad of [
      '',
      '{"data":[{"a":1}',
      '{"data":[{"a":1},]}',
      '{"data":[,{"a":1}]}',
      '{"data":[{"a":1}{"b":2}]}',
      '{"data":[{"a":1},,{"b":2}]}',
      '{"data":[{"a":1}]}x',
      '{"data":[{"a":1}]',
      '{"data":[{"a":}]}',
      '{"data":[1,2]}',
      '{"data":[null]}',
      '{"data":["s"]}',
      '{"data":[[1]]}',
      '[{"a":1}]',
      '"text"',
      '<html><title>Error</title></html>',
      '{"data":[{"a":"unterminated}]}',
      '}{',
    ])
      expect(scan(bad)).toBeUndefined();
  });
});
