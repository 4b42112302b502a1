/**
 * Which rules stated on a response schema an answer actually exercised: the rules on the
 * schema nodes its body reached. A job whose `error` is null exercises `job.error` (the
 * property was validated) but nothing inside the error object's schema; an empty list
 * exercises the list's shape but no rule of its items. Schema conformance credits exactly
 * these rules when the body validates, so a rule is never "held" by a schema branch no
 * answer reached.
 */
import { document, keywordRulesOf } from '../../spec/index.js';

type Node = Record<string, unknown>;

function resolve(node: unknown): Node {
  let n = node as Node;
  for (let hops = 0; n && typeof n.$ref === 'string' && hops < 32; hops++) {
    const path = (n.$ref as string).replace(/^#\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    n = path.reduce<unknown>((at, seg) => (at as Node | undefined)?.[seg], document) as Node;
  }
  return n ?? {};
}

/** JSON Schema keywords that constrain only one type of value (a null fine_tuned_model does not exercise its pattern). */
const APPLIES_TO: Record<string, (v: unknown) => boolean> = {
  pattern: (v) => typeof v === 'string',
  minLength: (v) => typeof v === 'string',
  maxLength: (v) => typeof v === 'string',
  minimum: (v) => typeof v === 'number',
  maximum: (v) => typeof v === 'number',
  minItems: Array.isArray,
  maxItems: Array.isArray,
  uniqueItems: Array.isArray,
};

/** The rules the spec's x-vaero-keyword-rules gives a node's keywords that apply to the value. */
function keywordRules(n: Node, value: unknown): string[] {
  return Object.entries(keywordRulesOf(n))
    .filter(([kw]) => APPLIES_TO[kw]?.(value) ?? true)
    .map(([, id]) => id);
}

function branches(n: Node): Node[] {
  return [...((n.allOf as unknown[]) ?? []), ...((n.oneOf as unknown[]) ?? []), ...((n.anyOf as unknown[]) ?? [])].map(resolve);
}

export function rulesExercised(schema: unknown, instance: unknown, into: Set<string> = new Set()): Set<string> {
  const visit = (node: unknown, value: unknown, depth: number) => {
    if (depth > 32) return;
    const n = resolve(node);
    const id = (n['x-vaero-rule'] as { id?: string } | undefined)?.id;
    if (id) into.add(id);
    for (const k of keywordRules(n, value)) into.add(k);
    for (const b of branches(n)) visit(b, value, depth + 1);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const props = (n.properties ?? {}) as Node;
      for (const [k, v] of Object.entries(value)) if (props[k]) visit(props[k], v, depth + 1);
    }
    if (Array.isArray(value) && n.items) for (const item of value) visit(n.items, item, depth + 1);
  };
  visit(schema, instance, 0);
  return into;
}
