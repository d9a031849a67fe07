/**
 * The order to load a set of libraries in so that each one's NEEDED libraries from the set are
 * already loaded (a topological order of the NEEDED graph, by SONAME), and the NEEDED entries
 * nothing in the set provides.
 */
import { basename } from 'node:path';
import type { InstalledLibrary } from '@mlpx/infer/tooling';

export function loadOrder(libraries: readonly InstalledLibrary[]): string[] {
  const bySoname = new Map<string, InstalledLibrary>();
  for (const library of libraries) bySoname.set(library.soname ?? basename(library.path), library);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (library: InstalledLibrary): void => {
    if (state.get(library.path)) return; // done, or a cycle (loaded in listing order)
    state.set(library.path, 'visiting');
    for (const name of library.needed) {
      const dependency = bySoname.get(name);
      if (dependency) visit(dependency);
    }
    state.set(library.path, 'done');
    order.push(library.path);
  };
  for (const library of [...libraries].sort((a, b) => a.path.localeCompare(b.path))) visit(library);
  return order;
}

/** NEEDED entries of `libraries` that neither the set nor `elsewhere` (by SONAME pattern) provides. */
export function unresolvedNeeds(libraries: readonly InstalledLibrary[], elsewhere: RegExp): string[] {
  const provided = new Set(libraries.map((library) => library.soname ?? basename(library.path)));
  const missing = new Set<string>();
  for (const library of libraries) for (const name of library.needed) if (!provided.has(name) && !elsewhere.test(name)) missing.add(name);
  return [...missing].sort();
}
