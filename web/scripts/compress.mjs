// After `vite build`: writes a .gz next to every text asset (the server sends it to clients
// that accept gzip) and checks the first-load budget — index.html plus every script and
// stylesheet it references, gzipped — against 300 KB. Usage: node scripts/compress.mjs DIST
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 300 * 1024;
const dist = process.argv[2] ?? 'admin/dist';

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const gzSize = new Map();
for (const file of walk(dist)) {
  if (!/\.(js|css|html|svg|json)$/.test(file)) continue;
  const gz = gzipSync(readFileSync(file), { level: 9 });
  writeFileSync(`${file}.gz`, gz);
  gzSize.set(relative(dist, file), gz.length);
}

const index = readFileSync(join(dist, 'index.html'), 'utf8');
const refs = [...index.matchAll(/(?:src|href)="\/admin\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let total = gzSize.get('index.html') ?? 0;
for (const r of refs) total += gzSize.get(r) ?? 0;
const all = [...gzSize.entries()].filter(([f]) => f.startsWith('assets/')).reduce((n, [, s]) => n + s, 0);
console.log(`admin console: first load ${(total / 1024).toFixed(1)} KB gzipped (${refs.length + 1} files); all assets ${(all / 1024).toFixed(1)} KB gzipped`);
if (total > BUDGET) {
  console.error(`first load exceeds the ${BUDGET / 1024} KB budget`);
  process.exit(1);
}
