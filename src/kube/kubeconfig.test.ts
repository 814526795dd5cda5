import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PreconditionError, UsageError } from '../errors.js';
import { resolveKubeConfig, type KubeConfigOptions } from './kubeconfig.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Doc {
  clusters?: { name: string; server: string; ca?: string; extra?: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; cluster: string; user?: string; namespace?: string }[];
  current?: string;
}

function write(name: string, doc: Doc): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: (doc.clusters ?? []).map((c) => ({
        name: c.name,
        cluster: { server: c.server, ...(c.ca ? { 'certificate-authority': c.ca } : {}), ...c.extra },
      })),
      users: doc.users ?? [],
      contexts: (doc.contexts ?? []).map((c) => ({
        name: c.name,
        context: { cluster: c.cluster, ...(c.user ? { user: c.user } : {}), ...(c.namespace ? { namespace: c.namespace } : {}) },
      })),
      ...(doc.current ? { 'current-context': doc.current } : {}),
    }),
  );
  return file;
}

const resolveWith = (options: Partial<KubeConfigOptions> & { env?: Record<string, string | undefined> }) =>
  resolveKubeConfig({ env: {}, serviceAccountDir: join(dir, 'no-sa'), ...options });

function expectError<T extends Error>(fn: () => unknown, type: new (...args: never[]) => T): T {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error('expected an error');
}

describe('KUBECONFIG merging (kubectl rules)', () => {
  it('merges named entries first-wins, takes the first current-context, and does not throw on duplicates', () => {
    const a = write('a.yaml', {
      clusters: [{ name: 'shared', server: 'https://first.example:6443' }],
      users: [{ name: 'u', user: { token: 'first-token' } }],
      contexts: [{ name: 'ctx-a', cluster: 'shared', user: 'u', namespace: 'ns-a' }],
      current: 'ctx-a',
    });
    const b = write('b.yaml', {
      clusters: [
        { name: 'shared', server: 'https://second.example:6443' },
        { name: 'only-b', server: 'https://b.example:6443' },
      ],
      users: [{ name: 'u', user: { token: 'second-token' } }],
      contexts: [
        { name: 'ctx-a', cluster: 'only-b', user: 'u' },
        { name: 'ctx-b', cluster: 'only-b', user: 'u' },
      ],
      current: 'ctx-b',
    });
    const resolved = resolveWith({ env: { KUBECONFIG: [a, b].join(delimiter) } });
    expect(resolved.contextName).toBe('ctx-a');
    expect(resolved.server).toBe('https://first.example:6443');
    expect(resolved.namespace).toBe('ns-a');
    expect(resolved.kubeConfig.getCurrentUser()?.token).toBe('first-token');
    expect(resolved.kubeConfig.getContexts().map((c) => c.name)).toEqual(['ctx-a', 'ctx-b']);
    expect(resolved.kubeConfig.getCluster('only-b')?.server).toBe('https://b.example:6443');
  });

  it('takes current-context from a later file when earlier ones do not set it', () => {
    const a = write('a.yaml', { clusters: [{ name: 'c', server: 'https://a:1' }], contexts: [{ name: 'x', cluster: 'c' }] });
    const b = write('b.yaml', { current: 'x' });
    expect(resolveWith({ env: { KUBECONFIG: [a, b].join(delimiter) } }).contextName).toBe('x');
  });

  it('skips missing files in KUBECONFIG', () => {
    const a = write('a.yaml', { clusters: [{ name: 'c', server: 'https://a:1' }], contexts: [{ name: 'x', cluster: 'c' }], current: 'x' });
    const resolved = resolveWith({ env: { KUBECONFIG: [join(dir, 'missing.yaml'), a, ''].join(delimiter) } });
    expect(resolved.contextName).toBe('x');
    expect(resolved.source).toBe(a);
  });

  it('uses ~/.kube/config when KUBECONFIG is unset or empty', () => {
    write('home/.kube/config', { clusters: [{ name: 'c', server: 'https://home:1' }], contexts: [{ name: 'home', cluster: 'c' }], current: 'home' });
    expect(resolveWith({ env: { HOME: join(dir, 'home') } }).contextName).toBe('home');
    expect(resolveWith({ env: { HOME: join(dir, 'home'), KUBECONFIG: '' } }).contextName).toBe('home');
  });

  it('ignores ~/.kube/config when KUBECONFIG names files', () => {
    write('home/.kube/config', { clusters: [{ name: 'c', server: 'https://home:1' }], contexts: [{ name: 'home', cluster: 'c' }], current: 'home' });
    const a = write('a.yaml', { clusters: [{ name: 'c', server: 'https://a:1' }], contexts: [{ name: 'env', cluster: 'c' }], current: 'env' });
    expect(resolveWith({ env: { HOME: join(dir, 'home'), KUBECONFIG: a } }).contextName).toBe('env');
  });

  it('resolves relative certificate paths against the directory of the file that defines them', () => {
    const file = write('sub/dir/config', {
      clusters: [{ name: 'c', server: 'https://a:1', ca: 'pki/ca.crt' }],
      users: [{ name: 'u', user: { 'client-certificate': 'pki/user.crt', 'client-key': '/abs/user.key' } }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      current: 'x',
    });
    const kc = resolveWith({ kubeconfig: file }).kubeConfig;
    expect(kc.getCurrentCluster()?.caFile).toBe(join(dir, 'sub/dir/pki/ca.crt'));
    expect(kc.getCurrentUser()?.certFile).toBe(join(dir, 'sub/dir/pki/user.crt'));
    expect(kc.getCurrentUser()?.keyFile).toBe('/abs/user.key');
  });

  it('reads a relative token-file against the kubeconfig directory and resolves a relative exec command', () => {
    mkdirSync(join(dir, 'cfg'), { recursive: true });
    writeFileSync(join(dir, 'cfg/token'), 'file-token');
    const file = write('cfg/config', {
      clusters: [{ name: 'c', server: 'https://a:1' }],
      users: [
        { name: 'u', user: { 'token-file': 'token' } },
        { name: 'e', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/get-token', args: ['x'] } } },
        { name: 'p', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws' } } },
      ],
      contexts: [
        { name: 'x', cluster: 'c', user: 'u' },
        { name: 'y', cluster: 'c', user: 'e' },
        { name: 'z', cluster: 'c', user: 'p' },
      ],
      current: 'x',
    });
    expect(resolveWith({ kubeconfig: file }).kubeConfig.getCurrentUser()?.token).toBe('file-token');
    const exec = resolveWith({ kubeconfig: file, context: 'y' }).kubeConfig.getCurrentUser()?.exec as { command: string; args: string[] };
    expect(exec.command).toBe(join(dir, 'cfg/bin/get-token'));
    expect(exec.args).toEqual(['x']);
    const onPath = resolveWith({ kubeconfig: file, context: 'z' }).kubeConfig.getCurrentUser()?.exec as { command: string };
    expect(onPath.command).toBe('aws');
  });

  it('lets plain-HTTP servers through, as kubectl does', () => {
    const file = write('a.yaml', { clusters: [{ name: 'c', server: 'http://127.0.0.1:8001' }], contexts: [{ name: 'x', cluster: 'c' }], current: 'x' });
    const kc = resolveWith({ kubeconfig: file }).kubeConfig;
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(true);
  });
});

describe('--kubeconfig and --context', () => {
  it('--kubeconfig uses only that file, ignoring KUBECONFIG', () => {
    const a = write('a.yaml', { clusters: [{ name: 'c', server: 'https://a:1' }], contexts: [{ name: 'from-env', cluster: 'c' }], current: 'from-env' });
    const flag = write('flag.yaml', { clusters: [{ name: 'c', server: 'https://f:1' }], contexts: [{ name: 'from-flag', cluster: 'c' }], current: 'from-flag' });
    const resolved = resolveWith({ kubeconfig: flag, env: { KUBECONFIG: a } });
    expect(resolved.contextName).toBe('from-flag');
    expect(resolved.kubeConfig.getContexts().map((c) => c.name)).toEqual(['from-flag']);
  });

  it('--kubeconfig that does not exist is a usage error', () => {
    const error = expectError(() => resolveWith({ kubeconfig: join(dir, 'nope.yaml') }), UsageError);
    expect(error.message).toContain('nope.yaml');
    expect(error.exitCode).toBe(2);
  });

  it('--context selects another context, and its namespace', () => {
    const file = write('a.yaml', {
      clusters: [{ name: 'c1', server: 'https://one:1' }, { name: 'c2', server: 'https://two:1' }],
      contexts: [
        { name: 'one', cluster: 'c1', namespace: 'n1' },
        { name: 'two', cluster: 'c2', namespace: 'n2' },
      ],
      current: 'one',
    });
    const resolved = resolveWith({ kubeconfig: file, context: 'two' });
    expect(resolved).toMatchObject({ contextName: 'two', server: 'https://two:1', namespace: 'n2' });
    expect(resolved.kubeConfig.getCurrentContext()).toBe('two');
  });

  it('an unknown --context is a usage error naming the available contexts', () => {
    const file = write('a.yaml', {
      clusters: [{ name: 'c', server: 'https://a:1' }],
      contexts: [{ name: 'prod', cluster: 'c' }, { name: 'staging', cluster: 'c' }],
      current: 'prod',
    });
    const error = expectError(() => resolveWith({ kubeconfig: file, context: 'dev' }), UsageError);
    expect(error.message).toContain('"dev"');
    expect(error.message).toContain('prod, staging');
  });

  it('a current-context that is not defined is a precondition error', () => {
    const file = write('a.yaml', { clusters: [{ name: 'c', server: 'https://a:1' }], contexts: [{ name: 'prod', cluster: 'c' }], current: 'gone' });
    const error = expectError(() => resolveWith({ kubeconfig: file }), PreconditionError);
    expect(error.message).toContain('"gone"');
    expect(error.message).toContain('prod');
  });

  it('no current-context and no --context is a precondition error', () => {
    const file = write('a.yaml', { clusters: [{ name: 'c', server: 'https://a:1' }], contexts: [{ name: 'prod', cluster: 'c' }] });
    expect(expectError(() => resolveWith({ kubeconfig: file }), PreconditionError).message).toContain('no current-context');
  });

  it('a context whose cluster or user is missing says which', () => {
    const file = write('a.yaml', {
      clusters: [{ name: 'c', server: 'https://a:1' }],
      contexts: [
        { name: 'no-cluster', cluster: 'missing' },
        { name: 'no-user', cluster: 'c', user: 'ghost' },
      ],
      current: 'no-cluster',
    });
    expect(expectError(() => resolveWith({ kubeconfig: file }), PreconditionError).message).toContain('cluster "missing"');
    expect(expectError(() => resolveWith({ kubeconfig: file, context: 'no-user' }), PreconditionError).message).toContain('user "ghost"');
  });

  it('an unparsable kubeconfig is a precondition error naming the file', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'clusters: [\n  - {name: a\n');
    expect(expectError(() => resolveWith({ kubeconfig: file }), PreconditionError).message).toContain(file);
  });
});

describe('namespace', () => {
  const file = () =>
    write('a.yaml', {
      clusters: [{ name: 'c', server: 'https://a:1' }],
      contexts: [
        { name: 'with-ns', cluster: 'c', namespace: 'camunda' },
        { name: 'without-ns', cluster: 'c' },
      ],
      current: 'with-ns',
    });

  it('-n wins over the context namespace', () => {
    expect(resolveWith({ kubeconfig: file(), namespace: 'other' }).namespace).toBe('other');
  });
  it('the context namespace is used without -n', () => {
    expect(resolveWith({ kubeconfig: file() }).namespace).toBe('camunda');
  });
  it('"default" when the context has none', () => {
    expect(resolveWith({ kubeconfig: file(), context: 'without-ns' }).namespace).toBe('default');
  });
});

describe('in-cluster service account', () => {
  function serviceAccount(files: { token?: string; namespace?: string; ca?: string }): string {
    const sa = join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    if (files.token !== undefined) writeFileSync(join(sa, 'token'), files.token);
    if (files.namespace !== undefined) writeFileSync(join(sa, 'namespace'), files.namespace);
    if (files.ca !== undefined) writeFileSync(join(sa, 'ca.crt'), files.ca);
    return sa;
  }
  const inClusterEnv = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', HOME: '/nonexistent-home' };

  it('is used when there is no kubeconfig, with the service account namespace', () => {
    const sa = serviceAccount({ token: 'sa-token', namespace: 'camunda\n', ca: 'CA' });
    const resolved = resolveWith({ env: inClusterEnv, serviceAccountDir: sa });
    expect(resolved).toMatchObject({ contextName: 'in-cluster', server: 'https://10.0.0.1:443', namespace: 'camunda' });
    expect(resolved.kubeConfig.getCurrentCluster()?.caFile).toBe(join(sa, 'ca.crt'));
    expect(resolved.kubeConfig.getCurrentUser()?.authProvider).toEqual({ name: 'tokenFile', config: { tokenFile: join(sa, 'token') } });
  });

  it('namespace: -n, then POD_NAMESPACE, then the namespace file, then "default"', () => {
    const sa = serviceAccount({ token: 't', namespace: 'from-file' });
    expect(resolveWith({ env: { ...inClusterEnv, POD_NAMESPACE: 'from-env' }, serviceAccountDir: sa, namespace: 'flag' }).namespace).toBe('flag');
    expect(resolveWith({ env: { ...inClusterEnv, POD_NAMESPACE: 'from-env' }, serviceAccountDir: sa }).namespace).toBe('from-env');
    expect(resolveWith({ env: inClusterEnv, serviceAccountDir: sa }).namespace).toBe('from-file');
    const bare = serviceAccount({ token: 't' });
    rmSync(join(bare, 'namespace'), { force: true });
    expect(resolveWith({ env: inClusterEnv, serviceAccountDir: bare }).namespace).toBe('default');
  });

  it('brackets an IPv6 service host', () => {
    const sa = serviceAccount({ token: 't' });
    expect(resolveWith({ env: { ...inClusterEnv, KUBERNETES_SERVICE_HOST: 'fd00::1' }, serviceAccountDir: sa }).server).toBe('https://[fd00::1]:443');
  });

  it('is not used when a kubeconfig exists', () => {
    const sa = serviceAccount({ token: 't' });
    const a = write('a.yaml', { clusters: [{ name: 'c', server: 'https://a:1' }], contexts: [{ name: 'x', cluster: 'c' }], current: 'x' });
    expect(resolveWith({ env: { ...inClusterEnv, KUBECONFIG: a }, serviceAccountDir: sa }).contextName).toBe('x');
  });

  it('is used when every KUBECONFIG file is missing', () => {
    const sa = serviceAccount({ token: 't' });
    expect(resolveWith({ env: { ...inClusterEnv, KUBECONFIG: join(dir, 'missing') }, serviceAccountDir: sa }).contextName).toBe('in-cluster');
  });

  it('an unknown --context is a usage error in a pod too', () => {
    const sa = serviceAccount({ token: 't' });
    expectError(() => resolveWith({ env: inClusterEnv, serviceAccountDir: sa, context: 'prod' }), UsageError);
  });
});

describe('nothing found', () => {
  it('is a precondition error saying what was looked for', () => {
    const error = expectError(() => resolveWith({ env: { HOME: join(dir, 'home') } }), PreconditionError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(join(dir, 'home', '.kube', 'config'));
    expect(error.message).toContain('KUBERNETES_SERVICE_HOST');
  });

  it('names the KUBECONFIG list and the missing token file', () => {
    const error = expectError(
      () => resolveWith({ env: { KUBECONFIG: join(dir, 'x.yaml'), KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443' } }),
      PreconditionError,
    );
    expect(error.message).toContain(`KUBECONFIG=${join(dir, 'x.yaml')}`);
    expect(error.message).toContain(join(dir, 'no-sa', 'token'));
  });
});

describe("kubectl's tokenFile", () => {
  const headerFor = async (user: Record<string, unknown>): Promise<unknown> => {
    const file = write('sub/config', {
      clusters: [{ name: 'c', server: 'https://k.example:6443' }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      current: 'x',
    });
    const { kubeConfig } = resolveWith({ kubeconfig: file });
    const options: { headers?: Record<string, string> } = {};
    await kubeConfig.applyToHTTPSOptions(options);
    return options.headers?.['Authorization'];
  };

  it('reads the file relative to its kubeconfig, trimmed, as the bearer token', async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'token'), 'from-file\n');
    expect(await headerFor({ tokenFile: 'token' })).toBe('Bearer from-file');
  });

  it('wins over token, which is used only when the file cannot be read (client-go)', async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'token'), 'from-file');
    expect(await headerFor({ tokenFile: 'token', token: 'inline' })).toBe('Bearer from-file');
    expect(await headerFor({ tokenFile: 'missing', token: 'inline' })).toBe('Bearer inline');
  });

  it('an unreadable file without a token fails naming the file', async () => {
    await expect(headerFor({ tokenFile: 'missing' })).rejects.toThrow(/cannot read the tokenFile .*missing of user "u"/);
  });
});
