/** The width the tool's text fits by default (a terminal of 100 columns); -o wide shows every table column in full. */
export const TABLE_WIDTH = 100;

/** Words to lines of at most `width` characters; a longer word is cut into pieces. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

