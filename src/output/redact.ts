/**
 * Strips credentials from text before it is printed: Authorization values, bearer/basic tokens, JWTs,
 * password-like key/value pairs and URL user-info. Applied to every line the tool writes, because error
 * bodies, URLs and verbose HTTP traces can echo what was sent.
 */
const REDACTED = '[redacted]';

const SECRET_KEYS = String.raw`(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|credentials?)`;

const RULES: readonly (readonly [RegExp, string])[] = [
  // "password": "a b" — quoted JSON values may contain spaces.
  [new RegExp(String.raw`("[\w.-]*${SECRET_KEYS}[\w.-]*"\s*:\s*")(?:[^"\\]|\\.)*(")`, 'gi'), `$1${REDACTED}$2`],
  // Authorization: Bearer xyz / authorization=xyz
  [/(\bauthorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|negotiate|token)\s+)?[^\s"',;]+/gi, `$1${REDACTED}`],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // password=xyz, token: xyz, --password xyz is not matched on purpose (flags are never echoed). Not a key: a URL
  // path segment ("GET /api/v1/namespaces/x/secrets: etcdserver: …") or the resource "secrets" in prose
  // ("listing secrets: forbidden"); either would eat the first word of the message that follows.
  [new RegExp(String.raw`(?<![/\w.-])(?!secrets\b)([\w.-]*${SECRET_KEYS}[\w.-]*['"]?\s*[:=]\s*['"]?)(?!\[redacted\])[^\s"',;&}]+`, 'gi'), `$1${REDACTED}`],
  // scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, `$1${REDACTED}@`],
];

/** Returns the text with anything that looks like a credential replaced by "[redacted]". */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of RULES) result = result.replace(pattern, replacement);
  return result;
}

/** Deep copy of a JSON-like value with every string passed through redactSecrets. */
export function redactDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'string' ? redactSecrets(inner) : inner))) as T;
}
