import { describe, expect, it } from 'vitest';
import { ageCell, formatAge } from './age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatAge (kubectl AGE, apimachinery HumanDuration)', () => {
  it.each([
    [-5 * S, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [5 * M + 30 * S, '5m30s'],
    [10 * M + 59 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 20 * M, '3h20m'],
    [8 * H + 59 * M, '8h'],
    [36 * H, '36h'],
    [2 * D, '2d'],
    [2 * D + 5 * H, '2d5h'],
    [8 * D + 23 * H, '8d'],
    [12 * D, '12d'],
    [400 * D, '400d'],
    [731 * D, '2y1d'],
    [3 * 365 * D, '3y'],
    [9 * 365 * D, '9y'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('ageCell', () => {
  const now = Date.parse('2026-11-27T06:00:00Z');
  it('is the age of an ISO time, or "-" without one', () => {
    expect(ageCell('2026-11-27T05:55:00.000Z', now)).toBe('5m');
    expect(ageCell('2026-11-15T06:00:00Z', now)).toBe('12d');
    expect(ageCell(undefined, now)).toBe('-');
    expect(ageCell('not a time', now)).toBe('-');
  });
});
