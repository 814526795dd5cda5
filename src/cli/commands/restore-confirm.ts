/**
 * The restore's confirmation (issue 12 item 4). A restore destroys the installation's current data, so a y/N is
 * not enough: the user sees the destructive parts of the plan and types the release name. Without a terminal the
 * command needs --yes and refuses before any cluster call; Ctrl-C or Ctrl-D at the prompt, or another name,
 * declines. Declining is exit 2 with nothing changed.
 */
import type { RestorePlan } from '../../backup/restore/plan.js';
import { UsageError } from '../../errors.js';
import { askOnTerminal, terminalIsInteractive } from './terminal-confirm.js';

export interface RestoreConfirmIo {
  /** stdin and stderr are terminals: a human can answer. */
  readonly interactive: boolean;
  /** What the user typed; throws a UsageError when no answer came, or the signal's reason when it aborted. */
  ask(question: string, signal?: AbortSignal): Promise<string>;
}

export interface ConfirmChoice {
  readonly yes: boolean;
  readonly dryRun: boolean;
}

/** The destructive parts of a plan, as the prompt shows them: one heading per kind, the exact names below. */
export interface DestructiveParts {
  readonly release: string;
  readonly namespace: string;
  /** "backup 1700000000", or what an RDBMS restore brings back. */
  readonly what: string;
  readonly sections: readonly { readonly title: string; readonly items: readonly string[] }[];
  /** The line above the sections (default: what restoring destroys). */
  readonly heading?: string | undefined;
  /** What the typed name confirms (default: "restore"). */
  readonly action?: string | undefined;
}

const NOTHING_CHANGED = 'nothing was changed';

export function terminalRestoreConfirm(): RestoreConfirmIo {
  return {
    interactive: terminalIsInteractive(),
    ask: (question, signal) =>
      askOnTerminal(question, signal, (key) => new UsageError(`no answer at the prompt (${key}): the restore was not confirmed; ${NOTHING_CHANGED}`, { hint: RETRY_HINT })),
  };
}

const RETRY_HINT = 'type the release name to restore, or pass --yes in a script; --dry-run shows the plan';

/** Refuses a restore that cannot be confirmed, before any cluster call: a script finds out at once, not after the reads. */
export function requireConfirmable(choice: ConfirmChoice, io: Pick<RestoreConfirmIo, 'interactive'>): void {
  if (choice.dryRun || choice.yes || io.interactive) return;
  throw new UsageError(`restore needs confirmation, but there is no terminal to ask; ${NOTHING_CHANGED}`, {
    hint: 'pass --yes to restore without asking (the checks still run first), or --dry-run to see the plan',
  });
}

/** What the plan destroys or replaces, by exact name (the plan's other steps only start things again or verify). */
export function destructivePartsOf(plan: RestorePlan): DestructiveParts {
  const env = plan.restoreMode.setEnv.map((e) => `${e.name}=${e.value ?? ''}`);
  return {
    release: plan.release,
    namespace: plan.namespace,
    what: plan.backupId === null ? `Zeebe from the backups that match the restored database${plan.restoreTo ? ` (up to ${plan.restoreTo})` : ''}` : `backup ${plan.backupId}`,
    sections: [
      { title: 'workloads stopped (scaled to 0, back to these replicas afterwards)', items: plan.workloads.map((w) => `${w.kind.toLowerCase()}/${w.name} (${w.replicas})`) },
      { title: `indices deleted${plan.searchWhere ? ` in ${plan.searchWhere}` : ''}`, items: plan.indices },
      { title: 'snapshots restored in their place', items: plan.snapshots.map((s) => `${s.repository}/${s.snapshot}`) },
      { title: 'Zeebe volumes deleted (PVCs)', items: plan.claims.map((c) => `${c.name}${c.orphan ? ' (orphan of an earlier scale-down)' : ''}`) },
      { title: `statefulset/${plan.restoreMode.statefulSet} patched for the restore run, then put back`, items: [...env, ...plan.restoreMode.probesOff.map((p) => `${p} off`)] },
      ...(plan.webModelerDump ? [{ title: 'Web Modeler database overwritten from', items: [plan.webModelerDump] }] : []),
    ],
  };
}

/** The text shown above the prompt. */
export function renderDestructiveParts(parts: DestructiveParts): string {
  const lines = [parts.heading ?? `Restoring ${parts.what} into release ${parts.release} in namespace ${parts.namespace} destroys its current data:`];
  for (const section of parts.sections.filter((s) => s.items.length > 0)) {
    lines.push(`  ${section.title} (${section.items.length}):`);
    for (const item of section.items) lines.push(`    - ${item}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Asks unless --yes: shows the destructive parts on stderr and wants the release name typed. Resolves when
 * confirmed; throws a UsageError (exit 2) when declined, and the signal's reason when interrupted.
 */
export async function confirmRestore(parts: DestructiveParts, choice: ConfirmChoice, io: RestoreConfirmIo, stderr: { write(chunk: string): unknown }, signal?: AbortSignal): Promise<void> {
  if (choice.yes || choice.dryRun) return;
  requireConfirmable(choice, io);
  stderr.write(renderDestructiveParts(parts));
  const action = parts.action ?? 'restore';
  const answer = await io.ask(`Type the release name (${parts.release}) to ${action}, anything else cancels: `, signal);
  if (answer.trim() !== parts.release) {
    throw new UsageError(`the ${action} was not confirmed (${answer.trim() === '' ? 'no name typed' : `"${answer.trim()}" is not the release name`}); ${NOTHING_CHANGED}`, { hint: RETRY_HINT });
  }
}
