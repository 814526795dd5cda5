import { stringify } from 'yaml';
import { redactDeep } from './redact.js';

export type DocumentFormat = 'json' | 'yaml';

/**
 * A report as a machine-readable document on stdout: -o json pretty-printed, -o yaml the same document in YAML
 * (same fields, same order; absent fields are left out in both). Every string is redacted. The fields are the
 * contract in summary-json.ts (create) and lifecycle-json.ts (the other commands).
 */
export function renderDocument(report: object, format: DocumentFormat): string {
  const document = redactDeep(report);
  // lineWidth 0: no folded lines, so a grep for a message or a resume command finds it whole.
  return format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringify(document, { lineWidth: 0 });
}
