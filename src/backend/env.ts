// Environment switches (CONVNET_DEBUG, CONVNET_BACKEND, …). The library also runs in browsers, where there
// is no `process`, so every lookup goes through here and reads as unset there.

export function envVar(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}
