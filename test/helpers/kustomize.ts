import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

/**
 * The part of kustomize that deploy/k8s uses, for tests on machines without kubectl (no npm package
 * renders kustomizations): resources (files and folders), namespace, labels (metadata only),
 * configMapGenerator (files, no hash suffix), images, and patches (strategic merge, merging lists of
 * named items by name; or JSON 6902 `add`/`replace` with a kind/name target). Anything else in a
 * kustomization is refused, so a manifest using more fails the test instead of rendering wrong.
 * Where kubectl is installed the tests compare this with `kubectl kustomize`.
 */
export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'labels',
  'resources',
  'configMapGenerator',
  'images',
  'patches',
]);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume']);

export function kustomize(dir: string): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  for (const key of Object.keys(k)) if (!SUPPORTED.has(key)) throw new Error(`${dir}: unsupported ${key}`);
  const objects: K8sObject[] = [];
  for (const resource of (k.resources as string[] | undefined) ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...kustomize(path));
    else objects.push(...readObjects(path));
  }
  for (const gen of (k.configMapGenerator as
    { name: string; files: string[]; options?: object }[] | undefined) ?? []) {
    if (!(gen.options as { disableNameSuffixHash?: boolean } | undefined)?.disableNameSuffixHash)
      throw new Error(`${dir}: configMapGenerator ${gen.name} needs disableNameSuffixHash here`);
    const data = Object.fromEntries(gen.files.map((f) => [basename(f), readFileSync(join(dir, f), 'utf8')]));
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: gen.name }, data });
  }
  for (const patch of (k.patches as
    { path: string; target?: { kind?: string; name?: string } }[] | undefined) ?? []) {
    const body = parse(readFileSync(join(dir, patch.path), 'utf8')) as unknown;
    if (Array.isArray(body)) {
      const targets = objects.filter(
        (o) =>
          (!patch.target?.kind || o.kind === patch.target.kind) &&
          (!patch.target?.name || o.metadata.name === patch.target.name),
      );
      for (const target of targets) jsonPatch(target, body as { op: string; path: string; value: unknown }[]);
    } else {
      const p = body as K8sObject;
      const target = objects.find((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (!target) throw new Error(`${dir}: patch ${patch.path} matches no ${p.kind} ${p.metadata.name}`);
      merge(target, p);
    }
  }
  for (const image of (k.images as { name: string; newName?: string; newTag?: string }[] | undefined) ?? []) {
    for (const container of containers(objects)) {
      const [name, tag] = container.image.split(':');
      if (name !== image.name) continue;
      container.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
    }
  }
  for (const o of objects) {
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace as string;
    for (const { pairs } of (k.labels as { pairs: Record<string, string> }[] | undefined) ?? [])
      o.metadata.labels = { ...o.metadata.labels, ...pairs };
  }
  return objects;
}

export function readObjects(path: string): K8sObject[] {
  if (!existsSync(path)) throw new Error(`no ${path} (from ${dirname(path)})`);
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function containers(objects: K8sObject[]): { image: string }[] {
  return objects.flatMap((o) => {
    const spec = (o.spec as { template?: { spec?: { containers?: { image: string }[] } } } | undefined)
      ?.template?.spec;
    return spec?.containers ?? [];
  });
}

/** Strategic merge: maps merge, lists of `name`d maps merge by name (new ones first), other lists are replaced. */
function merge(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isMap(value) && isMap(current)) merge(current, value);
    else if (Array.isArray(value) && Array.isArray(current) && value.every((v) => isMap(v) && 'name' in v)) {
      // As kustomize does: items new to the list go first, in the patch's order.
      const added: unknown[] = [];
      for (const item of value as Record<string, unknown>[]) {
        const same = (current as Record<string, unknown>[]).find((c) => isMap(c) && c.name === item.name);
        if (same) merge(same, item);
        else added.push(structuredClone(item));
      }
      current.unshift(...added);
    } else target[key] = structuredClone(value);
  }
}

function jsonPatch(
  target: Record<string, unknown>,
  ops: { op: string; path: string; value: unknown }[],
): void {
  for (const { op, path, value } of ops) {
    if (op !== 'add' && op !== 'replace') throw new Error(`unsupported JSON patch op ${op}`);
    const keys = path.split('/').slice(1);
    let node: unknown = target;
    for (const key of keys.slice(0, -1)) node = (node as Record<string, unknown>)[key];
    if (node === undefined) throw new Error(`JSON patch path ${path} does not exist`);
    (node as Record<string, unknown>)[keys.at(-1)!] = structuredClone(value);
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
