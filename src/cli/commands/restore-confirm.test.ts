import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { buildRestorePlan } from '../../backup/restore/plan.js';
import { confirmRestore, destructivePartsOf, renderDestructiveParts, requireConfirmable, type DestructiveParts, type RestoreConfirmIo } from './restore-confirm.js';

const PARTS: DestructiveParts = {
  release: 'camunda',
  namespace: 'prod',
  what: 'backup 1700000000',
  sections: [
    { title: 'indices to delete', items: ['operate-list-view-8.3.0_', 'tasklist-task-8.5.0_'] },
    { title: 'PVCs to delete', items: ['data-camunda-zeebe-0'] },
    { title: 'nothing here', items: [] },
  ],
};

function io(answer: string | Error, interactive = true): RestoreConfirmIo & { asked: string[] } {
  const asked: string[] = [];
  return {
    interactive,
    asked,
    ask: async (question) => {
      asked.push(question);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const sink = () => {
  const chunks: string[] = [];
  return { write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
};

describe('restore confirmation', () => {
  it('without a terminal and without --yes: exit 2 before anything; --yes or --dry-run need none', () => {
    expect(() => requireConfirmable({ yes: false, dryRun: false }, { interactive: false })).toThrow(UsageError);
    expect(() => requireConfirmable({ yes: false, dryRun: false }, { interactive: false })).toThrow(/no terminal to ask; nothing was changed/);
    expect(() => requireConfirmable({ yes: true, dryRun: false }, { interactive: false })).not.toThrow();
    expect(() => requireConfirmable({ yes: false, dryRun: true }, { interactive: false })).not.toThrow();
  });

  it('shows the destructive parts by exact name and asks for the release name', async () => {
    const terminal = io('camunda');
    const err = sink();
    await confirmRestore(PARTS, { yes: false, dryRun: false }, terminal, err);
    expect(err.text()).toBe(
      [
        'Restoring backup 1700000000 into release camunda in namespace prod destroys its current data:',
        '  indices to delete (2):',
        '    - operate-list-view-8.3.0_',
        '    - tasklist-task-8.5.0_',
        '  PVCs to delete (1):',
        '    - data-camunda-zeebe-0',
        '',
      ].join('\n'),
    );
    expect(terminal.asked).toEqual(['Type the release name (camunda) to restore, anything else cancels: ']);
  });

  it('"y", another name or nothing typed decline with exit 2', async () => {
    for (const answer of ['y', 'yes', 'camunda2', '']) {
      const refusal = confirmRestore(PARTS, { yes: false, dryRun: false }, io(answer), sink());
      await expect(refusal).rejects.toBeInstanceOf(UsageError);
      await expect(confirmRestore(PARTS, { yes: false, dryRun: false }, io(answer), sink())).rejects.toThrow(/not confirmed .*nothing was changed/);
    }
  });

  it('Ctrl-C / Ctrl-D at the prompt: the UsageError of the terminal goes through (exit 2)', async () => {
    const noAnswer = new UsageError('no answer at the prompt (Ctrl-D): the restore was not confirmed; nothing was changed');
    await expect(confirmRestore(PARTS, { yes: false, dryRun: false }, io(noAnswer), sink())).rejects.toBe(noAnswer);
  });

  it('--yes asks nothing and shows nothing', async () => {
    const terminal = io('x');
    const err = sink();
    await confirmRestore(PARTS, { yes: true, dryRun: false }, terminal, err);
    expect(terminal.asked).toEqual([]);
    expect(err.text()).toBe('');
    expect(renderDestructiveParts({ ...PARTS, sections: [] })).toMatch(/destroys its current data:\n$/);
  });

  it("the plan's destructive parts: stopped workloads with their replicas, indices, snapshots, PVCs (orphans marked), the restore env", () => {
    const plan = buildRestorePlan({
      release: 'camunda',
      namespace: 'prod',
      line: '8.8',
      camundaVersion: '8.8.3',
      chartVersion: '13.12.7',
      mode: 'backup-id',
      backupId: 1_700_000_000,
      searchWhere: 'pod/camunda-elasticsearch-master-0:9200',
      indexPrefixes: ['operate'],
      workloads: [
        { kind: 'StatefulSet', name: 'camunda-zeebe', component: 'zeebe-broker', replicas: 3 },
        { kind: 'Deployment', name: 'camunda-optimize', component: 'optimize', replicas: 1 },
      ],
      indices: ['operate-list-view-8.3.0_'],
      snapshots: [{ part: 'webapps', snapshot: 'camunda_webapps_1700000000_8.8.3_part_1_of_1', repository: 'camunda', indices: ['operate-list-view-8.3.0_'] }],
      claims: ['data-camunda-zeebe-0', 'data-camunda-zeebe-3'],
      broker: { statefulSet: 'camunda-zeebe', container: 'orchestration', env: [] },
      webModelerDeployed: false,
    });
    const text = renderDestructiveParts(destructivePartsOf(plan));
    expect(text).toContain('Restoring backup 1700000000 into release camunda in namespace prod destroys its current data:');
    expect(text).toContain('    - statefulset/camunda-zeebe (3)\n    - deployment/camunda-optimize (1)');
    expect(text).toContain('  indices deleted in pod/camunda-elasticsearch-master-0:9200 (1):\n    - operate-list-view-8.3.0_');
    expect(text).toContain('    - camunda/camunda_webapps_1700000000_8.8.3_part_1_of_1');
    expect(text).toContain('    - data-camunda-zeebe-3 (orphan of an earlier scale-down)');
    expect(text).toContain('    - ZEEBE_RESTORE=true\n    - ZEEBE_RESTORE_FROM_BACKUP_ID=1700000000\n    - SPRING_PROFILES_ACTIVE=restore');
  });
});
