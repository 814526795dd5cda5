/**
 * Every kind of plan action, each with its dry-run description and its step side by side: --dry-run prints what
 * describeCreatePlan reads off the plan's actions, and the run executes steps built from the very same actions.
 */
import type { PlannedCall } from './report.js';
import { componentBackups } from './component-backup-step.js';
import { continuousBackup } from './continuous-backup-step.js';
import { pauseExporting, resumeExporting } from './pause-step.js';
import type { CreatePlan, PlanAction } from './plan.js';
import { describeChecks } from './preflight.js';
import type { RunItem } from './runner.js';
import type { ActionKind, CallWriter, StepContext } from './step-context.js';
import { webModelerDump } from './web-modeler-dump.js';
import { zeebeBackup } from './zeebe-backup-step.js';
import { zeebeRecordsSnapshot } from './zeebe-records-step.js';

type ActionKinds = { readonly [K in PlanAction['kind']]: ActionKind<Extract<PlanAction, { kind: K }>> };

const ACTIONS: ActionKinds = {
  'pause-exporting': pauseExporting,
  parallel: componentBackups,
  'zeebe-records-snapshot': zeebeRecordsSnapshot,
  'zeebe-backup': zeebeBackup,
  'continuous-backup': continuousBackup,
  'resume-exporting': resumeExporting,
  'web-modeler-dump': webModelerDump,
};

function kindOf<A extends PlanAction>(action: A): ActionKind<A> {
  return ACTIONS[action.kind] as unknown as ActionKind<A>;
}

/** The steps that carry out the plan, in its order. */
export function stepsOf(plan: CreatePlan, ctx: StepContext): RunItem[] {
  return plan.actions.map((action) => kindOf(action).step(action, ctx));
}

/**
 * Every call the run makes, in order, for --dry-run. Calls that share an order number run concurrently; `note` says
 * how a call is used (polls repeat until the state is final).
 */
export function describeCreatePlan(plan: CreatePlan): PlannedCall[] {
  const calls: PlannedCall[] = [];
  let order = 1;
  const writer: CallWriter = {
    then: () => {
      order++;
    },
    call: (step, method, endpoint, path, extra = {}) => {
      calls.push({
        order,
        step,
        method,
        path: `${endpoint.basePath}${path}`,
        target: endpoint.where,
        ...(extra.body === undefined ? {} : { body: extra.body }),
        ...(extra.note === undefined ? {} : { note: extra.note }),
      });
    },
  };
  describeChecks(plan, writer);
  for (const action of plan.actions) {
    writer.then();
    kindOf(action).describe(action, plan, writer);
  }
  return calls;
}
