// Import rules of the layout (README "Project layout"): http → capabilities → db and shared.
// `npm run lint` runs this; a new cycle or a reach into another capability's SQL fails it.
// Cycles between folders are checked by scripts/check-folder-cycles.mjs on this graph.
const CAPABILITIES =
  '^src/(tracking|catalog|conversions|postbacks|deliveries|macros|auth|users|reports|integrations|rewards|rules|alerts|jobs|reconciliation|retention|audit|privacy)/';
const HTTP_FILE = '\\.(routes|schemas)\\.ts$';
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Files must not import each other in a circle.',
      from: { path: '^src/' },
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'shared-stands-alone',
      severity: 'error',
      comment: 'shared/ is below everything.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'db-below-capabilities',
      severity: 'error',
      comment: 'db/ may name the tables capabilities define (types only), never call up into them.',
      from: { path: '^src/db/' },
      to: { path: CAPABILITIES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'dialects-stay-in-db',
      severity: 'error',
      comment:
        'Feature code never asks which store it runs on: the store\'s interfaces, never a dialect folder, a driver or a raw handle.',
      from: { path: '^src/', pathNot: '^src/db/' },
      to: {
        path: ['^src/db/(sqlite|postgres)/', '^src/db/(driver-handles|handle-dialect)\\.ts$', 'node_modules/(better-sqlite3|pg)/'],
      },
    },
    {
      name: 'rules-below-http',
      severity: 'error',
      comment: 'Only routes and schemas speak HTTP; rules and SQL never import http/, server/ or cli/.',
      from: { path: CAPABILITIES, pathNot: HTTP_FILE },
      to: { path: '^src/(http|server|cli)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-reach-into-foreign-sql',
      severity: 'error',
      comment: "A capability calls another's services, never its repositories.",
      from: { path: '^src/([^/]+)/', pathNot: '^src/(cli|server|http)/' },
      to: { path: '\\.repository\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'src-never-imports-test',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
