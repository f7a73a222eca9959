import type { ResponsePath } from './filterUnauthorizedFields';

type Json = Record<string, unknown> | unknown[] | null | undefined;

/** Applies `edit` to the object(s) at `path` (minus its last segment), fanning out over lists. */
function atParents(value: Json, path: ResponsePath, edit: (parent: Record<string, unknown>, key: string) => void): void {
  if (value === null || value === undefined || path.length === 0) return;
  if (Array.isArray(value)) {
    for (const item of value) atParents(item as Json, path, edit);
    return;
  }
  const [head, ...rest] = path;
  if (rest.length === 0) return edit(value, String(head));
  atParents(value[String(head)] as Json, rest, edit);
}

/** Puts null at each path in `data` (every element, where the path crosses a list). */
export function setNullAt(data: Record<string, unknown>, paths: ResponsePath[]): void {
  // Shorter paths first: a parent nulled later would swallow its children anyway.
  for (const path of [...paths].sort((a, b) => a.length - b.length)) {
    atParents(data, path, (parent, key) => {
      parent[key] = null;
    });
  }
}

/** Removes the `__typename` that kept an emptied selection valid. */
export function removePlaceholders(data: Record<string, unknown>, paths: ResponsePath[]): void {
  for (const path of paths) {
    if (path.length === 0) {
      delete data['__typename'];
      continue;
    }
    atParents(data, path, (parent, key) => {
      const target = parent[key] as Json;
      const objects = Array.isArray(target) ? target : [target];
      for (const object of objects) if (object && typeof object === 'object' && !Array.isArray(object)) delete (object as Record<string, unknown>)['__typename'];
    });
  }
}
