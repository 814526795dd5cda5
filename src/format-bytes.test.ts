import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.js';

describe('formatBytes', () => {
  it('says bytes as they are, larger sizes with one decimal in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(40_123_456)).toBe('40.1 MB');
    expect(formatBytes(3_200_000_000)).toBe('3.2 GB');
  });
});
