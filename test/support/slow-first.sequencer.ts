// Starts the slowest test files first (real Chromium, child processes, the 100 000-row check), so
// that neither of the two workers is left running one of them alone at the end of the run. Without
// a previous run's durations vitest orders by file size, which puts these short files last.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SLOW_FIRST = [
  /^src\/reconciliation\/reconciliation\.store\.test\.ts$/,
  /^test\/browser\//,
  /^test\/e2e\//,
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const path = relative(file.project.config.root, file.moduleId);
      const index = SLOW_FIRST.findIndex((pattern) => pattern.test(path));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    // A stable sort: within each rank, vitest's own order (durations of a previous run, or size).
    return sorted
      .map((file, i) => ({ file, i }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i)
      .map((x) => x.file);
  }
}
