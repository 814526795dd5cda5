/**
 * The connections of a create run: one per distinct target (the web apps and Zeebe share the orchestration pod on
 * 8.8+), opened before anything else, and the API contexts each step builds on them.
 */
import { managementApi, type ApiContext, type ManagementApi } from '../camunda/management-api.js';
import { InterruptedError, messageOf, PreconditionError, type CliError } from '../errors.js';
import type { ComponentHttp, Connector } from '../reach/component-http.js';
import type { Reporter } from '../events.js';
import { endpointFor, type CreatePlan, type PlanEndpoint } from './plan.js';

/** Connection by plan endpoint key; endpoints on the same target share one. */
export type Channels = ReadonlyMap<string, ComponentHttp>;

/** Opens every connection the plan needs; throws the first failure (or the abort) with none left open. */
export async function openChannels(plan: CreatePlan, connect: Connector, signal: AbortSignal): Promise<Channels> {
  const byTarget = new Map<string, PlanEndpoint[]>();
  for (const endpoint of plan.endpoints) {
    const key = JSON.stringify(endpoint.target);
    byTarget.set(key, [...(byTarget.get(key) ?? []), endpoint]);
  }
  const groups = [...byTarget.values()];
  const results = await Promise.allSettled(groups.map((group) => connect(group[0]!.target)));
  const channels = new Map<string, ComponentHttp>();
  const failures: unknown[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') for (const endpoint of groups[index]!) channels.set(endpoint.key, result.value);
    else failures.push(result.reason);
  });
  if (failures.length > 0 || signal.aborted) {
    await closeChannels(channels);
    throw failures[0] ?? abortError(signal);
  }
  return channels;
}

export async function closeChannels(channels: Channels): Promise<void> {
  await Promise.allSettled([...new Set(channels.values())].map((http) => http.close()));
}

/** The error for a run stopped before any change: an interrupt, or the run's timeout. */
export function abortError(signal: AbortSignal): CliError {
  const reason: unknown = signal.reason;
  if (reason === 'SIGINT' || reason === 'SIGTERM') return new InterruptedError(reason, { hint: 'nothing was changed' });
  return new PreconditionError(`${messageOf(reason)} before the backup started`, { hint: 'nothing was changed; raise --timeout' });
}

/** Who hears about the calls, and what stops them (none: the resume after a pause must be tried regardless). */
export interface CallScope {
  readonly emit: Reporter;
  readonly signal?: AbortSignal | undefined;
}

export function contextFor(plan: CreatePlan, channels: Channels, key: string, scope: CallScope): ApiContext {
  const endpoint = endpointFor(plan, key);
  const http = channels.get(key);
  if (!http) throw new Error(`no connection for endpoint "${key}"`);
  return {
    http,
    emit: scope.emit,
    signal: scope.signal,
    requestTimeoutMs: plan.timing.requestTimeoutMs,
    headers: endpoint.authorization ? { Authorization: endpoint.authorization.reveal() } : undefined,
  };
}

export function apiFor(plan: CreatePlan, channels: Channels, key: string, scope: CallScope): ManagementApi {
  return managementApi(contextFor(plan, channels, key, scope), endpointFor(plan, key).basePath);
}
