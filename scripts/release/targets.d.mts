// Types of the parts of targets.mjs the TypeScript tests use.
export interface Target {
  os: string;
  arch: string;
  npmPackage: string;
  nodePath: string;
  format: 'elf' | 'macho' | 'pe';
  strip: string | null;
  archive: 'tar.gz' | 'zip';
  codeCache: boolean;
  sign: 'ad-hoc' | null;
}
export declare const NODE_VERSION: string;
export declare const PINNED: Record<string, Record<string, { integrity: string; sha256: string }>>;
export declare const TARGETS: Target[];
export declare const OMITTED: { os: string; arch: string; reason: string }[];
export declare function targetId(t: Target): string;
export declare function binFileName(t: Target): string;
export declare function archiveFileName(t: Target): string;
