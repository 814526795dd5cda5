/**
 * pg_dump / pg_dumpall inside the Web Modeler PostgreSQL pod: a deterministic SQL dump streamed on stdout, with
 * PostgreSQL's own error text for an unknown database or role. Enough to test streaming a dump to a local file.
 */
import { Readable } from 'node:stream';
import type { ExecContext, ExecHandler } from '../kube/fake-apiserver.js';

export interface PgDatabase {
  readonly namespace: string;
  readonly pod: string;
  readonly database: string;
  readonly user: string;
}

export interface PgDumpConfig {
  /** Rows in the simulated `file` table; 2000 rows ≈ 250 KB of SQL. */
  rows: number;
  /** Fail every dump with this stderr and exit code 1 (e.g. disk full, lost connection). */
  failWith?: string | undefined;
}

/** The full dump text; the same for the same database and row count. */
export function pgDumpText(database: string, rows: number): string {
  const lines = [
    '--',
    '-- PostgreSQL database dump',
    '--',
    '',
    '-- Dumped from database version 14.18',
    '-- Dumped by pg_dump version 14.18',
    '',
    "SET statement_timeout = 0;",
    "SET client_encoding = 'UTF8';",
    'SET standard_conforming_strings = on;',
    '',
    `-- Name: ${database}; Type: DATABASE`,
    '',
    'CREATE TABLE public.project (id uuid NOT NULL, name character varying(255) NOT NULL, created timestamp without time zone);',
    'CREATE TABLE public.file (id uuid NOT NULL, project_id uuid, name character varying(255), content text);',
    '',
    'COPY public.project (id, name, created) FROM stdin;',
    '00000000-0000-4000-8000-000000000001\tInvoice approval\t2026-01-01 00:00:00',
    '\\.',
    '',
    'COPY public.file (id, project_id, name, content) FROM stdin;',
  ];
  for (let i = 0; i < rows; i++) {
    const id = `00000000-0000-4000-8000-${String(i + 2).padStart(12, '0')}`;
    lines.push(`${id}\t00000000-0000-4000-8000-000000000001\tprocess-${i}.bpmn\t<bpmn:definitions id="d${i}"><bpmn:process id="p${i}" isExecutable="true"/></bpmn:definitions>`);
  }
  lines.push('\\.', '', '--', '-- PostgreSQL database dump complete', '--', '');
  return lines.join('\n');
}

function optionValue(argv: readonly string[], short: string, long: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === short || arg === long) return argv[i + 1];
    if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
    if (arg.startsWith(short) && arg.length > short.length && short.length === 2) return arg.slice(2);
  }
  return undefined;
}

/** argv of the pg_dump[all] call, also when wrapped as `sh -c "PGPASSWORD=… pg_dump …"`. */
function dumpArgv(argv: readonly string[]): string[] | undefined {
  const first = (argv[0] ?? '').split('/').pop() ?? '';
  if (first === 'pg_dump' || first === 'pg_dumpall') return [...argv];
  if ((first === 'sh' || first === 'bash') && argv[1] === '-c' && argv[2]) {
    const words = argv[2].match(/'[^']*'|"[^"]*"|\S+/g)?.map((w) => w.replace(/^['"]|['"]$/g, '')) ?? [];
    const start = words.findIndex((w) => /(^|\/)pg_dump(all)?$/.test(w));
    return start >= 0 ? words.slice(start) : undefined;
  }
  return undefined;
}

export function createPgDumpExecHandler(databases: readonly PgDatabase[], config: PgDumpConfig): ExecHandler {
  return async (ctx: ExecContext) => {
    const db = databases.find((d) => d.namespace === ctx.namespace && d.pod === ctx.pod);
    const argv = dumpArgv(ctx.argv);
    if (!db || !argv) return undefined;
    const binary = (argv[0] ?? '').split('/').pop() ?? 'pg_dump';
    if (!ctx.network.hasBinary(ctx.namespace, ctx.pod, ctx.container, binary)) return undefined;
    const user = optionValue(argv, '-U', '--username') ?? 'postgres';
    const positional = argv.slice(1).filter((arg, i, all) => !arg.startsWith('-') && !/^-[UdhpfF]$|^--(username|dbname|host|port|file|format)$/.test(all[i - 1] ?? ''));
    const database = optionValue(argv, '-d', '--dbname') ?? positional[0] ?? user;
    const socket = 'connection to server on socket "/tmp/.s.PGSQL.5432" failed';
    if (config.failWith) return { stdout: Buffer.alloc(0), stderr: `${binary}: error: ${config.failWith}\n`, exitCode: 1 };
    if (user !== db.user && user !== 'postgres') {
      return { stdout: Buffer.alloc(0), stderr: `${binary}: error: ${socket}: FATAL:  role "${user}" does not exist\n`, exitCode: 1 };
    }
    if (binary === 'pg_dump' && database !== db.database) {
      return { stdout: Buffer.alloc(0), stderr: `${binary}: error: ${socket}: FATAL:  database "${database}" does not exist\n`, exitCode: 1 };
    }
    const text = pgDumpText(db.database, config.rows);
    const chunkSize = 16 * 1024;
    const chunks: Buffer[] = [];
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
    return { stdout: Readable.from(chunks), stderr: '', exitCode: 0 };
  };
}
