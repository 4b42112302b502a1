/**
 * The servers' gate takes the charset names a JSON body may give for UTF-8 from the spec
 * (x-vaero-json-charsets, rule request.json-charset), not from the WHATWG labels: a label
 * browsers map to UTF-8 but the spec does not list is refused like any other charset.
 */
import { describe, expect, it } from 'vitest';
import { jsonCharsets } from '../../../spec/index.js';
import { declaresOtherCharset } from '../json-encoding.js';

describe('declaresOtherCharset reads the spec\'s list', () => {
  it.each([...jsonCharsets])('%s (any case, quoted or not) is UTF-8', (name) => {
    expect(declaresOtherCharset(`application/json; charset=${name}`)).toBeUndefined();
    expect(declaresOtherCharset(`application/json; charset="${name.toUpperCase()}"`)).toBeUndefined();
  });

  it('no charset is UTF-8', () => {
    expect(declaresOtherCharset('application/json')).toBeUndefined();
    expect(declaresOtherCharset(undefined)).toBeUndefined();
  });

  it.each(['unicode-1-1-utf-8', 'unicode11utf8', 'x-unicode20utf8', 'utf-16'])('%s is not a name the spec lists: another charset', (name) => {
    expect(jsonCharsets.has(name)).toBe(false);
    expect(declaresOtherCharset(`application/json; charset=${name}`)).toBe(name);
  });
});
