// Types of the parts of node-binaries.mjs the TypeScript tests use.
export declare function checkPin(what: string, pin: { integrity: string; sha256: string }, got: { integrity: string; sha256: string }): void;
