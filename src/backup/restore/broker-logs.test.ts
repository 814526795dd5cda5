import { describe, expect, it } from 'vitest';
import { judgeBrokerLogs, partitionsStartedEmpty } from './broker-logs.js';

const SUCCESS = '2026-12-06 10:00:00.000 [main] INFO io.camunda.zeebe.restore.RestoreApp - Successfully restored broker from backup [12]';
const NOT_EMPTY =
  "2026-12-06 10:00:01.000 [main] ERROR io.camunda.zeebe.restore.RestoreManager - Brokers's data directory /usr/local/camunda/data is not empty. Aborting restore to avoid overwriting data. Please restart with a clean directory.\nCaused by: java.nio.file.DirectoryNotEmptyException: /usr/local/camunda/data";
// camunda/camunda#48199: the partition-level check throws inside the restore, and RestoreManager deletes everything.
const WIPE = [
  '2026-12-06 10:00:01.000 [main] INFO io.camunda.zeebe.restore.RestoreApp - Starting to restore from backup [12]',
  '2026-12-06 10:00:01.010 [main] ERROR io.camunda.zeebe.restore.RestoreManager - Failed to restore broker. Deleting data directory /usr/local/camunda/data',
  'java.util.concurrent.ExecutionException: java.nio.file.DirectoryNotEmptyException: /usr/local/camunda/data/raft-partition/partitions/1',
  'ERROR org.springframework.boot.SpringApplication - Application run failed',
].join('\n');
const NOT_FOUND_AND_DELETED = [
  'ERROR io.camunda.zeebe.restore.RestoreManager - Failed to restore broker. Deleting data directory /usr/local/camunda/data',
  'java.util.concurrent.ExecutionException: io.camunda.zeebe.restore.BackupNotFoundException: Could not find a completed backup with id 12.',
].join('\n');

describe('judgeBrokerLogs: the runs in order, the latest decisive line wins', () => {
  it('a success followed by the "not empty" crash loop stays restored, also once the success scrolled out of the two runs Kubernetes keeps', () => {
    expect(judgeBrokerLogs(NOT_EMPTY, SUCCESS)).toEqual({ state: 'restored', line: SUCCESS });
    expect(judgeBrokerLogs(NOT_EMPTY, NOT_EMPTY, true).state).toBe('restored');
    expect(judgeBrokerLogs(NOT_EMPTY, NOT_EMPTY, false)).toMatchObject({ state: 'failed', line: expect.stringContaining('is not empty') });
  });

  it('a restart that deletes the restored data is a wipe, not a success (camunda/camunda#48199)', () => {
    expect(judgeBrokerLogs(WIPE, SUCCESS)).toEqual({ state: 'wiped', line: expect.stringContaining('Deleting data directory /usr/local/camunda/data') });
    // The deleting run alone tells: it found data (DirectoryNotEmptyException) and deleted it.
    expect(judgeBrokerLogs(WIPE, undefined).state).toBe('wiped');
    // Seen restored by an earlier poll, now the latest run deleted it.
    expect(judgeBrokerLogs('Starting to restore from backup [12]', WIPE, true).state).toBe('wiped');
  });

  it('a run that restores again after the wipe is restored again', () => {
    expect(judgeBrokerLogs(SUCCESS, WIPE)).toEqual({ state: 'restored', line: SUCCESS });
  });

  it('a failed restore that cleans up after itself is a failure with its cause, not a wipe', () => {
    expect(judgeBrokerLogs(NOT_FOUND_AND_DELETED, undefined)).toEqual({
      state: 'failed',
      line: 'java.util.concurrent.ExecutionException: io.camunda.zeebe.restore.BackupNotFoundException: Could not find a completed backup with id 12.',
    });
  });
});

describe('partitionsStartedEmpty', () => {
  it("finds RaftPartitionFactory's line per partition (camunda/camunda#21589) and nothing in a broker that started on data", () => {
    const log = [
      'INFO io.camunda.zeebe.broker.Broker - Starting broker 1 with version 8.8.35',
      'INFO io.camunda.zeebe.broker.system - Root directory /usr/local/camunda/data/raft-partition/partitions/2 for partition PartitionId{id=2, group=raft-partition} is empty or does not exist. The partition PartitionId{id=2, group=raft-partition} is starting with no pre-existing data.',
    ].join('\n');
    expect(partitionsStartedEmpty(log)).toEqual([{ partitionId: 2, line: expect.stringMatching(/^INFO .*Root directory \/usr\/local\/camunda\/data\/raft-partition\/partitions\/2 for partition/) }]);
    expect(partitionsStartedEmpty('INFO Broker 1 is ready')).toEqual([]);
    expect(partitionsStartedEmpty(undefined)).toEqual([]);
  });
});

describe('judgeBrokerLogs: a failure without a known line', () => {
  const RUN_FAILED = [
    '2026-12-06 03:00:01.000 [main] ERROR org.springframework.boot.SpringApplication - Application run failed',
    'java.lang.IllegalStateException: Failed to execute ApplicationRunner',
    '\tat org.springframework.boot.SpringApplication.callRunner(SpringApplication.java:765)',
    'Caused by: java.util.concurrent.CompletionException: restore failed',
    'Caused by: java.lang.IllegalStateException: No backup found in time range [null, 2026-12-06T02:00:00Z]',
    '\t... 12 more',
  ].join('\n');

  it("names Spring's root cause (the last Caused by), not the bare 'Application run failed'", () => {
    expect(judgeBrokerLogs(RUN_FAILED, undefined)).toEqual({ state: 'failed', line: 'java.lang.IllegalStateException: No backup found in time range [null, 2026-12-06T02:00:00Z]' });
    expect(judgeBrokerLogs(undefined, RUN_FAILED)).toMatchObject({ state: 'failed', line: expect.stringMatching(/^java\.lang\.IllegalStateException: No backup found/) });
  });

  it('keeps the line itself when no cause follows', () => {
    const bare = '2026-12-06 03:00:01.000 [main] ERROR org.springframework.boot.SpringApplication - Application run failed';
    expect(judgeBrokerLogs(bare, undefined)).toEqual({ state: 'failed', line: bare });
  });
});
