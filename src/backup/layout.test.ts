import { describe, expect, it } from 'vitest';
import { anInstallation } from '../../test/unit/create-test-kit.js';
import { layoutOf } from './layout.js';

const partNames = (parts: ReturnType<typeof layoutOf>) => parts.present.map((p) => p.part);

describe('layoutOf', () => {
  it('8.7: Optimize, Operate, Tasklist, the zeebe-record snapshot and Zeebe, each at its own pod and path', () => {
    const parts = layoutOf(anInstallation('8.7'));
    expect(parts.procedure).toBe('separate-webapps');
    expect(partNames(parts)).toEqual(['optimize', 'operate', 'tasklist', 'zeebe-records', 'zeebe']);
    expect(parts.present.find((p) => p.part === 'zeebe')).toMatchObject({ path: '/actuator/backups', where: 'pod/gateway-0:9600' });
    expect(parts.present.find((p) => p.part === 'zeebe-records')).toMatchObject({ repository: 'camunda-backups', problem: undefined });
  });

  it('8.8: the web apps answer on the orchestration pod through backupHistory, Zeebe through backupRuntime', () => {
    const parts = layoutOf(anInstallation('8.8'));
    expect(partNames(parts)).toEqual(['optimize', 'webapps', 'zeebe-records', 'zeebe']);
    expect(parts.present.find((p) => p.part === 'webapps')).toMatchObject({ path: '/actuator/backupHistory', where: 'pod/zeebe-0:9600' });
    expect(parts.present.find((p) => p.part === 'zeebe')?.path).toBe('/actuator/backupRuntime');
  });

  it('skips what discovery skipped and the zeebe-record snapshot when no exporter writes it', () => {
    const parts = layoutOf(
      anInstallation('8.8', { zeebeRecordsExported: false, skipped: [{ part: 'optimize', reason: 'disabled in the Helm values' }] }),
    );
    expect(partNames(parts)).toEqual(['webapps', 'zeebe']);
    expect(parts.skipped.map((s) => s.part)).toEqual(['optimize', 'zeebe-records']);
  });

  it('8.9 RDBMS: only Optimize and Zeebe, judged independently', () => {
    const parts = layoutOf(anInstallation('8.9', { secondaryStorage: 'rdbms', zeebeStore: { store: 'S3', continuous: true } }));
    expect(parts.procedure).toBe('rdbms');
    expect(partNames(parts)).toEqual(['optimize', 'zeebe']);
    expect(parts.skipped.map((s) => s.part)).toEqual(['webapps', 'zeebe-records']);
  });

  it('a missing repository name is a known problem of the snapshot part, not a crash', () => {
    const parts = layoutOf(anInstallation('8.7', { repositoryName: undefined }));
    expect(parts.present.find((p) => p.part === 'zeebe-records')?.problem?.hint).toMatch(/--snapshot-repository/);
  });
});
