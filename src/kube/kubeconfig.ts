/**
 * Finds the cluster, credentials and namespace the way kubectl does (client-go tools/clientcmd), which client-node's
 * loadFromDefault does not: KUBECONFIG files merge first-wins without throwing on duplicates, missing files are
 * skipped, the first current-context wins, relative paths resolve against their own file, and with no kubeconfig
 * at all a pod's service account is used (CronJobs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { PreconditionError, UsageError, messageOf } from '../errors.js';
import { IN_CLUSTER_CONTEXT } from './cluster-flags.js';

const DEFAULT_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeConfigOptions {
  /** --kubeconfig: only that file, which must exist; no merge. */
  readonly kubeconfig?: string | undefined;
  /** --context; unknown names are a usage error listing the available contexts. */
  readonly context?: string | undefined;
  /** -n/--namespace. */
  readonly namespace?: string | undefined;
  /** KUBECONFIG, HOME (USERPROFILE on Windows), POD_NAMESPACE, KUBERNETES_SERVICE_HOST/PORT. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly serviceAccountDir?: string | undefined;
}

export interface ResolvedKubeConfig {
  /** client-node config with the chosen context as current context. */
  readonly kubeConfig: KubeConfig;
  /** Context name, or "in-cluster". */
  readonly contextName: string;
  readonly namespace: string;
  /** API server URL of the chosen cluster, for messages. */
  readonly server: string;
  /** Where the configuration came from, for messages: file list or the service account directory. */
  readonly source: string;
}

type RawEntry = Record<string, unknown> & { name?: unknown };
interface RawKubeconfig {
  clusters: RawEntry[];
  users: RawEntry[];
  contexts: RawEntry[];
  currentContext: string | undefined;
}

export function resolveKubeConfig(options: KubeConfigOptions): ResolvedKubeConfig {
  const files = kubeconfigFiles(options);
  if (files.existing.length > 0) {
    return fromFiles(files.existing, options);
  }
  const inCluster = inClusterConfig(options);
  if (inCluster.kind === 'found') {
    if (options.context !== undefined && options.context !== IN_CLUSTER_CONTEXT) {
      throw new UsageError(`context "${options.context}" not found: there is no kubeconfig (${files.lookedFor}), only the pod's service account`);
    }
    return inCluster.config;
  }
  throw new PreconditionError(`no Kubernetes configuration found: looked for ${files.lookedFor} and an in-cluster service account (${inCluster.why})`, {
    hint: 'set KUBECONFIG, pass --kubeconfig, or run in a pod with a service account',
  });
}

interface FileLookup {
  readonly existing: string[];
  readonly lookedFor: string;
}

function kubeconfigFiles(options: KubeConfigOptions): FileLookup {
  if (options.kubeconfig !== undefined) {
    const file = resolve(options.kubeconfig);
    if (!existsSync(file)) throw new UsageError(`--kubeconfig ${options.kubeconfig}: file not found`);
    return { existing: [file], lookedFor: `--kubeconfig ${options.kubeconfig}` };
  }
  const list = options.env['KUBECONFIG'];
  if (list !== undefined && list !== '') {
    const candidates = [...new Set(list.split(delimiter).filter((f) => f !== '').map((f) => resolve(f)))];
    return { existing: candidates.filter((f) => existsSync(f)), lookedFor: `KUBECONFIG=${list} (no such files)` };
  }
  const home = options.env['HOME'] ?? options.env['USERPROFILE'];
  if (home === undefined || home === '') return { existing: [], lookedFor: '~/.kube/config (HOME is not set)' };
  const file = join(home, '.kube', 'config');
  return { existing: existsSync(file) ? [file] : [], lookedFor: `${file} (not found; KUBECONFIG is not set)` };
}

function fromFiles(files: readonly string[], options: KubeConfigOptions): ResolvedKubeConfig {
  const merged = mergeFirstWins(files.map(readKubeconfigFile));
  const source = files.join(delimiter);
  const parsed = new KubeConfig();
  // JSON is YAML: hand client-node the merged document so it builds its own Cluster/User/Context records.
  parsed.loadFromString(
    JSON.stringify({ clusters: merged.clusters, users: merged.users.map(withTokenFileProvider), contexts: merged.contexts }),
    { onInvalidEntry: 'filter' },
  );
  const contexts = parsed.getContexts();
  const available = contexts.length > 0 ? contexts.map((c) => c.name).join(', ') : 'none';

  const wanted = options.context ?? merged.currentContext;
  if (wanted === undefined) {
    throw new PreconditionError(`no current-context is set in ${source}; available contexts: ${available}`, { hint: 'choose one with --context' });
  }
  const context = contexts.find((c) => c.name === wanted);
  if (!context) {
    if (options.context !== undefined) {
      throw new UsageError(`context "${wanted}" not found in ${source}; available contexts: ${available}`);
    }
    throw new PreconditionError(`current-context "${wanted}" of ${source} is not defined there; available contexts: ${available}`, {
      hint: 'choose one with --context',
    });
  }
  const contextName = context.name;
  const cluster = parsed.getCluster(context.cluster);
  if (!cluster) {
    throw new PreconditionError(`context "${contextName}" refers to cluster "${context.cluster}", which is not defined (or has no server) in ${source}`);
  }
  const users = parsed.getUsers();
  if (context.user !== undefined && !users.some((u) => u.name === context.user)) {
    throw new PreconditionError(`context "${contextName}" refers to user "${context.user}": ${invalidUserReason(merged, context.user)} in ${source}`);
  }
  // client-node refuses plain-HTTP servers unless TLS verification is "skipped"; kubectl allows them (kubectl proxy).
  const clusters = parsed.getClusters().map((c): Cluster => (c.server.startsWith('http://') ? { ...c, skipTLSVerify: true } : c));

  const kubeConfig = new KubeConfig();
  kubeConfig.addAuthenticator(new TokenFileAuthenticator());
  kubeConfig.loadFromOptions({ clusters, users, contexts, currentContext: contextName });
  return {
    kubeConfig,
    contextName,
    namespace: nonEmpty(options.namespace) ?? nonEmpty(context.namespace) ?? 'default',
    server: cluster.server,
    source,
  };
}

function invalidUserReason(merged: RawKubeconfig, name: string): string {
  const raw = merged.users.find((u) => u.name === name);
  if (!raw) return 'not defined';
  try {
    new KubeConfig().loadFromString(JSON.stringify({ users: [raw] }));
  } catch (error) {
    return `invalid (${messageOf(error)})`;
  }
  return 'invalid';
}

function readKubeconfigFile(file: string): RawKubeconfig {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PreconditionError(`cannot read kubeconfig ${file}: ${messageOf(error)}`);
  }
  const root = isRecord(doc) ? doc : {};
  const dir = dirname(file);
  const list = (key: string): RawEntry[] => (Array.isArray(root[key]) ? (root[key] as unknown[]).filter(isRecord) : []);
  const current = root['current-context'];
  return {
    clusters: list('clusters').map((entry) => withPaths(entry, 'cluster', dir, ['certificate-authority'])),
    users: list('users').map((entry) => withUserPaths(entry, dir)),
    contexts: list('contexts'),
    currentContext: typeof current === 'string' && current !== '' ? current : undefined,
  };
}

/** client-go's first-wins merge: a name keeps the whole entry of the first file that defines it. */
function mergeFirstWins(configs: readonly RawKubeconfig[]): RawKubeconfig {
  const merged: RawKubeconfig = { clusters: [], users: [], contexts: [], currentContext: undefined };
  const add = (into: RawEntry[], entries: readonly RawEntry[]): void => {
    for (const entry of entries) {
      if (typeof entry.name !== 'string' || into.some((e) => e.name === entry.name)) continue;
      into.push(entry);
    }
  };
  for (const config of configs) {
    add(merged.clusters, config.clusters);
    add(merged.users, config.users);
    add(merged.contexts, config.contexts);
    merged.currentContext ??= config.currentContext;
  }
  return merged;
}

function withPaths(entry: RawEntry, key: string, dir: string, fields: readonly string[]): RawEntry {
  const inner = entry[key];
  if (!isRecord(inner)) return entry;
  const copy: Record<string, unknown> = { ...inner };
  for (const field of fields) {
    const value = copy[field];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) copy[field] = join(dir, value);
  }
  return { ...entry, [key]: copy };
}

function withUserPaths(entry: RawEntry, dir: string): RawEntry {
  // tokenFile is kubectl's field (client-go AuthInfo); token-file is what client-node reads.
  const resolved = withPaths(entry, 'user', dir, ['client-certificate', 'client-key', 'token-file', 'tokenFile']);
  const user = resolved['user'];
  if (!isRecord(user) || !isRecord(user['exec'])) return resolved;
  const command = user['exec']['command'];
  // Like client-go: a bare command name is looked up on PATH, a relative path is relative to the kubeconfig.
  if (typeof command === 'string' && !isAbsolute(command) && (command.includes('/') || command.includes(sep))) {
    return { ...resolved, user: { ...user, exec: { ...user['exec'], command: join(dir, command) } } };
  }
  return resolved;
}

/** The auth-provider name under which a user's tokenFile reaches TokenFileAuthenticator. */
const TOKEN_FILE_PROVIDER = 'camunda-backup/token-file';

/**
 * kubectl's `tokenFile`, which client-node does not know (it sent no token: 401). As in client-go, the file is read
 * at the first request and again once a minute (projected tokens rotate), its content trimmed (`echo` leaves a
 * newline), and it wins over `token`, which is used only when the file cannot be read. Left alone when the user
 * already authenticates through an exec plugin or an auth-provider.
 */
function withTokenFileProvider(entry: RawEntry): RawEntry {
  const user = entry['user'];
  if (!isRecord(user) || typeof user['tokenFile'] !== 'string' || user['tokenFile'] === '') return entry;
  if (user['exec'] !== undefined || user['auth-provider'] !== undefined) return entry;
  const { token, tokenFile, ...rest } = user;
  const config: Record<string, string> = { path: tokenFile };
  if (typeof token === 'string' && token !== '') config['fallbackToken'] = token;
  return { ...entry, user: { ...rest, 'auth-provider': { name: TOKEN_FILE_PROVIDER, config } } };
}

const TOKEN_FILE_REREAD_MS = 60_000;

/** client-node's Authenticator (its module is not exported from the package index). */
type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];
type AuthOptions = Parameters<Authenticator['applyAuthentication']>[1];

class TokenFileAuthenticator implements Authenticator {
  private readonly cache = new Map<string, { token: string; readAt: number }>();

  isAuthProvider(user: User): boolean {
    return user.authProvider?.name === TOKEN_FILE_PROVIDER;
  }

  async applyAuthentication(user: User, opts: AuthOptions): Promise<void> {
    const config = (user.authProvider?.config ?? {}) as Record<string, string | undefined>;
    const path = config['path'] ?? '';
    const cached = this.cache.get(path);
    let token = cached && Date.now() - cached.readAt < TOKEN_FILE_REREAD_MS ? cached.token : undefined;
    if (token === undefined) {
      try {
        token = readFileSync(path, 'utf8').trim();
        this.cache.set(path, { token, readAt: Date.now() });
      } catch (error) {
        token = config['fallbackToken'];
        if (token === undefined) throw new Error(`cannot read the tokenFile ${path} of user "${user.name}": ${messageOf(error)}`, { cause: error });
      }
    }
    // KubeConfig.applyAuthorizationHeader has set headers to an object before it calls us.
    (opts.headers as Record<string, string>)['Authorization'] = `Bearer ${token}`;
  }
}

type InClusterLookup = { kind: 'found'; config: ResolvedKubeConfig } | { kind: 'absent'; why: string };

/** client-go rest.InClusterConfig plus its namespace rule: POD_NAMESPACE, then the service account's namespace file. */
function inClusterConfig(options: KubeConfigOptions): InClusterLookup {
  const host = nonEmpty(options.env['KUBERNETES_SERVICE_HOST']);
  const port = nonEmpty(options.env['KUBERNETES_SERVICE_PORT']);
  const dir = options.serviceAccountDir ?? DEFAULT_SERVICE_ACCOUNT_DIR;
  const tokenFile = join(dir, 'token');
  if (host === undefined || port === undefined) return { kind: 'absent', why: 'KUBERNETES_SERVICE_HOST/PORT are not set' };
  if (!existsSync(tokenFile)) return { kind: 'absent', why: `${tokenFile} not found` };

  const caFile = join(dir, 'ca.crt');
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const cluster: Cluster = { name: IN_CLUSTER_CONTEXT, server, skipTLSVerify: false, ...(existsSync(caFile) ? { caFile } : {}) };
  // The token file is re-read by client-node's file authenticator, so rotated projected tokens keep working.
  const user: User = { name: IN_CLUSTER_CONTEXT, authProvider: { name: 'tokenFile', config: { tokenFile } } };
  const context: Context = { name: IN_CLUSTER_CONTEXT, cluster: IN_CLUSTER_CONTEXT, user: IN_CLUSTER_CONTEXT };
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: IN_CLUSTER_CONTEXT });
  return {
    kind: 'found',
    config: {
      kubeConfig,
      contextName: IN_CLUSTER_CONTEXT,
      namespace: nonEmpty(options.namespace) ?? nonEmpty(options.env['POD_NAMESPACE']) ?? readNamespaceFile(join(dir, 'namespace')) ?? 'default',
      server,
      source: dir,
    },
  };
}

function readNamespaceFile(file: string): string | undefined {
  try {
    return nonEmpty(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
