/**
 * fast-check arbitraries read from a request schema of the spec: valid bodies, and
 * mutations that each break exactly one constraint of it, in the spirit of Schemathesis'
 * negative/mutations.py: every mutant carries what it broke (the keyword, the field at
 * fault, the rule governing that field), so its expected answer (400 naming that field)
 * comes from the mutation, never from the code being judged. A mutant whose body the
 * spec's validator finds broken anywhere else breaks several rules and is dropped
 * (`breaksOnly`): such requests are judged only by the hand-labelled fixtures.
 * No generator here filters (a filter may draw for ever): what must hold of a case is
 * checked once, by `fitting`, at most MAX_DRAWS draws per case.
 */
import fc from 'fast-check';
import { fitting, type NoFit } from './fitting.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { schemaRuleAt, validateBody, type Operation } from '../../spec/index.js';

type Schema = Record<string, unknown> & {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  uniqueItems?: boolean;
  pattern?: string;
  additionalProperties?: boolean | Schema;
};

type Body = Record<string, unknown>;

/** Characters for generated free text: ASCII, letters beyond it, astral emoji; no line terminators (a model name's `.` does not match them). */
const textUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.'.split('')) },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ß', 'ж', '中', 'ü') },
  { weight: 1, arbitrary: fc.constantFrom('😀', '🚀', '𝔘', '🎉', '🦄') },
);
const astralUnit = fc.constantFrom('😀', '🚀', '𝔘', '🎉', '🦄');
const asciiUnit = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));

function typesOf(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (s.enum) return [...new Set(s.enum.map((v) => (v === null ? 'null' : typeof v)))];
  return [];
}

/** A valid value for one property. Arrays of ids (items with a pattern) take ids the caller can use. */
function validValue(s: Schema, ids: readonly string[]): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  const types = typesOf(s);
  const options: fc.Arbitrary<unknown>[] = [];
  if (types.includes('null')) options.push(fc.constant(null));
  if (types.includes('string')) options.push(fc.string({ unit: textUnit, minLength: s.minLength ?? 0, maxLength: s.maxLength ?? 32 }));
  if (types.includes('array') && s.items?.pattern) {
    const min = Math.max(1, s.minItems ?? 0);
    options.push(fc.shuffledSubarray([...ids], { minLength: Math.min(min, ids.length), maxLength: ids.length }));
  }
  if (!options.length) throw new Error(`contract suite: no generator for schema ${JSON.stringify(s)}`);
  return options.length === 1 ? options[0]! : fc.oneof(...options);
}

/** Valid request bodies for the operation; `ids` are the file ids the caller may train on. */
export function validBody(op: Operation, ids: readonly string[]): fc.Arbitrary<Body> {
  const schema = op.requestSchema as Schema;
  const props = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, validValue(s, ids)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []) as never[] }) as fc.Arbitrary<Body>;
}

/** A value of each JSON type, to put where another type is required. */
const valueOfType: Record<string, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 8 }),
  number: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  integer: fc.integer(),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.integer(), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ unit: asciiUnit, minLength: 1, maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
};

/** What a mutation broke: the schema keyword, the field at fault (null: the body as a whole) and the rule that governs it. */
export interface Broken {
  keyword: string;
  param: string | null;
  ruleId: string;
}

/** A mutated body and what it breaks. */
export interface Mutant {
  body: unknown;
  broke: Broken;
}

export interface Mutation {
  /** Stable name: `<operator>` or `<operator>:<property>`. */
  name: string;
  /** The rule its mutants break (what a case of it serves). */
  ruleId: string;
  /** A mutant from a valid body. */
  mutate: (valid: Body) => fc.Arbitrary<Mutant>;
}

/** Every single-constraint mutation the schema allows, one operator per constraint. */
export function mutations(op: Operation): Mutation[] {
  const schema = op.requestSchema as Schema;
  const props = schema.properties ?? {};
  const out: Mutation[] = [];
  const set = (b: Body, k: string, v: unknown): Body => ({ ...b, [k]: v });
  // The rule of a place in the schema is the contract's data (x-vaero-rule, else request.schema).
  const whole = schemaRuleAt(schema, '').id;
  const pathOf = (k: string) => '/' + k.replace(/~/g, '~0').replace(/\//g, '~1');
  // The rule of the keyword broken (provenance is per keyword), or of the field when it is missing.
  const ruleOf = (k: string, keyword?: string, item = false) => schemaRuleAt(schema, pathOf(k) + (item ? '/0' : ''), keyword).id;
  /** A mutation of property k that breaks `keyword` there (of its items with `item`). */
  const at = (name: string, k: string, keyword: string, body: (b: Body) => fc.Arbitrary<unknown>, item = false): Mutation => ({
    name: `${name}:${k}`,
    ruleId: ruleOf(k, keyword, item),
    mutate: (b) => body(b).map((v) => ({ body: set(b, k, v), broke: { keyword, param: k, ruleId: ruleOf(k, keyword, item) } })),
  });

  out.push({
    name: 'not-an-object',
    ruleId: whole,
    mutate: () =>
      fc.oneof(valueOfType.array!, valueOfType.string!, valueOfType.integer!, valueOfType.boolean!, valueOfType.null!).map((body) => ({ body, broke: { keyword: 'type', param: null, ruleId: whole } })),
  });
  for (const k of schema.required ?? []) {
    out.push({
      name: `missing-required:${k}`,
      ruleId: ruleOf(k),
      mutate: (b) => fc.constant({ body: Object.fromEntries(Object.entries(b).filter(([key]) => key !== k)), broke: { keyword: 'required', param: k, ruleId: ruleOf(k) } }),
    });
  }
  if (schema.additionalProperties === false) {
    out.push({
      name: 'extra-field',
      ruleId: whole,
      mutate: (b) =>
        fc
          .tuple(undeclaredName(props), fc.oneof(valueOfType.string!, valueOfType.integer!, valueOfType.boolean!))
          // An unknown field is named by its own name; the rule is the body's (the schema closes it).
          .map(([k, v]) => ({ body: set(b, k, v), broke: { keyword: 'additionalProperties', param: k, ruleId: whole } })),
    });
  }
  for (const [k, s] of Object.entries(props)) {
    const allowed = typesOf(s);
    const wrong = Object.keys(valueOfType).filter((t) => !allowed.includes(t) && !(t === 'integer' && allowed.includes('number')));
    out.push(at('wrong-type', k, 'type', () => fc.constantFrom(...wrong).chain((t) => valueOfType[t]!)));
    if (s.enum) {
      const en = s.enum;
      // Neighbours of the allowed values (case, whitespace, a digit changed) and free strings.
      const neighbours = en.filter((v): v is string => typeof v === 'string').flatMap((v) => [v.toUpperCase(), ` ${v}`, `${v} `, v.replace(/\d/, (d) => String((Number(d) + 1) % 10)), v.slice(0, -1)]).filter((v) => !en.includes(v));
      // A free string that lands on an allowed value breaks nothing: the case's fitting() drops it.
      const free = fc.string({ unit: asciiUnit, maxLength: 12 });
      out.push(at('enum', k, 'enum', () => (neighbours.length ? fc.oneof(fc.constantFrom(...neighbours), free) : free)));
    }
    if (s.maxLength !== undefined) {
      const n = s.maxLength + 1;
      out.push(at('max-length-ascii', k, 'maxLength', () => fc.string({ unit: asciiUnit, minLength: n, maxLength: n + 4 })));
      out.push(at('max-length-astral', k, 'maxLength', () => fc.string({ unit: astralUnit, minLength: n, maxLength: n + 4 })));
    }
    if (s.minLength !== undefined && s.minLength > 0) {
      out.push(at('min-length', k, 'minLength', () => fc.string({ unit: asciiUnit, minLength: 0, maxLength: s.minLength! - 1 })));
    }
    if (s.minItems !== undefined && s.minItems > 0) {
      out.push(at('min-items', k, 'minItems', (b) => fc.constant((b[k] as unknown[] | undefined)?.slice(0, s.minItems! - 1) ?? [])));
    }
    if (s.uniqueItems) {
      out.push(at('unique-items', k, 'uniqueItems', (b) => fc.constant([...((b[k] as unknown[] | undefined) ?? []), ...((b[k] as unknown[] | undefined) ?? []).slice(0, 1)])));
    }
    if (s.items?.pattern) {
      const re = new RegExp(s.items.pattern, 'u');
      // A string that still matches the pattern breaks nothing: the case's fitting() drops it.
      out.push(at('item-pattern', k, 'pattern', (b) => fc.string({ maxLength: 12 }).map((v) => [...((b[k] as unknown[] | undefined) ?? []).slice(1), re.test(v) ? `${v} ` : v]), true));
      out.push(at('item-type', k, 'type', () => fc.oneof(valueOfType.integer!, valueOfType.null!, valueOfType.boolean!).map((v) => [v]), true));
    }
  }
  return out;
}

/** The top-level field an ajv error lies at (an unknown field by its name; null: the body as a whole). */
export function fieldOfError(e: ErrorObject): string | null {
  // A property missing from the body itself is that field; one missing deeper is the top field it is in.
  if (e.instancePath === '' && e.keyword === 'required') return String(e.params.missingProperty);
  if (e.keyword === 'additionalProperties' && e.instancePath === '') return String(e.params.additionalProperty);
  const top = e.instancePath.split('/')[1];
  return top === undefined ? null : top.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Whether the spec's validator finds the mutant broken, and only where its mutation says
 * (every error at that field). A mutation can land on a valid value (an enum neighbour)
 * or break a second rule (a duplicate that is also a bad id): those are not judged here.
 */
export function breaksOnly(errors: readonly ErrorObject[], broke: Broken): boolean {
  return errors.length > 0 && errors.every((e) => fieldOfError(e) === broke.param);
}

/**
 * Mutants of `valid` bodies, each broken exactly where it says (see breaksOnly); a NoFit
 * when no such mutant comes in MAX_DRAWS draws (valid bodies built on a server's ids that
 * break the spec themselves, say).
 */
export function singleRuleMutants(op: Operation, m: Mutation, valid: fc.Arbitrary<Body>): fc.Arbitrary<Mutant | NoFit> {
  return fitting(
    valid.chain((b) => m.mutate(b)),
    (x) => {
      const r = validateBody(op, x.body);
      return !r.ok && breaksOnly(r.errors, x.broke);
    },
    `that breaks only ${m.name}`,
  );
}

/** Field names the schema does not declare (a declared one drawn gets a suffix). */
export function undeclaredName(props: Record<string, unknown>, unit: fc.Arbitrary<string> = asciiUnit): fc.Arbitrary<string> {
  return fc.string({ unit, minLength: 1, maxLength: 10 }).map((k) => (k in props ? `${k}_x` : k));
}

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** JSON text that does not parse: a valid body's text cut short, or broken by a stray character. */
export function malformedJson(valid: Body): fc.Arbitrary<string> {
  const text = JSON.stringify(valid);
  return fc
    .oneof(
      fc.integer({ min: 1, max: Math.max(1, text.length - 1) }).map((i) => text.slice(0, i)),
      fc.tuple(fc.integer({ min: 0, max: text.length }), fc.constantFrom(',', '}', "'", '{', ':')).map(([i, c]) => text.slice(0, i) + c + text.slice(i)),
    )
    // A character that landed inside a string still parses: an object's text without its last `}` never does.
    .map((t) => (parses(t) ? t.slice(0, -1) : t));
}

/** Media types an operation does not declare for its body. */
export function undeclaredMediaType(op: Operation): fc.Arbitrary<string> {
  return fc.constantFrom(...['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'text/csv', 'application/octet-stream'].filter((t) => !op.requestMediaTypes.includes(t)));
}

/** Query values (as text) that break one constraint of a query parameter's schema; the caller filters with the validator. */
export function invalidQueryValue(schema: Schema & { minimum?: number; maximum?: number }): fc.Arbitrary<string> | undefined {
  const options: fc.Arbitrary<string>[] = [];
  if (typesOf(schema).includes('integer')) {
    if (schema.minimum !== undefined) options.push(fc.integer({ min: -1000, max: schema.minimum - 1 }).map(String));
    if (schema.maximum !== undefined) options.push(fc.integer({ min: schema.maximum + 1, max: schema.maximum + 10_000 }).map(String));
    options.push(fc.constantFrom('abc', '1.5', 'ten', '-', '0x10'));
  }
  if (typesOf(schema).includes('string') && schema.minLength !== undefined && schema.minLength > 0) options.push(fc.constant(''));
  return options.length ? fc.oneof(...options) : undefined;
}
