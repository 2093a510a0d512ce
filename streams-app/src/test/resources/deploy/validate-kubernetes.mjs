// Validates Kubernetes manifests against the Kubernetes API's own OpenAPI schemas, with the npm
// package kubernetes-models (its models validate with ajv against the schemas of the API).
// Usage: node validate-kubernetes.mjs <node_modules dir> <file.yaml>...; exit 0 when all valid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, ...files] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(modules, p)).href);
const { parseAllDocuments } = await load('yaml/dist/index.js');
let failed = 0;
let checked = 0;
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const obj = doc.toJS();
    if (obj == null) continue;
    const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    if (obj.kind === 'Kustomization') continue;
    const group = obj.apiVersion.includes('/') ? obj.apiVersion : `v1`;
    let models;
    try {
      models = await load(`kubernetes-models/${group === 'v1' ? 'v1' : group}/index.js`);
    } catch (e) {
      console.log(`INVALID ${where}: unknown apiVersion ${obj.apiVersion}`);
      failed++;
      continue;
    }
    const Model = models[obj.kind];
    if (!Model) {
      console.log(`INVALID ${where}: ${obj.apiVersion} has no kind ${obj.kind}`);
      failed++;
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
      console.log(`valid ${where}`);
    } catch (e) {
      failed++;
      console.log(`INVALID ${where}: ${e.message}`);
    }
  }
}
console.log(`${checked} valid, ${failed} invalid`);
process.exit(failed === 0 && checked > 0 ? 0 : 1);
