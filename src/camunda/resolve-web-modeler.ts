/**
 * Web Modeler's bundled PostgreSQL: it has no backup API, so the tool dumps the database itself
 * (camunda-backup-api.md §3.6). A Web Modeler that cannot be backed up is a warning, and an error with --web-modeler.
 */
import { PreconditionError } from '../errors.js';
import type { DiscoveryContext } from './discovery-context.js';
import type { WebModelerDatabase } from './installation.js';
import { chooseContainer, noReadyPodBehind, pickPod, podPortFor, podsBehind, podTarget } from './pick-pod.js';
import { literalEnv } from './spring-properties.js';

export function resolveWebModeler(ctx: DiscoveryContext): WebModelerDatabase | undefined {
  const requested = ctx.choices.webModeler === true;
  const enabled = ctx.values.bool('webModeler.enabled') === true;
  if (!requested && !enabled) return undefined;
  const fail = (message: string): undefined => {
    if (requested) throw new PreconditionError(`--web-modeler: ${message}`);
    ctx.warnings.push(`Web Modeler: ${message}`);
    return undefined;
  };
  const serviceName = `${ctx.release}-postgresql-web-modeler`;
  const service = ctx.services.get(serviceName);
  if (!service) {
    return fail(
      ctx.values.bool('webModelerPostgresql.enabled') === false
        ? 'it uses an external database (webModelerPostgresql.enabled: false); back that database up with its own tools.'
        : `Service ${serviceName} of the bundled PostgreSQL not found.`,
    );
  }
  const behind = podsBehind(service.selector, ctx.pods);
  const pod = pickPod(behind);
  if (!pod) return fail(`${noReadyPodBehind(serviceName, behind, 'PostgreSQL pod')}.`);
  const container = chooseContainer(pod, ['postgresql'], ctx, 'Web Modeler PostgreSQL');
  const literal = (name: string): string | undefined => literalEnv(container, name, ctx.configMaps) || undefined;
  const passwordRef = container.env.findLast((e) => e.name === 'POSTGRES_PASSWORD')?.valueFrom?.secretKeyRef;
  const existingSecret = ctx.values.string('webModelerPostgresql.auth.existingSecret');
  const servicePort = service.ports.find((p) => p.name === 'tcp-postgresql') ?? service.ports[0];
  return {
    pod: podTarget(pod, container, servicePort ? podPortFor(servicePort, pod) : 5432, ctx.namespace),
    database: literal('POSTGRES_DATABASE') ?? literal('POSTGRESQL_DATABASE') ?? ctx.values.string('webModelerPostgresql.auth.database') ?? 'web-modeler',
    username: literal('POSTGRES_USER') ?? literal('POSTGRESQL_USERNAME') ?? ctx.values.string('webModelerPostgresql.auth.username') ?? 'web-modeler',
    passwordSecret: passwordRef
      ? { name: passwordRef.name, key: passwordRef.key }
      : existingSecret
        ? { name: existingSecret, key: ctx.values.string('webModelerPostgresql.auth.secretKeys.userPasswordKey') ?? 'password' }
        : { name: serviceName, key: 'password' },
  };
}
