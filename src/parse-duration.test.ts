import { describe, expect, it } from 'vitest';
import { durationText, parseDurationMs } from './parse-duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    [' 2s ', 2000],
    ['1m30s250ms', 90_250],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '30', 's', '1d', '-5s', '1 h', '1h 30m', 'banana', '1.s', '1e3s'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('durationText', () => {
  it.each([
    [20_000, '20s'],
    [600_000, '10m'],
    [3_600_000, '1h'],
    [90_000, '90s'],
    [500, '500ms'],
    [1500, '1500ms'],
  ])('%d ms → %s, read back as the same', (ms, text) => {
    expect(durationText(ms)).toBe(text);
    expect(parseDurationMs(text)).toBe(ms);
  });
});
