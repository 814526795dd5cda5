/**
 * psql inside the Web Modeler PostgreSQL pod: reads SQL on stdin (`psql … < dump.sql`) and applies the part of it a
 * plain pg_dump holds (SET, CREATE TABLE, COPY … FROM stdin, DROP/CREATE SCHEMA, BEGIN/COMMIT), with psql's own
 * semantics: with `--single-transaction` everything is applied or nothing, and psql commits at the end of its input
 * (also of a cut-off one); an explicit BEGIN is committed only by a COMMIT that arrives, an open transaction at the
 * end of the input is rolled back when psql disconnects; with `-v ON_ERROR_STOP=1` the first error stops
 * psql with exit 3 and PostgreSQL's error text on stderr (`psql:<stdin>:14: ERROR:  relation "project" already exists`).
 * The database starts with the tables pg_dump dumps (sim/pg-dump.ts), so a dump without --clean cannot load over it.
 */
import type { ExecContext, ExecHandler } from '../kube/fake-apiserver.js';
import type { PgDatabase } from './pg-dump.js';

/** A table: its column list as written in CREATE TABLE, and its rows (COPY lines). */
export interface PgTable {
  readonly definition: string;
  readonly rows: string[];
}

export interface PsqlLoad {
  readonly pod: string;
  readonly database: string;
  readonly argv: readonly string[];
  readonly bytes: number;
  readonly exitCode: number;
  readonly committed: boolean;
  /** How the load was made atomic: psql's --single-transaction, an explicit BEGIN … COMMIT in the input, or not at all. */
  readonly transaction: 'single' | 'explicit' | 'none';
}

export interface PgState {
  /** The tables of each database pod's database (by pod name), as committed. */
  readonly tables: Map<string, Map<string, PgTable>>;
  /** Every psql run, in order. */
  readonly loads: PsqlLoad[];
}

/** The tables a plain pg_dump text creates and fills, parsed the way psql applies it (for comparing with a load). */
export function tablesOfDump(sql: string): Map<string, PgTable> {
  const result = applySql(new Map(), sql, true);
  return result.tables;
}

interface Applied {
  readonly tables: Map<string, PgTable>;
  readonly error?: { readonly line: number; readonly message: string } | undefined;
  /** The tables as of the last explicit COMMIT (undefined: none arrived), and whether a BEGIN is still open at the end. */
  readonly committedAt?: Map<string, PgTable> | undefined;
  readonly openTransaction: boolean;
}

const copyTables = (tables: Map<string, PgTable>): Map<string, PgTable> => new Map([...tables].map(([name, t]) => [name, { definition: t.definition, rows: [...t.rows] }]));

const tableName = (word: string): string => word.replace(/^public\./, '').replace(/"/g, '');

/** Applies the statements to a copy of the tables; stops at the first error when stopOnError. */
function applySql(start: Map<string, PgTable>, sql: string, stopOnError: boolean): Applied {
  const tables = copyTables(start);
  const lines = sql.split('\n');
  let firstError: Applied['error'];
  let committedAt: Map<string, PgTable> | undefined;
  let openTransaction = false;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    const fail = (message: string): boolean => {
      firstError ??= { line: i + 1, message };
      return stopOnError;
    };
    if (line === '' || line.startsWith('--')) continue;
    let match: RegExpMatchArray | null;
    if (/^BEGIN;$/i.test(line)) {
      openTransaction = true;
    } else if (/^COMMIT;$/i.test(line)) {
      openTransaction = false;
      committedAt = copyTables(tables);
    } else if (/^DROP SCHEMA (?:IF EXISTS )?public CASCADE;$/i.test(line)) {
      tables.clear();
    } else if (/^CREATE SCHEMA public;$/i.test(line)) {
      continue;
    } else if ((match = /^CREATE TABLE (\S+) (\(.*\));$/i.exec(line))) {
      const name = tableName(match[1] ?? '');
      if (tables.has(name)) {
        if (fail(`relation "${name}" already exists`)) break;
        continue;
      }
      tables.set(name, { definition: match[2] ?? '', rows: [] });
    } else if ((match = /^COPY (\S+) \(.*\) FROM stdin;$/i.exec(line))) {
      const name = tableName(match[1] ?? '');
      const rows: string[] = [];
      while (i + 1 < lines.length && lines[i + 1] !== '\\.') rows.push(lines[++i] ?? '');
      i++;
      const table = tables.get(name);
      if (!table) {
        if (fail(`relation "public.${name}" does not exist`)) break;
        continue;
      }
      table.rows.push(...rows);
    } else if (/^(SET|SELECT|ALTER|COMMENT|CREATE (UNIQUE )?INDEX|CREATE SEQUENCE|CREATE EXTENSION)\b/i.test(line)) {
      continue;
    } else {
      const word = line.split(/\s+/)[0] ?? line;
      if (fail(`syntax error at or near "${word}"`)) break;
    }
  }
  return { tables, error: firstError, committedAt, openTransaction };
}

/** argv of the psql call, also when wrapped as `sh -c "PGPASSWORD=… psql …"`. */
function psqlArgv(argv: readonly string[]): string[] | undefined {
  const first = (argv[0] ?? '').split('/').pop() ?? '';
  if (first === 'psql') return [...argv];
  if ((first === 'sh' || first === 'bash') && argv[1] === '-c' && argv[2]) {
    const words = argv[2].match(/'[^']*'|"[^"]*"|\S+/g)?.map((w) => w.replace(/^['"]|['"]$/g, '')) ?? [];
    const start = words.findIndex((w) => /(^|\/)psql$/.test(w));
    return start >= 0 ? words.slice(start) : undefined;
  }
  return undefined;
}

function optionValue(argv: readonly string[], short: string, long: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === short || arg === long) return argv[i + 1];
    if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
  }
  return undefined;
}

/** psql for the Web Modeler database pods; each starts with the tables a dump of `rows` rows holds. */
export function createPsqlExecHandler(databases: readonly PgDatabase[], state: PgState, initial: (database: string) => Map<string, PgTable>): ExecHandler {
  for (const db of databases) if (!state.tables.has(db.pod)) state.tables.set(db.pod, initial(db.database));
  return async (ctx: ExecContext) => {
    const db = databases.find((d) => d.namespace === ctx.namespace && d.pod === ctx.pod);
    const argv = psqlArgv(ctx.argv);
    if (!db || !argv || !ctx.network.hasBinary(ctx.namespace, ctx.pod, ctx.container, 'psql')) return undefined;
    const input = ctx.stdin ? await ctx.stdin() : Buffer.alloc(0);
    const user = optionValue(argv, '-U', '--username') ?? 'postgres';
    const database = optionValue(argv, '-d', '--dbname') ?? user;
    const socket = 'connection to server on socket "/tmp/.s.PGSQL.5432" failed';
    const single = argv.includes('--single-transaction') || argv.includes('-1');
    const record = (exitCode: number, committed: boolean, transaction: PsqlLoad['transaction'] = 'none'): void => {
      state.loads.push({ pod: db.pod, database, argv, bytes: input.length, exitCode, committed, transaction });
    };
    if (user !== db.user && user !== 'postgres') {
      record(2, false);
      return { stdout: Buffer.alloc(0), stderr: `psql: error: ${socket}: FATAL:  role "${user}" does not exist\n`, exitCode: 2 };
    }
    if (database !== db.database) {
      record(2, false);
      return { stdout: Buffer.alloc(0), stderr: `psql: error: ${socket}: FATAL:  database "${database}" does not exist\n`, exitCode: 2 };
    }
    const stopOnError = argv.some((a, i) => (a === '-v' || a === '--set') && /^ON_ERROR_STOP=(1|on|true)$/i.test(argv[i + 1] ?? '')) || argv.includes('-vON_ERROR_STOP=1');
    const current = state.tables.get(db.pod) ?? new Map<string, PgTable>();
    const applied = applySql(current, input.toString('utf8'), stopOnError);
    const error = applied.error;
    const stderr = error ? `psql:<stdin>:${error.line}: ERROR:  ${error.message}\n` : '';
    // --single-transaction: an error aborts it (nothing kept), else psql's COMMIT at the end of input keeps it all.
    // An explicit BEGIN: only what a COMMIT that arrived covers is kept; an open one is rolled back at disconnect.
    const explicit = applied.openTransaction || applied.committedAt !== undefined;
    let result: Map<string, PgTable> | undefined;
    if (single) result = error ? undefined : applied.tables;
    else if (explicit && (applied.openTransaction || error)) result = applied.committedAt;
    else result = applied.tables;
    const committed = result !== undefined;
    if (result) state.tables.set(db.pod, result);
    const exitCode = error && stopOnError ? 3 : 0;
    record(exitCode, committed, single ? 'single' : explicit ? 'explicit' : 'none');
    return { stdout: Buffer.from(committed && !error ? 'COMMIT\n' : ''), stderr, exitCode };
  };
}
