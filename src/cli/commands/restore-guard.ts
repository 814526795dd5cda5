/**
 * The guard of a restore (issue 12 items 3 and 4), at the seams restore-run.ts leaves before the plan's reads and
 * between the printed plan and the first change: the checks (facts read once, then pure rules; every failed check listed with its fix, exit 3;
 * an ID no part knows, exit 2) and the confirmation (the release name typed on a terminal, or --yes).
 */
import { gatherRestoreFacts } from '../../backup/restore/checks-facts.js';
import { readRunBook } from '../../backup/run-record-store.js';
import { judgeRestore, restoreRefusal, type RestoreCheck } from '../../backup/restore/checks.js';
import { clusterFlagsOf } from '../../kube/cluster-flags.js';
import { connectorFor } from './open-installation.js';
import { confirmRestore, destructivePartsOf, requireConfirmable, type RestoreConfirmIo } from './restore-confirm.js';
import type { RestoreGuard } from './restore-run.js';

const MARK: Readonly<Record<RestoreCheck['status'], string>> = { PASS: 'ok  ', FAIL: 'FAIL' };

/** The checklist as progress lines: each check, and under a failed one its fix. */
export function checklistLines(checks: readonly RestoreCheck[]): string[] {
  return [
    'checks before the restore:',
    ...checks.flatMap((check) => [`  ${MARK[check.status]} ${check.title}: ${check.message}`, ...(check.status === 'FAIL' && check.fix ? [`         fix: ${check.fix}`] : [])]),
  ];
}

export function restoreGuard(io: RestoreConfirmIo): RestoreGuard {
  return {
    async check({ options, deps, kube, workloads, installation, mode, backupId, continuing, emit }) {
      // Without a way to confirm, nothing else matters: say so before the checks read anything more.
      requireConfirmable(options, io);
      const facts = await gatherRestoreFacts(
        {
          installation,
          mode,
          backupId: backupId ?? undefined,
          continuing: continuing !== undefined,
          loadsWebModelerDump: options.webModelerDump !== undefined || continuing?.plan.webModelerDump !== undefined,
          cluster: clusterFlagsOf(options, kube.contextName),
        },
        {
          kube,
          workloads,
          access: options.access,
          connect: connectorFor(options, deps, kube, emit),
          emit,
          signal: deps.signal,
          requestTimeoutMs: options.requestTimeoutMs,
          now: deps.now,
          // The verdict of status: an ID whose create did not complete is never restorable.
          runs: () => readRunBook(kube, installation, deps.now()),
        },
      );
      const result = judgeRestore(facts);
      const refusal = restoreRefusal(facts, result);
      // An unknown ID is bad input: its one line says it all. Otherwise the whole checklist, so every fix shows.
      if (!(refusal && refusal.exitCode === 2)) for (const message of checklistLines(result.checks)) emit({ kind: 'info', message });
      if (refusal) throw refusal;
    },
    async confirm({ options, deps, plan }) {
      await confirmRestore(destructivePartsOf(plan), options, io, deps.stderr, deps.signal);
    },
  };
}
