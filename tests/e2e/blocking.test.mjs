// The rule that decides which main-thread tasks fail a responsiveness test (helpers.blockingTasks),
// on synthetic traces: the page's own long work fails, a one-off descheduled renderer does not,
// repeated off-CPU long tasks (a page waiting synchronously) fail again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockingTasks } from './helpers.mjs';

const page = {}; // no screenshot windows recorded for it
const task = (start, duration, cpu) => ({ start, duration, cpu });

test('a task that ran ≥ 25 ms of its ≥ 50 ms on the CPU blocks; short tasks never do', () => {
  const traced = [task(10, 49.9, 49.9), task(100, 60, 30), task(200, 80, 10)];
  assert.deepEqual(blockingTasks([], traced, 0, page), [task(100, 60, 30)]);
});

test('one or two off-CPU long tasks are the host, not the page (as in a fresh-clone run: 50.1 ms wall, 5.6 ms CPU)', () => {
  const traced = [task(10, 50.085, 5.555), task(500, 61.6, 4.9)];
  assert.deepEqual(blockingTasks([task(10, 50.085, 5.555)], traced, 0, page), []);
});

test('off-CPU long tasks that repeat all block, with the CPU-bound ones', () => {
  const traced = [task(10, 55, 3), task(100, 70, 2), task(200, 52, 4), task(300, 90, 60)];
  assert.deepEqual(blockingTasks([], traced, 0, page), traced);
});

test('tasks before t0 are not judged; without a trace the observer decides', () => {
  assert.deepEqual(blockingTasks([], [task(5, 100, 100)], 10, page), []);
  const observed = [task(20, 54, 54)];
  assert.equal(blockingTasks(observed, null, 0, page), observed);
});
