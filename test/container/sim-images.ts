/** The simulator images, built (or found up to date) by scripts/container-images.mjs. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../world/cluster-from-manifests.js';
import type { SimImages } from './container-world.js';

export interface BuiltImages extends SimImages {
  /** false when both tags already existed (content hash unchanged). */
  readonly built: boolean;
  readonly ms: number;
}

export function ensureSimImages(): Promise<BuiltImages> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(repoRoot(), 'scripts', 'container-images.mjs'), '--json'], { encoding: 'utf8', timeout: 600_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`building the simulator images failed: ${stderr || error.message}`));
      try {
        resolve(JSON.parse(stdout) as BuiltImages);
      } catch {
        reject(new Error(`scripts/container-images.mjs printed no JSON: ${stdout}${stderr}`));
      }
    });
  });
}
