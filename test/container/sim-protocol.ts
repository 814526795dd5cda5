/**
 * What the simulator containers (sim-entry.ts) and the host side (container-world.ts) agree on: the environment
 * each role reads, the world container's ports, and the JSON its control API answers.
 */
import type { ClusterObjects, SimRequest } from '../world/index.js';

/** Port of the world container's control API. */
export const CONTROL_PORT = 7000;
/** First port the world container publishes simulated pod ports on. */
export const FIRST_PUBLISHED_PORT = 20_000;

export interface ForwardRule {
  /** Port the pod listens on (a container port, or a Service port that targets one). */
  listen: number;
  host: string;
  port: number;
}

export interface PublishedPod {
  namespace: string;
  name: string;
  role: string;
  /** Pod IP in the world's objects (replaced by the container's address on the host side). */
  ip: string | undefined;
  /** Container port → port published by the world container. */
  ports: Record<string, number>;
}

export interface PublishedExternal {
  host: string;
  port: number;
  published: number;
}

export interface Topology {
  namespace: string;
  release: string;
  chartVersion: string;
  minor: string;
  objects: ClusterObjects;
  pods: PublishedPod[];
  external: PublishedExternal[];
}

export interface ZeebeState {
  /** Exporter phase per partition; null when the world has no Zeebe. */
  exporting: Record<string, string> | null;
  paused: boolean;
  backups: number[];
}

export interface LogPage {
  entries: SimRequest[];
  /** Offset to ask for next time. */
  next: number;
}
