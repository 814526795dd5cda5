import Table from 'cli-table3';
import { TABLE_WIDTH, wrapWords } from './wrap-words.js';

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
};

export { TABLE_WIDTH };
const GAP = 3;
/**
 * Less room than this for the last column, and it is left whole: the fixed columns are too wide to fit anyway (a
 * dry run's long snapshot paths), and a sliver of wrapped text reads worse than a long line.
 */
const MIN_LAST_COLUMN = 30;

/** How the last column (the free text: message, reason) is made to fit: cut with "…", or broken at spaces. */
export type FitMode = 'truncate' | 'wrap';

/** What every table renderer is told: -o wide or not, and the time AGE is counted from. */
export interface TableView {
  readonly wide: boolean;
  readonly nowMs: number;
}

/**
 * A kubectl-style table: upper-case headers, no borders, three spaces between columns, no trailing blanks. With
 * `fit`, the last column is cut or wrapped so that lines stay within TABLE_WIDTH, where the other columns leave it
 * room.
 */
export function renderBorderlessTable(head: readonly string[], rows: readonly (readonly string[])[], fit?: FitMode): string {
  const table = new Table({
    head: head.map((title) => title.toUpperCase()),
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': GAP },
  });
  const flat = rows.map((row) => row.map(oneLine));
  const room = fit ? roomForLastColumn(head, flat) : undefined;
  if (room === undefined || room < MIN_LAST_COLUMN) {
    for (const row of flat) table.push(row);
    return finish(table);
  }
  for (const row of flat) table.push(row.map((cell, i) => (i === row.length - 1 ? fitCell(cell, room, fit!) : cell)));
  return finish(table);
}

function finish(table: InstanceType<typeof Table>): string {
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

/**
 * How many characters of the last column a fitted table shows whole: undefined when it leaves that column whole
 * (no fit, or too little room to bother). Lets a renderer say elsewhere what a cut cell would lose.
 */
export function lastColumnRoom(head: readonly string[], rows: readonly (readonly string[])[], fit: FitMode | undefined): number | undefined {
  if (!fit) return undefined;
  const room = roomForLastColumn(head, rows.map((row) => row.map(oneLine)));
  return room < MIN_LAST_COLUMN ? undefined : room;
}

function roomForLastColumn(head: readonly string[], rows: readonly (readonly string[])[]): number {
  const widths = head.slice(0, -1).map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const used = widths.reduce((sum, width) => sum + width + GAP, 0);
  return TABLE_WIDTH - used;
}

function fitCell(text: string, room: number, mode: FitMode): string {
  if (text.length <= room) return text;
  return mode === 'truncate' ? `${text.slice(0, room - 1)}…` : wrapWords(text, room).join('\n');
}

/** Cells are one line each; a multi-line component message would break the columns. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
