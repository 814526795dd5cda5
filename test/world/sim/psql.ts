/**
 * psql inside the Web Modeler PostgreSQL pod: reads SQL on stdin (`psql … < dump.sql`) and applies the part of it a
 * plain pg_dump holds (SET, CREATE TABLE, COPY … FROM stdin, DROP/CREATE SCHEMA, BEGIN/COMMIT), with psql's own
 * semantics: with `--single-transaction` everything is applied or nothing, and psql commits at the end of its input
 * (also of a cut-off one); an explicit BEGIN is committed only by a COMMIT that arrives, an open transaction at the
 * end of the input is rolled back when psql disconnects; with `-v ON_ERROR_STOP=1` the first error stops
 * psql with exit 3 and PostgreSQL's error text on stderr (`psql:<stdin>:14: ERROR:  relation "project" already exists`).
 * The database starts with the tables pg_dump dumps (sim/pg-dump.ts), so a dump without --clean cannot load over it.
 * Like psql, it reads its input as it arrives and stops reading at `\q` (or the first error with ON_ERROR_STOP), so
 * a load also ends on a connection whose stdin cannot be closed (exec v4); each load records the bytes read and
 * their SHA-256.
 */
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
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
  /** The bytes psql read from stdin, and their SHA-256: a load arrived whole when they are the input's. */
  readonly bytes: number;
  readonly sha256: string;
  /** Whether the input told psql to quit (`\\q`) rather than psql reading to the end of stdin. */
  readonly quit: boolean;
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

/**
 * Applies statements line by line as psql reads them (a dump streams in; it is never held whole): `line()` answers
 * false when psql stops reading there, at `\q` or at the first error with ON_ERROR_STOP.
 */
class SqlApplier {
  readonly tables: Map<string, PgTable>;
  error: Applied['error'];
  committedAt: Map<string, PgTable> | undefined;
  openTransaction = false;
  quit = false;
  private lineNumber = 0;
  private copy: { readonly line: number; readonly table: PgTable | undefined; readonly name: string } | undefined;

  private readonly stopOnError: boolean;

  constructor(start: Map<string, PgTable>, stopOnError: boolean) {
    this.tables = copyTables(start);
    this.stopOnError = stopOnError;
  }

  /** false: psql reads no further. */
  line(raw: string): boolean {
    this.lineNumber++;
    if (this.copy) {
      if (raw !== '\\.') {
        this.copy.table?.rows.push(raw);
        return true;
      }
      const { name, table, line } = this.copy;
      this.copy = undefined;
      return table ? true : this.fail(line, `relation "public.${name}" does not exist`);
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('--')) return true;
    let match: RegExpMatchArray | null;
    if (line === '\\q') {
      this.quit = true;
      return false;
    } else if (line.startsWith('\\')) {
      // Other meta-commands a dump may hold (\restrict, \unrestrict, \connect): nothing to simulate.
      return true;
    } else if (/^BEGIN;$/i.test(line)) {
      this.openTransaction = true;
    } else if (/^COMMIT;$/i.test(line)) {
      this.openTransaction = false;
      this.committedAt = copyTables(this.tables);
    } else if (/^DROP SCHEMA (?:IF EXISTS )?public CASCADE;$/i.test(line)) {
      this.tables.clear();
    } else if (/^CREATE SCHEMA public;$/i.test(line)) {
      return true;
    } else if ((match = /^CREATE TABLE (\S+) (\(.*\));$/i.exec(line))) {
      const name = tableName(match[1] ?? '');
      if (this.tables.has(name)) return this.fail(this.lineNumber, `relation "${name}" already exists`);
      this.tables.set(name, { definition: match[2] ?? '', rows: [] });
    } else if ((match = /^COPY (\S+) \(.*\) FROM stdin;$/i.exec(line))) {
      const name = tableName(match[1] ?? '');
      this.copy = { line: this.lineNumber, table: this.tables.get(name), name };
    } else if (/^(SET|SELECT|ALTER|COMMENT|CREATE (UNIQUE )?INDEX|CREATE SEQUENCE|CREATE EXTENSION)\b/i.test(line)) {
      return true;
    } else {
      return this.fail(this.lineNumber, `syntax error at or near "${line.split(/\s+/)[0] ?? line}"`);
    }
    return true;
  }

  private fail(line: number, message: string): boolean {
    this.error ??= { line, message };
    return !this.stopOnError;
  }
}

/** Applies the statements to a copy of the tables; stops at the first error when stopOnError. */
function applySql(start: Map<string, PgTable>, sql: string, stopOnError: boolean): Applied {
  const applier = new SqlApplier(start, stopOnError);
  for (const line of sql.split('\n')) if (!applier.line(line)) break;
  return applier;
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
    const user = optionValue(argv, '-U', '--username') ?? 'postgres';
    const database = optionValue(argv, '-d', '--dbname') ?? user;
    const socket = 'connection to server on socket "/tmp/.s.PGSQL.5432" failed';
    const single = argv.includes('--single-transaction') || argv.includes('-1');
    let bytes = 0;
    const digest = createHash('sha256');
    let quit = false;
    const record = (exitCode: number, committed: boolean, transaction: PsqlLoad['transaction'] = 'none'): void => {
      state.loads.push({ pod: db.pod, database, argv, bytes, sha256: digest.digest('hex'), quit, exitCode, committed, transaction });
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
    const applied = new SqlApplier(current, stopOnError);
    // Read as psql does, line by line as the input arrives, and stop reading where psql stops.
    const decoder = new StringDecoder('utf8');
    let partial = '';
    let reading = true;
    for await (const chunk of ctx.stdin?.() ?? []) {
      bytes += chunk.length;
      digest.update(chunk);
      const lines = (partial + decoder.write(chunk)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (!(reading = applied.line(line))) break;
      if (!reading) break;
    }
    if (reading && partial !== '') applied.line(partial);
    quit = applied.quit;
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
