/**
 * The request schemas use only keywords that draft-07 validators enforce the same way
 * as JSON Schema 2020-12. Prism 5.14.2 ignores the document's jsonSchemaDialect and
 * validates requests as draft-07 (Prism issue #2797): a 2020-12-only keyword there
 * would be silently not enforced by the mock while ajv and the stub enforce it.
 */
import { describe, expect, it } from 'vitest';
import { document, operations } from '../index.js';

/** Keywords with the same meaning in draft-07 and 2020-12 (assertions and annotations). */
const PORTABLE = new Set([
  'type', 'enum', 'const', 'minLength', 'maxLength', 'pattern', 'format',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'items', 'minItems', 'maxItems', 'uniqueItems',
  'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', 'propertyNames',
  'allOf', 'anyOf', 'oneOf', 'not', '$ref',
  'title', 'description', 'default', 'examples', 'readOnly', 'writeOnly', 'contentMediaType', 'contentEncoding',
]);

type Node = Record<string, unknown>;

function resolve(ref: string): Node {
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((o, seg) => (o as Node)[seg], document) as Node;
}

/** Every keyword used in a schema and the schemas under it, with where. */
function keywords(schema: Node, at: string, seen = new Set<Node>()): { keyword: string; at: string }[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const found: { keyword: string; at: string }[] = [];
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-')) continue;
    found.push({ keyword: k, at });
    if (k === '$ref') found.push(...keywords(resolve(v as string), v as string, seen));
    else if (k === 'properties') for (const [name, sub] of Object.entries(v as Node)) found.push(...keywords(sub as Node, `${at}/properties/${name}`, seen));
    else if (['items', 'additionalProperties', 'not', 'propertyNames'].includes(k) && v && typeof v === 'object' && !Array.isArray(v))
      found.push(...keywords(v as Node, `${at}/${k}`, seen));
    else if (['allOf', 'anyOf', 'oneOf'].includes(k)) (v as Node[]).forEach((sub, i) => found.push(...keywords(sub, `${at}/${k}/${i}`, seen)));
    else if (k === 'items' && Array.isArray(v)) found.push({ keyword: 'items (array form)', at });
  }
  return found;
}

describe('request schemas and the draft-07 Prism validates with', () => {
  const schemas = operations.flatMap((op) => [
    ...(op.requestSchema ? [{ at: `${op.operationId} body`, schema: op.requestSchema as Node }] : []),
    ...op.queryParams.map((p) => ({ at: `${op.operationId} query ${p.name}`, schema: p.schema as Node })),
  ]);

  it('covers the bodies and query parameters', () => {
    expect(schemas.map((s) => s.at)).toContain('createFineTuningJob body');
    expect(schemas.map((s) => s.at)).toContain('listFineTuningJobs query limit');
  });

  it('use only keywords both drafts enforce the same way', () => {
    const unportable = schemas.flatMap(({ at, schema }) => keywords(schema, at)).filter((k) => !PORTABLE.has(k.keyword));
    expect(unportable).toEqual([]);
  });

  it('the check can fail: a 2020-12-only keyword is reported', () => {
    const found = keywords({ type: 'object', properties: { a: { type: 'array', prefixItems: [{ type: 'string' }] } }, unevaluatedProperties: false }, 'probe');
    expect(found.filter((k) => !PORTABLE.has(k.keyword)).map((k) => k.keyword).sort()).toEqual(['prefixItems', 'unevaluatedProperties']);
  });

  it('the document declares the 2020-12 dialect it is validated with by ajv', () => {
    expect((document as { jsonSchemaDialect?: string }).jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});
