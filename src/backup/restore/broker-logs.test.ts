import { describe, expect, it } from 'vitest';
import { judgeBrokerLogs } from './broker-logs.js';

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
