/**
 * Exec access mode: every HTTP call runs curl inside a pod through the exec API (no port-forward, no kubectl).
 * Camunda images often lack curl (helm-layout.md §7), so per pod the connector falls back to wget, then to
 * another pod that has curl (the Elasticsearch pod, say) reaching the target pod by its IP, and remembers
 * what worked. When nothing works it fails before anything changed, saying how to pick --exec-pod.
 *
 * Credentials (the Elasticsearch/OpenSearch Authorization header, user:password@ of an external URL) never go into
 * the exec command line, which the API server's audit log records: curl reads them with `--config -` from stdin,
 * which exec protocol v5 can close after them (Kubernetes 1.30+). An API server that only speaks v4 cannot close
 * stdin; it is asked once, said once, and from then on a shell in the pod hands the lines to curl
 * (curlReadingOpenStdin). wget takes headers only as arguments, so it never carries credentials.
 */
import type { Reporter } from '../events.js';
import { PreconditionError } from '../errors.js';
import type { ExecResult, KubeClient, Pod } from '../kube/kube-client.js';
import { ExecCommandNotFoundError, ExecConnectionLostError, ExecStdinCloseUnsupportedError, ExecTimeoutError } from '../kube/kube-errors.js';
import type { ComponentHttp, Connector, HttpRequest, HttpResponse, HttpTarget, PodTarget } from './component-http.js';
import { buildCurlCommand, buildWgetArgv, curlReadingOpenStdin, parseCurlOutput, parseWgetOutput, wgetCannot, type CurlCommand } from './curl-argv.js';
import { HttpReachError } from './http-reach-error.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The exec WebSocket outlives curl's own --max-time by this much, so curl's timeout message wins. */
const EXEC_MARGIN_MS = 10_000;
/** Pods that ship curl (Bitnami Elasticsearch, OpenSearch), tried as relays when the target pod has none. */
const RELAY_APP_NAMES = ['elasticsearch', 'opensearch'];

export interface ExecConnectorOptions {
  /**
   * Receives an 'info' event the first time a pod's calls fall back to wget or to another pod. The 'http' event
   * of each call is emitted by the caller (src/camunda's send), which also sees calls that got no answer.
   */
  readonly emit?: Reporter | undefined;
  /** Per-request deadline when the request sets none. */
  readonly defaultTimeoutMs?: number | undefined;
  /**
   * --exec-pod/--exec-container: a pod of the user's with curl that runs every call to a component pod (reaching it
   * by IP), instead of the component's own pod. Without a container, the pod's first one.
   */
  readonly execPod?: { readonly pod: string; readonly container?: string | undefined } | undefined;
}

type Tool = 'curl' | 'wget';

interface PodTools {
  curl?: boolean;
  wget?: boolean;
  /** A shell, needed to hand curl credentials when stdin cannot be closed (exec protocol v4). */
  sh?: boolean;
  /** Another pod that reached this one when this one had no tool for the call. */
  relay?: PodTarget;
}

/** Where one target's calls run and what URL they use there. */
interface ExecRoute {
  readonly runner: PodTarget;
  readonly baseUrl: string;
  /** The pod being called, when the target is a pod (a relay reaches it by IP). */
  readonly targetPod?: PodTarget | undefined;
  readonly noProxy: boolean;
  readonly description: string;
}

interface Delivered {
  readonly response: HttpResponse;
  /** "exec pod/camunda-elasticsearch-master-0 (curl → pod/camunda-zeebe-gateway-0)" */
  readonly via: string;
  readonly tool: Tool;
  readonly runner: PodTarget;
}

/** Connector for --access exec; also used by port-forward mode for URLs outside the cluster. */
export function createExecCurlConnector(kube: KubeClient, options: ExecConnectorOptions = {}): Connector {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const toolsByPod = new Map<string, PodTools>();
  const podsWithCurl = new Map<string, PodTarget>();
  const podListings = new Map<string, Promise<Pod[]>>();
  const noticed = new Set<string>();
  /** Whether the API server can close a command's stdin (exec protocol v5); undefined until a call with secrets asked. */
  let stdinCloses: boolean | undefined;
  let saidStdinStaysOpen = false;
  let stdinProbe: Promise<unknown> | undefined;

  /** Says once per pod and route how its calls travel when it is not curl in the pod itself. */
  const notice = (route: ExecRoute, via: string): void => {
    const key = `${podKey(route.runner)} ${via}`;
    if (noticed.has(key) || !options.emit) return;
    noticed.add(key);
    options.emit({ kind: 'info', message: `pod/${route.runner.pod} (container ${route.runner.container}) has no curl; calling it through ${via}` });
  };

  const toolsOf = (pod: PodTarget): PodTools => {
    const key = podKey(pod);
    let tools = toolsByPod.get(key);
    if (!tools) toolsByPod.set(key, (tools = {}));
    return tools;
  };

  const listPods = (namespace: string): Promise<Pod[]> => {
    let listing = podListings.get(namespace);
    if (!listing) {
      listing = kube.listPods(namespace, '');
      podListings.set(namespace, listing);
      listing.catch(() => podListings.delete(namespace));
    }
    return listing;
  };

  async function exec(runner: PodTarget, command: string[], timeoutMs: number, signal: AbortSignal | undefined, stdin?: { data: Buffer; close: boolean }): Promise<ExecResult> {
    try {
      return await kube.execInPod({ namespace: runner.namespace, pod: runner.pod, container: runner.container, command, timeoutMs: timeoutMs + EXEC_MARGIN_MS, signal, ...(stdin ? { stdin } : {}) });
    } catch (error) {
      // Stopped by the caller: no fallback to wget or another pod.
      if (signal?.aborted) throw signal.reason;
      const where = `exec pod/${runner.pod} (${command[0]})`;
      if (error instanceof ExecTimeoutError) throw new HttpReachError('timeout', `${where}: timed out: ${error.message}`, { cause: error });
      if (error instanceof ExecConnectionLostError) throw new HttpReachError('connection-lost', `${where}: connection lost: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /**
   * curl with its secrets on stdin: closed after them where the API server can (v5), else through a shell that
   * closes curl's stdin itself. The first refusal of v5 is said once; nothing ran then, so the call is repeated.
   */
  async function execCurl(runner: PodTarget, command: CurlCommand, timeoutMs: number, signal: AbortSignal | undefined): Promise<ExecResult> {
    if (command.secretConfig === undefined) return exec(runner, command.argv, timeoutMs, signal);
    // Parallel calls wait for the first one's answer instead of each asking the API server.
    if (stdinCloses === undefined && stdinProbe) await stdinProbe.catch(() => undefined);
    if (stdinCloses !== false) {
      try {
        const attempt = exec(runner, command.argv, timeoutMs, signal, { data: Buffer.from(command.secretConfig, 'utf8'), close: true });
        if (stdinCloses === undefined) stdinProbe = attempt;
        const result = await attempt;
        stdinCloses = true;
        return result;
      } catch (error) {
        if (!(error instanceof ExecStdinCloseUnsupportedError)) throw error;
        // Concurrent calls may all have asked; say it once.
        if (!saidStdinStaysOpen) options.emit?.({
          kind: 'info',
          message:
            'The API server speaks exec protocol v4 only (Kubernetes 1.29 or older), which cannot close stdin: the search engine credentials go to curl through a shell in the pod (sh reads them from stdin), still never on a command line',
        });
        stdinCloses = false;
        saidStdinStaysOpen = true;
      }
    }
    const wrapped = curlReadingOpenStdin(command)!;
    const tools = toolsOf(runner);
    let result: ExecResult;
    try {
      result = await exec(runner, wrapped.argv, timeoutMs, signal, { data: wrapped.stdin, close: false });
    } catch (error) {
      if (error instanceof ExecCommandNotFoundError) tools.sh = false;
      throw error;
    }
    tools.sh = true;
    // The shell ran but found no curl: the same as curl missing from the image.
    if (result.exitCode === 127 && /not found/i.test(result.stderr)) throw new ExecCommandNotFoundError(runner, 'curl', result.stderr.trim());
    return result;
  }

  /** Runs the call in `runner` with curl, else wget; undefined when the pod has neither tool for this call. */
  async function sendFrom(runner: PodTarget, url: string, request: HttpRequest, noProxy: boolean, timeoutMs: number, label: string): Promise<Delivered | undefined> {
    const tools = toolsOf(runner);
    const curl = buildCurlCommand(request, { url, timeoutMs, noProxy });
    const attempts: [Tool, string[] | undefined][] = [
      ['curl', curl.argv],
      ['wget', buildWgetArgv(request, { url, timeoutMs, noProxy })],
    ];
    for (const [tool, argv] of attempts) {
      if (tools[tool] === false || argv === undefined) continue;
      // Without a shell, this pod cannot take credentials on a stdin that stays open.
      if (tool === 'curl' && curl.secretConfig !== undefined && stdinCloses === false && tools.sh === false) continue;
      const via = `exec pod/${runner.pod} (${tool}${label})`;
      let result;
      try {
        result = tool === 'curl' ? await execCurl(runner, curl, timeoutMs, request.signal) : await exec(runner, argv, timeoutMs, request.signal);
      } catch (error) {
        if (!(error instanceof ExecCommandNotFoundError)) throw error;
        if (error.command === tool) tools[tool] = false;
        continue;
      }
      tools[tool] = true;
      if (tool === 'curl') podsWithCurl.set(podKey(runner), runner);
      const response = tool === 'curl' ? parseCurlOutput(result, via) : parseWgetOutput(result, via);
      return { response, via, tool, runner };
    }
    return undefined;
  }

  async function relayCandidates(route: ExecRoute): Promise<PodTarget[]> {
    const tools = toolsOf(route.runner);
    const known = [...(tools.relay ? [tools.relay] : []), ...podsWithCurl.values()];
    const listed = (await listPods(route.runner.namespace))
      .filter((pod) => pod.ready && !pod.deleting && RELAY_APP_NAMES.some((name) => (pod.labels['app.kubernetes.io/name'] ?? pod.name).includes(name)))
      .map((pod): PodTarget | undefined => {
        const container = pod.containers.find((c) => RELAY_APP_NAMES.includes(c.name)) ?? pod.containers[0];
        return container ? { namespace: pod.namespace, pod: pod.name, container: container.name, port: 0 } : undefined;
      })
      .filter((pod): pod is PodTarget => pod !== undefined);
    const seen = new Set([podKey(route.runner)]);
    return [...known, ...listed].filter((pod) => {
      const key = podKey(pod);
      if (seen.has(key) || toolsOf(pod).curl === false) return false;
      seen.add(key);
      return true;
    });
  }

  /** The URL another pod uses for this route: the target pod's IP, or the same external URL. */
  async function relayUrl(route: ExecRoute, path: string): Promise<string | undefined> {
    if (!route.targetPod) return `${route.baseUrl}${path}`;
    const target = route.targetPod;
    const ip = (await listPods(target.namespace)).find((pod) => pod.name === target.pod)?.ip;
    if (!ip) return undefined;
    return `http://${ip.includes(':') ? `[${ip}]` : ip}:${target.port}${path}`;
  }

  async function sendByRelay(route: ExecRoute, request: HttpRequest, timeoutMs: number): Promise<Delivered | undefined> {
    const url = await relayUrl(route, request.path);
    if (url === undefined) return undefined;
    const label = route.targetPod ? ` → pod/${route.targetPod.pod}` : '';
    for (const relay of await relayCandidates(route)) {
      let delivered;
      try {
        delivered = await sendFrom(relay, url, request, route.targetPod !== undefined, timeoutMs, label);
      } catch (error) {
        // Refused or unresolvable from that pod (a NetworkPolicy, say): nothing was sent, try the next one.
        if (error instanceof HttpReachError && (error.reason === 'connect' || error.reason === 'dns')) continue;
        throw error;
      }
      if (delivered) {
        toolsOf(route.runner).relay = relay;
        return delivered;
      }
    }
    return undefined;
  }

  let chosenRunner: Promise<PodTarget> | undefined;
  /** The --exec-pod as a runner, its container resolved once from the pod listing. */
  const execPodRunner = (namespace: string, chosen: NonNullable<ExecConnectorOptions['execPod']>): Promise<PodTarget> => {
    chosenRunner ??= (async () => {
      const pod = (await listPods(namespace)).find((p) => p.name === chosen.pod);
      const container = chosen.container ?? pod?.containers[0]?.name;
      if (!pod || !container) throw new PreconditionError(`--exec-pod ${chosen.pod}: no such pod (or container) in namespace ${namespace}`);
      return { namespace, pod: pod.name, container, port: 0 };
    })();
    return chosenRunner;
  };

  /** Runs a call to a component pod from the --exec-pod, by the target pod's IP. */
  async function deliverFromExecPod(route: ExecRoute, request: HttpRequest, chosen: NonNullable<ExecConnectorOptions['execPod']>, timeoutMs: number): Promise<HttpResponse> {
    const target = route.targetPod!;
    const runner = await execPodRunner(target.namespace, chosen);
    const url = await relayUrl(route, request.path);
    if (url === undefined) throw new PreconditionError(`pod/${target.pod} has no IP, so --exec-pod ${runner.pod} cannot reach it`, { hint: 'wait until the pod is running and Ready' });
    const delivered = await sendFrom(runner, url, request, true, timeoutMs, ` → pod/${target.pod}`);
    if (!delivered) {
      throw new PreconditionError(`--exec-pod ${runner.pod} (container ${runner.container}) ${missingTools(toolsOf(runner), request, url)}`, {
        hint: 'choose a pod with curl for --exec-pod (kubectl run curl --image=curlimages/curl --command -- sleep infinity), and --exec-container <name> for a pod with several containers',
      });
    }
    return delivered.response;
  }

  async function deliver(route: ExecRoute, request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
    if (options.execPod && route.targetPod) return deliverFromExecPod(route, request, options.execPod, timeoutMs);
    // Known-missing tools are skipped without an exec, so a pod without curl costs one probe per connector.
    const delivered =
      (await sendFrom(route.runner, `${route.baseUrl}${request.path}`, request, route.noProxy, timeoutMs, '')) ??
      (await sendByRelay(route, request, timeoutMs));
    if (!delivered) throw noToolError(route, request, toolsOf(route.runner), `${route.baseUrl}${request.path}`);
    if (delivered.tool !== 'curl' || delivered.runner !== route.runner) notice(route, delivered.via.replace(/^exec /, ''));
    return delivered.response;
  }

  return async (target: HttpTarget): Promise<ComponentHttp> => {
    const route = routeFor(target);
    return {
      description: route.description,
      request: (request) => deliver(route, request),
      close: async () => {},
    };
  };
}

function routeFor(target: HttpTarget): ExecRoute {
  if (target.kind === 'pod') {
    const pod = target.pod;
    return {
      runner: pod,
      baseUrl: `http://localhost:${pod.port}`,
      targetPod: pod,
      noProxy: true,
      description: `exec pod/${pod.pod}:${pod.port}`,
    };
  }
  if (!target.via) {
    throw new PreconditionError(`${redactUrl(target.url)} is outside the cluster and no pod was chosen to call it from`, {
      hint: 'pass --exec-pod <pod with curl> (and --exec-container <name> if it has several containers)',
    });
  }
  return { runner: target.via, baseUrl: target.url.replace(/\/+$/, ''), noProxy: false, description: `exec pod/${target.via.pod} → ${redactUrl(target.url)}` };
}

/** "has no curl or wget", or what keeps the pod's tools from making this call. */
function missingTools(tools: PodTools, request: HttpRequest, url: string): string {
  if (tools.curl !== false && tools.sh === false) return 'has no shell (sh) to hand curl the credentials on stdin, which this API server cannot close (exec protocol v4)';
  const wgetReason = wgetCannot(request, url);
  return `has no curl${tools.wget === true && wgetReason ? `, and its wget ${wgetReason}` : ' or wget'}`;
}

function noToolError(route: ExecRoute, request: HttpRequest, tools: PodTools, url: string): PreconditionError {
  const { pod, container } = route.runner;
  return new PreconditionError(`pod/${pod} (container ${container}) ${missingTools(tools, request, url)}, and no other pod with curl could reach it`, {
    hint:
      'use --access port-forward, or run a pod with curl in the namespace (kubectl run curl --image=curlimages/curl --command -- sleep infinity) ' +
      'and pass --exec-pod curl (--exec-container <name> for a pod with several containers)',
  });
}

function podKey(pod: PodTarget): string {
  return `${pod.namespace}/${pod.pod}/${pod.container}`;
}

/** user:password@ in an external URL must not reach a description that ends up in logs. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//');
}
