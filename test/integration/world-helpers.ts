/** Direct HTTP to simulators, for the world-*.test.ts files. */
import type { World } from '../world/index.js';

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  contentType: string | null;
}

export async function call(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, contentType: response.headers.get('content-type') };
}

export function podOf(world: World, role: World['sims']['pods'][number]['role'], index = 0): string {
  const pods = world.sims.pods.filter((p) => p.role === role).sort((a, b) => a.name.localeCompare(b.name));
  const pod = pods[index];
  if (!pod) throw new Error(`no ${role} pod #${index}`);
  return pod.name;
}

export async function pollUntil(read: () => Promise<Answer>, done: (answer: Answer) => boolean, timeoutMs = 5000): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await read();
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`still ${answer.status} ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
