// Types of manifest.mjs for the TypeScript tests.
import type { Target } from './targets.mjs';

export declare const DEFAULT_HOMEPAGE: string;
export declare function archiveBaseUrl(args: { version: string; homepage: string; env?: NodeJS.ProcessEnv }): string;
export declare function renderManifest(args: { templatePath: string; version: string; built: { target: Target; sha256: string }[]; env?: NodeJS.ProcessEnv }): string;
