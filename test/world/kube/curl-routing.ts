/**
 * Inside a pod, curl would reach services through cluster DNS. Here the real /usr/bin/curl runs on the host, so every
 * host:port it may contact is pinned with --connect-to to the 127.0.0.1 port that plays that endpoint. A final
 * catch-all entry sends anything else (unknown names, redirects) to a closed port: connection refused, like a dead
 * endpoint, and never the host's real network.
 */

/** Nothing listens on port 1 of the loopback interface in these sandboxes; connecting yields ECONNREFUSED. */
export const CLOSED_PORT = 1;

export interface HostPort {
  host: string;
  port: number;
}

const SCHEME_URL = /^([a-z][a-z0-9+.-]*):\/\//i;
const BARE_HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(:\d{1,5})?(\/[^\s]*)?$/i;
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/** Every host:port any argument could address (over-inclusion is harmless: an unused --connect-to does nothing). */
export function urlTargets(args: readonly string[]): HostPort[] {
  const found = new Map<string, HostPort>();
  for (const arg of args) {
    const target = targetOf(arg);
    if (target) found.set(`${target.host}:${target.port}`, target);
  }
  return [...found.values()];
}

function targetOf(arg: string): HostPort | undefined {
  const scheme = SCHEME_URL.exec(arg)?.[1]?.toLowerCase();
  let text: string;
  if (scheme) {
    if (!(scheme in DEFAULT_PORTS)) return undefined;
    text = arg;
  } else {
    if (arg.startsWith('-') || !BARE_HOST.test(arg)) return undefined;
    text = `http://${arg}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const protocol = url.protocol.replace(/:$/, '');
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[protocol];
  if (!port || !url.hostname) return undefined;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

function connectToHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `--connect-to` flags (placed before the user's arguments) routing each target via `resolve`. */
export function connectToArgs(args: readonly string[], resolve: (host: string, port: number) => number | undefined): string[] {
  const flags: string[] = [];
  for (const { host, port } of urlTargets(args)) {
    const local = resolve(host, port) ?? CLOSED_PORT;
    flags.push('--connect-to', `${connectToHost(host)}:${port}:127.0.0.1:${local}`);
  }
  flags.push('--connect-to', `::127.0.0.1:${CLOSED_PORT}`);
  return flags;
}

const WGET_BARE_URL = /^[a-z0-9_.-]+:\d{1,5}(\/\S*)?$/i;

/**
 * wget has no --connect-to, so its URL arguments are rewritten to the 127.0.0.1 port that plays the endpoint, with
 * the original Host header kept. Only unmistakable URLs are touched (scheme://…, or host:port[/path]), because
 * rewriting an option value would change the command. Proxies are bypassed by the clean environment the
 * command runs in; wget's own config files are skipped with --no-config.
 */
export function wgetArgs(args: readonly string[], resolve: (host: string, port: number) => number | undefined): string[] {
  const explicitHost = args.some((arg) => /^(--header=)?host\s*:/i.test(arg));
  const hostHeaders: string[] = [];
  const rewritten = args.map((arg) => {
    const isUrl = (SCHEME_URL.test(arg) && /^https?:\/\//i.test(arg)) || (!SCHEME_URL.test(arg) && WGET_BARE_URL.test(arg));
    if (!isUrl) return arg;
    const target = targetOf(arg);
    if (!target) return arg;
    const url = new URL(SCHEME_URL.test(arg) ? arg : `http://${arg}`);
    const defaultPort = DEFAULT_PORTS[url.protocol.replace(/:$/, '')];
    hostHeaders.push(target.port === defaultPort ? url.host : `${url.hostname}:${target.port}`);
    const local = resolve(target.host, target.port) ?? CLOSED_PORT;
    url.hostname = '127.0.0.1';
    url.port = String(local);
    return url.toString();
  });
  const host = hostHeaders[0];
  return ['--no-config', ...(host !== undefined && !explicitHost && hostHeaders.every((h) => h === host) ? [`--header=Host: ${host}`] : []), ...rewritten];
}
