// Fails when source folders import each other in a circle (type-only imports aside: they vanish at
// compile time). dependency-cruiser's own folder rule counts type imports, so this reads its graph.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';

const json = execFileSync(
  'npx',
  ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', '--no-progress'],
  {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  },
);
const edges = new Map();
for (const module of JSON.parse(json).modules) {
  const from = dirname(module.source);
  for (const dep of module.dependencies) {
    const to = dirname(dep.resolved);
    if (from === to || !to.startsWith('src/') || dep.dependencyTypes.includes('type-only')) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${module.source} → ${dep.resolved}`);
  }
}
// Tarjan's strongly connected components: any component of more than one folder is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function visit(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!state.has(w)) {
      visit(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component);
  }
}
for (const v of edges.keys()) if (!state.has(v)) visit(v);
for (const component of cycles) {
  console.error(`folders in a cycle: ${component.sort().join(', ')}`);
  for (const from of component)
    for (const [to, example] of edges.get(from) ?? [])
      if (component.includes(to)) console.error(`  ${example}`);
}
process.exit(cycles.length > 0 ? 1 : 0);
