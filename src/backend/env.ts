// What the library asks of its host: environment switches (CONVNET_DEBUG, CONVNET_BACKEND, …) and Node's
// built-in modules. The library also runs in browsers, where there is no `process`: every lookup goes
// through here and reads as unset (or null) there.

export function envVar(name: string): string | undefined {
  return (globalThis as { process?: NodeProcess }).process?.env?.[name];
}

type NodeProcess = { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };

/** A Node built-in module, loaded synchronously (process.getBuiltinModule, Node ≥ 20.16) so that browser
 *  bundles need no stub and no top-level await; null where there is none. */
export function nodeBuiltin<T>(id: string): T | null {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return (proc?.getBuiltinModule?.(id) ?? null) as T | null;
}

/** Whether CONVNET_DEBUG (a list of words: fallback, poison, stack) turns on `flag`; `all` or `1` turns on
 *  every one. */
export function debugFlag(flag: 'fallback' | 'poison' | 'stack'): boolean {
  const words = (envVar('CONVNET_DEBUG') ?? '').split(/[\s,]+/);
  return words.includes(flag) || words.includes('all') || words.includes('1');
}
