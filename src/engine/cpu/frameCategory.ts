// Where a call frame's code comes from (the user's code, a library, Node's
// internals, the VM) and how its URL reads relative to the workspace.

import * as path from 'path';
import { fileURLToPath } from 'url';
import type { ProfileNode } from './cpuProfile';

export type FrameCategory = 'user' | 'library' | 'node' | 'native' | 'gc' | 'program' | 'idle' | 'root';

/**
 * `instrumentation`: files that are Hotpath's own (the probe preload). Their
 * frames are someone else's code to the user, so they count as libraries.
 */
export function categorize(node: { callFrame: Pick<ProfileNode['callFrame'], 'functionName' | 'url'> }, instrumentation?: ReadonlySet<string>): FrameCategory {
  const { functionName, url } = node.callFrame;
  if (!url) {
    switch (functionName) {
      case '(root)':
        return 'root';
      case '(idle)':
        return 'idle';
      case '(program)':
        return 'program';
      case '(garbage collector)':
        return 'gc';
      default:
        return 'native';
    }
  }
  if (url.startsWith('node:') || !/^(file:|\/|[A-Za-z]:[\\/])/.test(url)) return 'node';
  if (/[\\/]node_modules[\\/]/.test(url)) return 'library';
  if (instrumentation?.has(url.startsWith('file://') ? safeFilePath(url) : url)) return 'library';
  return 'user';
}

export function safeFilePath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

/** A profile URL as a path relative to `root` when it is a file inside it. */
export function displayPath(url: string, root?: string): string {
  let file = url;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      return url;
    }
  }
  if (root && path.isAbsolute(file)) {
    const rel = path.relative(root, file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return file;
}
