import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import type { CreateArgs } from './create-options.js';
import { parseCreateOptions } from './create-options.js';

const NOW = Date.parse('2026-11-27T06:00:00Z');

/** What yargs hands the handler for `create` without flags. */
const defaults: CreateArgs = { output: 'text', verbose: false, quiet: false, color: true, access: 'port-forward', 'dry-run': false, timeout: '30m', 'poll-interval': '2s' };

describe('parseCreateOptions', () => {
  it('fills defaults: backup ID from the clock, 30m timeout, 2s poll interval', () => {
    expect(parseCreateOptions(defaults, NOW)).toEqual({
      kubeconfig: undefined,
      context: undefined,
      namespace: undefined,
      requestTimeoutMs: undefined,
      output: 'text',
      verbosity: 0,
      quiet: false,
      webModeler: false,
      webModelerOutput: undefined,
      force: false,
      color: true,
      release: undefined,
      access: 'port-forward',
      execPod: undefined,
      execContainer: undefined,
      snapshotRepository: undefined,
      camundaVersion: undefined,
      backupId: NOW / 1000,
      backupIdGiven: false,
      dryRun: false,
      timeoutMs: 1_800_000,
      pollIntervalMs: 2000,
      resumeTimeoutMs: 300_000,
    });
  });

  it('reads every flag', () => {
    const options = parseCreateOptions(
      {
        ...defaults,
        kubeconfig: '/tmp/kc',
        context: 'prod',
        namespace: 'camunda-prod',
        'request-timeout': '10s',
        output: 'json',
        release: 'camunda',
        access: 'exec',
        'exec-pod': 'curl',
        'exec-container': 'curl',
        'snapshot-repository': 'camunda-backups',
        'camunda-version': '8.7.3',
        'backup-id': '1748937221',
        'dry-run': true,
        timeout: '1h30m',
        'poll-interval': '500ms',
      },
      NOW,
    );
    expect(options).toMatchObject({
      kubeconfig: '/tmp/kc',
      context: 'prod',
      namespace: 'camunda-prod',
      requestTimeoutMs: 10_000,
      output: 'json',
      release: 'camunda',
      access: 'exec',
      execPod: 'curl',
      execContainer: 'curl',
      snapshotRepository: 'camunda-backups',
      camundaVersion: '8.7.3',
      backupId: 1748937221,
      backupIdGiven: true,
      dryRun: true,
      timeoutMs: 5_400_000,
      pollIntervalMs: 500,
    });
  });

  it.each([
    ['a bare integer is seconds, as in kubectl', '15', 15_000],
    ['0 means no deadline', '0', 2 ** 31 - 1],
    ['a duration', '2m', 120_000],
  ])('--request-timeout: %s', (_name, text, ms) => {
    expect(parseCreateOptions({ ...defaults, 'request-timeout': text }, NOW).requestTimeoutMs).toBe(ms);
  });

  it.each<[string, Partial<CreateArgs>, string]>([
    ['a non-numeric backup ID', { 'backup-id': 'abc' }, '--backup-id: invalid backup ID "abc": expected a positive integer'],
    ['backup ID 0', { 'backup-id': '0' }, 'it must be greater than 0'],
    ['a negative backup ID', { 'backup-id': '-5' }, 'invalid backup ID "-5"'],
    ['a fractional backup ID', { 'backup-id': '1.5' }, 'invalid backup ID "1.5"'],
    ['a backup ID beyond 2^53', { 'backup-id': '9007199254740993' }, 'at most 9007199254740991'],
    ['an empty backup ID', { 'backup-id': '' }, 'invalid backup ID ""'],
    ['a timeout without unit', { timeout: '30' }, '--timeout: "30" is not a duration; use e.g. 90s, 30m or 1h'],
    ['a timeout that is a word', { timeout: 'banana' }, '--timeout: "banana" is not a duration'],
    ['a zero timeout', { timeout: '0s' }, '--timeout: must be longer than 0'],
    ['a bad poll interval', { 'poll-interval': '2 s' }, '--poll-interval: "2 s" is not a duration'],
    ['a poll interval longer than the timeout', { timeout: '1m', 'poll-interval': '2m' }, '--poll-interval: must not be longer than --timeout'],
    ['--exec-container without --exec-pod', { 'exec-container': 'curl' }, '--exec-container needs --exec-pod'],
    ['a namespace with capitals', { namespace: 'Camunda' }, '--namespace: not a valid namespace name'],
    ['a too long namespace', { namespace: 'a'.repeat(64) }, '--namespace: not a valid namespace name'],
    ['a release with a slash', { release: 'team/camunda' }, '--release: not a valid Helm release name'],
    ['an exec pod with spaces', { 'exec-pod': 'my pod' }, '--exec-pod: not a valid pod name'],
    ['an unknown Camunda version', { 'camunda-version': '8.11' }, '--camunda-version: expected one of 8.6, 8.7, 8.8, 8.9, 8.10'],
    ['a Camunda version that is not a version', { 'camunda-version': 'latest' }, '--camunda-version: expected one of'],
    ['a repository name with a slash', { 'snapshot-repository': 'a/b' }, '--snapshot-repository: "a/b" is not a usable repository name'],
    ['the repository name ".."', { 'snapshot-repository': '..' }, '--snapshot-repository: ".." is not a usable repository name'],
    ['a repository name that names an API', { 'snapshot-repository': '_all' }, '--snapshot-repository: "_all" is not a usable repository name'],
    ['a timeout beyond a day (Node timers overflow at 24.8 days)', { timeout: '600h' }, '--timeout: at most 24h (got "600h")'],
    ['a poll interval below 500ms', { 'poll-interval': '1ms' }, '--poll-interval: at least 500ms'],
    ['a bad request timeout', { 'request-timeout': 'soon' }, '--request-timeout: "soon" is not a duration'],
    ['a resume timeout that is no duration', { 'resume-timeout': '5' }, '--resume-timeout: "5" is not a duration'],
    ['a resume timeout below a second', { 'resume-timeout': '500ms' }, '--resume-timeout: between 1s and 1h (got "500ms")'],
    ['a resume timeout beyond an hour', { 'resume-timeout': '2h' }, '--resume-timeout: between 1s and 1h (got "2h")'],
    ['an empty kubeconfig path', { kubeconfig: '' }, '--kubeconfig: empty path'],
  ])('rejects %s with one UsageError line', (_name, args, message) => {
    const error = (() => {
      try {
        parseCreateOptions({ ...defaults, ...args }, NOW);
      } catch (caught) {
        return caught;
      }
      throw new Error('expected a UsageError');
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toContain(message);
    expect((error as UsageError).message).not.toContain('\n');
    expect((error as UsageError).usage).toBe('create');
  });

  it('reports several problems in one line', () => {
    expect(() => parseCreateOptions({ ...defaults, 'backup-id': 'x', timeout: 'y' }, NOW)).toThrow(/--backup-id: .*; --timeout: "y"/);
  });
});
