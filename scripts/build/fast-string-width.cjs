// string-width for the bundles: printable ASCII (every line of --help) is as wide as it is long, answered without
// loading string-width at all. yargs' own 8.x copy has this fast path but builds `\p{RGI_Emoji}` regexes with the
// v flag at load time (~30 ms of every start); the 7.x copies that cliui and wrap-ansi use create an Intl.Segmenter
// and a Unicode-property regex at load time and run a fresh emoji regex per character of help text.
// scripts/build.mjs points every ESM import of string-width here, and this module's require at cliui's 7.x copy,
// which the bundle then initialises only when a non-ASCII string is measured.
'use strict';

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;
/** @type {((text: string, options?: object) => number) | undefined} */
let stringWidth;

/** @param {string} text @param {{ ambiguousIsNarrow?: boolean, countAnsiEscapeCodes?: boolean }} [options] */
module.exports = function fastStringWidth(text, options) {
  if (typeof text === 'string' && PRINTABLE_ASCII.test(text)) return text.length;
  // A require, not an import: the bundle then initialises string-width on this first use instead of at start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  stringWidth ??= require('string-width').default;
  return stringWidth(text, options);
};
