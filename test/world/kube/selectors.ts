/**
 * Label and field selectors as the API server evaluates them (k8s.io/apimachinery labels.Parse / fields), for the
 * list calls the tool makes. Parse errors carry the API server's wording so they surface as 400 BadRequest.
 */

export type Matcher = (values: (key: string) => string | undefined) => boolean;

export class SelectorError extends Error {}

/** Splits on commas that are not inside parentheses: `a in (x,y),b=c` → ["a in (x,y)", "b=c"]. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

const SET_TERM = /^([A-Za-z0-9_./-]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQ_TERM = /^([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)$/;
const EXISTS_TERM = /^(!?)\s*([A-Za-z0-9_./-]+)$/;

export function parseLabelSelector(selector: string): Matcher {
  const matchers = splitTerms(selector).map((term): Matcher => {
    const set = SET_TERM.exec(term);
    if (set) {
      const [, key = '', op, list = ''] = set;
      const values = list.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
      if (op === 'in') return (get) => values.includes(get(key) ?? '\u0000');
      return (get) => !values.includes(get(key) ?? '\u0000');
    }
    const eq = EQ_TERM.exec(term);
    if (eq) {
      const [, key = '', op, value = ''] = eq;
      if (op === '!=') return (get) => get(key) !== value;
      return (get) => get(key) === value;
    }
    const exists = EXISTS_TERM.exec(term);
    if (exists) {
      const [, negate, key = ''] = exists;
      return negate ? (get) => get(key) === undefined : (get) => get(key) !== undefined;
    }
    throw new SelectorError(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
  });
  return (get) => matchers.every((m) => m(get));
}

export function parseFieldSelector(selector: string, supported: readonly string[]): Matcher {
  const matchers = splitTerms(selector).map((term): Matcher => {
    const match = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, key = '', op, value = ''] = match;
    if (!supported.includes(key)) throw new SelectorError(`field label not supported: ${key}`);
    if (op === '!=') return (get) => (get(key) ?? '') !== value;
    return (get) => (get(key) ?? '') === value;
  });
  return (get) => matchers.every((m) => m(get));
}
