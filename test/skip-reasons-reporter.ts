/**
 * Says at the end of every run why tests were skipped. A tier that cannot run here (the container tier without
 * Docker, the opt-in k3s tier, the release binaries before `npm run release`, the tests that need the Helm fixtures)
 * skips with its reason in the suite or test name ("[SKIPPED: …]" or "— skipped: …"); vitest's default output only
 * counts skipped tests, so this reporter lists each reason once with how many tests it covers, in the output a
 * person or a CI log reads. Skips that state no reason (a -t filter, .only) are counted on one line.
 */
import type { Reporter, TestModule } from 'vitest/node';

/** "[SKIPPED: reason]" anywhere, or "<suite> — skipped: reason" up to the next " > " (the child test's name). */
const REASON = /\[SKIPPED: ([^\]]+)\]|— skipped: (.+?)(?: > |$)/;

export function skipReason(fullName: string): string | undefined {
  const match = REASON.exec(fullName);
  return (match?.[1] ?? match?.[2])?.trim();
}

/** The lines printed for the skipped tests of a run: one per reason, then a count of those without one. */
export function skipSummary(skipped: readonly { fullName: string; note?: string | undefined; module: string }[]): string[] {
  const byReason = new Map<string, { tests: number; modules: Set<string> }>();
  let unstated = 0;
  for (const test of skipped) {
    const reason = test.note ?? skipReason(test.fullName);
    if (reason === undefined) {
      unstated += 1;
      continue;
    }
    const entry = byReason.get(reason) ?? { tests: 0, modules: new Set<string>() };
    entry.tests += 1;
    entry.modules.add(test.module);
    byReason.set(reason, entry);
  }
  if (byReason.size === 0 && unstated === 0) return [];
  const lines = ['', 'Skipped, and why:'];
  for (const [reason, { tests, modules }] of [...byReason].sort((a, b) => b[1].tests - a[1].tests)) {
    lines.push(`  ${tests} test(s) in ${[...modules].sort().join(', ')}: ${reason}`);
  }
  if (unstated > 0) lines.push(`  ${unstated} test(s) skipped without a stated reason (a -t filter or .only elsewhere)`);
  return lines;
}

export default class SkipReasonsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: { fullName: string; note?: string | undefined; module: string }[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped' || test.options.mode === 'todo') continue;
        skipped.push({ fullName: test.fullName, note: result.note, module: module.relativeModuleId });
      }
    }
    const lines = skipSummary(skipped);
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  }
}
