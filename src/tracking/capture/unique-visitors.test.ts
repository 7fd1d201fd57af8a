import { expect, it } from 'vitest';
import { UniqueVisitors } from './unique-visitors.ts';

const DAY = 24 * 3_600_000;

it('counts a visitor unique once per link within the window, again after it', () => {
  const v = new UniqueVisitors();
  expect(v.record(1, '198.51.100.7', 'UA', 0, DAY)).toBe(true);
  expect(v.record(1, '198.51.100.7', 'UA', DAY - 1, DAY)).toBe(false);
  // Another link, IP or user agent is another visitor.
  expect(v.record(2, '198.51.100.7', 'UA', DAY - 1, DAY)).toBe(true);
  expect(v.record(1, '198.51.100.8', 'UA', DAY - 1, DAY)).toBe(true);
  expect(v.record(1, '198.51.100.7', 'UA2', DAY - 1, DAY)).toBe(true);
  // The window runs from the visitor's last click.
  expect(v.record(1, '198.51.100.7', 'UA', 2 * DAY - 2, DAY)).toBe(false);
  expect(v.record(1, '198.51.100.7', 'UA', 3 * DAY - 2, DAY)).toBe(true);
});

it('takes each offer its own window', () => {
  const v = new UniqueVisitors();
  expect(v.record(1, '198.51.100.7', 'UA', 0, 3_600_000)).toBe(true);
  expect(v.record(1, '198.51.100.7', 'UA', 3_600_000, 3_600_000)).toBe(true);
});

it('forgets the least recently seen visitors beyond its capacity', () => {
  const v = new UniqueVisitors(2);
  v.record(1, 'a', 'UA', 0, DAY);
  v.record(1, 'b', 'UA', 1, DAY);
  v.record(1, 'a', 'UA', 2, DAY); // a is now the most recent
  v.record(1, 'c', 'UA', 3, DAY); // forgets b
  expect(v.record(1, 'a', 'UA', 4, DAY)).toBe(false);
  expect(v.record(1, 'b', 'UA', 5, DAY)).toBe(true);
});

it('counts a click with neither IP nor user agent as unique', () => {
  const v = new UniqueVisitors();
  expect(v.record(1, null, null, 0, DAY)).toBe(true);
  expect(v.record(1, null, null, 1, DAY)).toBe(true);
});
