import Table from 'cli-table3';

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
};

/** A kubectl-style table: upper-case headers, no borders, three spaces between columns, no trailing blanks. */
export function renderBorderlessTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({
    head: head.map((title) => title.toUpperCase()),
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 3 },
  });
  for (const row of rows) table.push(row.map(oneLine));
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

/** Cells are one line each; a multi-line component message would break the columns. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
