import { describe, expect, it } from 'vitest';
import type { CreatePlan } from '../backup/take/create.js';
import type { BackupReport } from '../backup/take/report.js';
import type { Installation } from '../camunda/installation.js';
import { ExitCode, PreconditionError, UsageError, exitCodeFor } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import { memoryLeaseApi } from '../../test/unit/memory-lease-api.js';
import { memoryConfigMapApi } from '../../test/unit/memory-config-map-api.js';
import { aBackupReport } from '../../test/unit/builders/backup-report.js';
import type { CliDeps } from './cli-deps.js';
import { createParser, runCommandLine } from './parser.js';

interface Harness {
  readonly deps: CliDeps;
  readonly calls: string[];
  readonly stdout: () => string;
  readonly stderr: () => string;
}

const plan = {
  backupId: 1748937221,
  release: 'camunda',
  namespace: 'camunda',
  camundaVersion: '8.7.37',
  chartVersion: '12.13.3',
  access: 'port-forward',
  parts: [
    { part: 'operate', state: 'PLANNED', target: 'pod/camunda-operate-0:9600' },
    { part: 'optimize', state: 'SKIPPED', reason: 'disabled in the Helm values' },
  ],
  warnings: ['forced procedure 8.7 (--camunda-version)'],
  resumeCommand: 'kubectl camunda-backup resume -n camunda --release camunda --access port-forward',
} as unknown as CreatePlan;

function harness(options: { report?: BackupReport; discover?: () => Promise<Installation>; signal?: AbortSignal; onRun?: () => void } = {}): Harness {
  const calls: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  // No broker pods (exporting cannot be paused) and a free Lease: the run goes ahead.
  const kube = { namespace: 'from-context', contextName: 'test', listPods: async () => [], leases: memoryLeaseApi(), configMaps: memoryConfigMapApi(), withSignal: () => kube } as unknown as KubeClient;
  const deps: CliDeps = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk), isTTY: false },
    env: {},
    signal: options.signal ?? new AbortController().signal,
    now: () => Date.parse('2026-11-27T06:00:00Z'),
    createKubeClient: async (kubeOptions) => {
      calls.push(`kube ${JSON.stringify(kubeOptions)}`);
      return kube;
    },
    createConnector: (_kube, access) => {
      calls.push(`connector ${access}`);
      return async () => {
        throw new Error('no calls in this test');
      };
    },
    loadBackupApi: async () => ({
      discoverInstallation: async (_kube, discoveryOptions) => {
        calls.push(`discover ${JSON.stringify(discoveryOptions)}`);
        return options.discover ? options.discover() : ({} as Installation);
      },
      buildCreatePlan: (_installation, planOptions) => {
        calls.push(`plan ${JSON.stringify(planOptions)}`);
        return plan;
      },
      describeCreatePlan: () => [
        { order: 1, step: 'backup-operate', method: 'POST', path: '/actuator/backups', target: 'pod/camunda-operate-0:9600', body: { backupId: 1748937221 } },
      ],
      runCreatePlan: async (_plan, runDeps) => {
        calls.push(`run signal=${runDeps.signal.aborted}`);
        options.onRun?.();
        runDeps.emit({ kind: 'step-started', step: 'backup-operate', title: 'Back up Operate' });
        runDeps.emit({ kind: 'step-succeeded', step: 'backup-operate', durationMs: 1_000 });
        return options.report ?? aBackupReport();
      },
    }),
  };
  return { deps, calls, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** Runs the parser like main does; the error is returned, not thrown. */
async function run(args: string[], h: Harness): Promise<unknown> {
  try {
    await runCommandLine(h.deps, '1.2.3', args);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Help and version text, captured by yargs instead of printed. */
async function helpOf(args: string[]): Promise<string> {
  let output = '';
  await createParser(harness().deps, '1.2.3').parseAsync(args, {}, (_error, _argv, text) => {
    output = text;
  });
  return output;
}

describe('createParser: help and version', () => {
  it('shows the create examples and the exit codes in create --help', async () => {
    const help = await helpOf(['create', '--help']);
    expect(help).toContain('Examples:\n  # Back up the Camunda release in namespace camunda through port-forwards\n  kubectl camunda-backup create -n camunda\n');
    expect(help).toContain('  # Show every call, in order, without changing anything\n  kubectl camunda-backup create -n camunda --dry-run\n');
    expect(help).toContain('  kubectl camunda-backup create -n camunda --access exec -o json\n');
    expect(help).toMatch(/--backup-id\s+Backup ID/);
    expect(help).toContain('Exit codes:\n  0        completed\n');
    expect(help).toContain('  5        cleanup failed: exporting may still be paused, run the printed command\n');
  });

  it('lists the commands in --help and points at options for the global flags, which it does not repeat', async () => {
    const help = await helpOf(['--help']);
    expect(help).toMatch(/kubectl camunda-backup create\s+Take a consistent backup/);
    expect(help).toMatch(/kubectl camunda-backup options\s+Print the list of flags inherited by all commands/);
    expect(help).toContain("Use 'kubectl camunda-backup options' for a list of global command-line options (applies to all commands).");
    for (const flag of ['--kubeconfig', '--context', '--namespace', '--request-timeout', '--output', '--access', '--exec-pod']) {
      expect(help).not.toContain(flag);
    }
  });

  it.each([['create'], ['status'], ['list'], ['delete'], ['check'], ['resume']])('%s --help keeps its own flags, leaves out the global ones and ends pointing at options', async (command) => {
    const help = await helpOf([command, '--help']);
    expect(help.trimEnd()).toMatch(/Use 'kubectl camunda-backup options' for a list of global command-line options \(applies to all commands\)\.$/);
    for (const flag of ['--kubeconfig', '--context', '--namespace', '--output', '--access', '--exec-pod']) {
      expect(help).not.toMatch(new RegExp(`^\\s*(-\\w, )?${flag}\\b`, 'm'));
    }
  });

  it('prints the global flags once, grouped, with kubectl\'s -v and the output formats, for options', async () => {
    const h = harness();
    expect(await run(['options'], h)).toBeUndefined();
    const text = h.stdout();
    expect(text).toMatch(/^The following options can be passed to any command:\n/);
    expect(text).toMatch(/^ {6}--kubeconfig <path> +Path to the kubeconfig file/m);
    expect(text).toMatch(/^ {2}-n, --namespace <name> +Namespace of the Camunda release/m);
    expect(text).toMatch(/^ {2}-o, --output <format> +Result format on stdout: text, wide, json, yaml /m);
    expect(text).toContain('(default: text)');
    expect(text.split('\n').filter((line) => line.length > 100)).toEqual([]);
    expect(text).toMatch(/^ {2}-v, --v <level> +Log level on stderr/m);
    expect(text).toMatch(/^ {2}-q, --quiet +Print only results and errors/m);
    expect(text).toMatch(/^ {6}--access <mode> +How to reach component APIs/m);
    expect(text).toContain('(default: port-forward)');
    expect(h.calls).toEqual([]);
  });

  it('prints the overview on stdout, not an error, when no command is given (as kubectl alone does)', async () => {
    const h = harness();
    expect(await run([], h)).toBeUndefined();
    expect(h.stdout()).toMatch(/^kubectl camunda-backup <command> \[flags\]/);
    expect(h.stdout()).toMatch(/kubectl camunda-backup create\s+Take a consistent backup/);
    expect(h.stderr()).toBe('');
    expect(h.calls).toEqual([]);
  });

  it('prints the version it was given', async () => {
    expect(await helpOf(['--version'])).toBe('1.2.3');
  });
});

describe('createParser: usage errors', () => {
  it.each([
    [['crate'], 'unknown command "crate" for "kubectl camunda-backup"; did you mean create?', ''],
    [['-n', 'camunda', 'crate'], 'unknown command "crate" for "kubectl camunda-backup"; did you mean create?', ''],
    [['frobnicate'], 'unknown command "frobnicate" for "kubectl camunda-backup"', ''],
    [['create', '--bogus'], 'unknown flag: --bogus', 'create'],
    [['create', '--bogus=3'], 'unknown flag: --bogus', 'create'],
    [['create', '--bogus-flag'], 'unknown flag: --bogus-flag', 'create'],
    [['-n', 'camunda', 'list', '-x'], 'unknown flag: -x', 'list'],
    [['status', '1', '--foo', '--bar'], 'unknown flags: --foo, --bar', 'status'],
    [['create', 'extra'], 'unexpected argument "extra": kubectl camunda-backup create takes no arguments', 'create'],
    [['status'], 'missing <backupId>: usage is kubectl camunda-backup status <backupId>', 'status'],
    [['create', '--access', 'ssh'], '--access: "ssh" is not an access mode; use port-forward or exec', 'create'],
    [['create', '-o', 'xml'], '-o/--output: "xml" is not an output format; use text, wide, json or yaml', 'create'],
    [['list', '-v', 'high'], '-v: "high" is not a log level', 'list'],
    [['list', '-v=4.5'], '-v: "4.5" is not a log level', 'list'],
    [['list', '--v=-1'], '-v: "-1" is not a log level', 'list'],
    [['list', '-v'], 'flag needs an argument: -v', 'list'],
    [['list', '-q', '-v', '4'], '--quiet and -v/--verbose ask for opposite things', 'list'],
    [['create', '--backup-id'], 'flag needs an argument: --backup-id', 'create'],
    [['delete', '-n'], 'flag needs an argument: -n', 'delete'],
    [['create', '--backup-id', 'abc'], '--backup-id: invalid backup ID "abc"', 'create'],
    [['list', '--verbose=4'], 'invalid value "4" for --verbose: it is a switch', 'list'],
    [['create', '--dry-run=maybe'], 'invalid value "maybe" for --dry-run: it is a switch', 'create'],
    [['delete', '1', '--yes=please'], 'invalid value "please" for --yes: it is a switch', 'delete'],
  ])('%j → UsageError "%s", pointing at the help of %j, before any cluster call', async (args, message, usage) => {
    const h = harness();
    const error = await run(args, h);
    expect(error).toBeInstanceOf(UsageError);
    expect(exitCodeFor(error)).toBe(ExitCode.Usage);
    expect((error as Error).message).toContain(message);
    expect((error as UsageError).usage).toBe(usage);
    expect(h.calls).toEqual([]);
    expect(h.stdout()).toBe('');
  });

  it.each([[['list', '-v', '4']], [['list', '-v=6']], [['create', '--dry-run=true', '--verbose=false']], [['list', '--no-color']], [['list', '--', '--weird=x']], [['list', '--v=0']], [['list', '--v', '9']], [['list', '-v2']], [['list', '--verbose']], [['list', '-q']]])('%j is accepted', async (args) => {
    const h = harness({ discover: async () => Promise.reject(new PreconditionError('stop after parsing')) });
    const error = await run(args, h);
    expect((error as Error).message).toBe('stop after parsing');
  });
});

describe('create', () => {
  it('wires options through the Kubernetes client, discovery, plan and run, and prints the table', async () => {
    const h = harness();
    const error = await run(['create', '-n', 'camunda', '--context', 'prod', '--release', 'camunda', '--backup-id', '42', '--timeout', '5m', '--poll-interval', '1s', '--access', 'exec'], h);
    expect(error).toBeUndefined();
    expect(h.calls).toEqual([
      'kube {"context":"prod","namespace":"camunda","env":{}}',
      'discover {"namespace":"from-context","cluster":{"context":"prod"},"release":"camunda","access":"exec","webModeler":false}',
      'plan {"backupId":42,"timeoutMs":300000,"pollIntervalMs":1000,"access":"exec","cluster":{"context":"prod"},"resumeTimeoutMs":300000}',
      'connector exec',
      'run signal=false',
    ]);
    expect(h.stdout()).toMatch(/^Backup 1748937221 of release camunda in namespace camunda: COMPLETED/);
    expect(h.stderr()).toBe('warning: forced procedure 8.7 (--camunda-version)\n✓ Back up Operate (1.0s)\n');
  });

  it('prints the dry-run plan and never runs or connects', async () => {
    const h = harness();
    expect(await run(['create', '--dry-run'], h)).toBeUndefined();
    expect(h.calls.some((call) => call.startsWith('run') || call.startsWith('connector'))).toBe(false);
    expect(h.stdout()).toContain('Dry run: backup 1748937221');
    expect(h.stdout()).toMatch(/^1\s+backup-operate\s+POST\s+\/actuator\/backups$/m);
    expect(h.stdout()).toContain('skipped: optimize (disabled in the Helm values)');
  });

  it('adds the target of every call to the dry-run plan with -o wide', async () => {
    const h = harness();
    expect(await run(['create', '--dry-run', '-o', 'wide'], h)).toBeUndefined();
    expect(h.stdout()).toMatch(/^ORDER\s+STEP\s+METHOD\s+PATH\s+TARGET\s+NOTE$/m);
    expect(h.stdout()).toMatch(/^1\s+backup-operate\s+POST\s+\/actuator\/backups\s+pod\/camunda-operate-0:9600$/m);
  });

  it('prints the dry-run plan as YAML with -o yaml: the JSON document\'s fields', async () => {
    const json = harness();
    await run(['create', '--dry-run', '-o', 'json'], json);
    const yaml = harness();
    await run(['create', '--dry-run', '-o', 'yaml'], yaml);
    const { parse } = await import('yaml');
    expect(parse(yaml.stdout())).toEqual(JSON.parse(json.stdout()));
    expect(yaml.stdout()).toMatch(/^schemaVersion: 1\n/);
  });

  it('prints the dry-run plan as JSON with a plan array and state PLANNED', async () => {
    const h = harness();
    await run(['create', '--dry-run', '-o', 'json'], h);
    const json = JSON.parse(h.stdout()) as BackupReport;
    expect(json).toMatchObject({ schemaVersion: 1, state: 'PLANNED', backupId: 1748937221, plan: [{ order: 1, method: 'POST' }] });
    expect(json.parts).toEqual([
      { part: 'operate', state: 'PLANNED', target: 'pod/camunda-operate-0:9600' },
      { part: 'optimize', state: 'SKIPPED', message: 'disabled in the Helm values' },
    ]);
  });

  it('prints only the JSON document on stdout with -o json', async () => {
    const h = harness();
    await run(['create', '-o', 'json'], h);
    expect(JSON.parse(h.stdout())).toEqual(aBackupReport());
  });

  it.each<[string, Partial<BackupReport>, number, RegExp]>([
    ['FAILED → 4', { state: 'FAILED', error: { message: 'operate: FAILED: repository missing', step: 'backup-operate' } }, 4, /^backup 1748937221 failed: operate: FAILED: repository missing$/],
    ['CLEANUP_FAILED → 5', { state: 'CLEANUP_FAILED', exporting: { paused: true, resumed: false, pausedMs: 1000, resumeCommand: 'kubectl camunda-backup resume -n camunda' } }, 5, /STILL PAUSED/],
    ['INTERRUPTED → 130', { state: 'INTERRUPTED', exporting: { paused: true, resumed: true, pausedMs: 1000 } }, 130, /^interrupted by SIGINT$/],
  ])('prints the report and exits by state: %s', async (_name, overrides, code, message) => {
    const h = harness({ report: aBackupReport(overrides) });
    const error = await run(['create'], h);
    expect(exitCodeFor(error)).toBe(code);
    expect((error as Error).message).toMatch(message);
    expect(h.stdout()).toContain(`: ${overrides.state} in`);
  });

  it('shouts the exact resume command on stderr when exporting stays paused', async () => {
    const h = harness({
      report: aBackupReport({ state: 'CLEANUP_FAILED', exporting: { paused: true, resumed: false, pausedMs: 1000, resumeCommand: 'kubectl camunda-backup resume -n camunda\nkubectl exec -n camunda zeebe-0 -- curl -X POST http://localhost:9600/actuator/exporting/resume' } }),
    });
    await run(['create'], h);
    expect(h.stderr()).toContain('!!! ZEEBE EXPORTING IS STILL PAUSED !!!');
    expect(h.stderr()).toContain('\n    kubectl camunda-backup resume -n camunda\n    kubectl exec -n camunda zeebe-0 -- curl -X POST http://localhost:9600/actuator/exporting/resume\n');
  });

  it('exits 143 when SIGTERM interrupted the run', async () => {
    const controller = new AbortController();
    const h = harness({ report: aBackupReport({ state: 'INTERRUPTED' }), signal: controller.signal, onRun: () => controller.abort('SIGTERM') });
    expect(exitCodeFor(await run(['create'], h))).toBe(ExitCode.Terminated);
  });

  it('stops before the run, with nothing changed, when a signal came during discovery', async () => {
    const controller = new AbortController();
    const h = harness({
      signal: controller.signal,
      discover: async () => {
        controller.abort('SIGINT');
        return {} as Installation;
      },
    });
    const error = await run(['create'], h);
    expect(exitCodeFor(error)).toBe(ExitCode.Interrupted);
    expect((error as PreconditionError).hint).toContain('nothing was changed');
    expect(h.calls.some((call) => call.startsWith('run'))).toBe(false);
  });

  it('lets discovery errors through unchanged (exit 3, no report)', async () => {
    const h = harness({ discover: () => Promise.reject(new PreconditionError('no Camunda release in namespace "camunda"')) });
    const error = await run(['create'], h);
    expect(exitCodeFor(error)).toBe(ExitCode.Precondition);
    expect(h.stdout()).toBe('');
  });
});
