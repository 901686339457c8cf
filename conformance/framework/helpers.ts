// Small e2e-framework helpers shared by several cases.

import { fail, must } from './expect.ts';
import type { CaseContext } from './types.ts';

interface VersionInfo { gitVersion?: string }

/** e2eskipper.SkipUnlessServerVersionGTE(vX.Y.Z): skips the case on older servers. */
export async function skipUnlessServerAtLeast(ctx: CaseContext, major: number, minor: number, patch: number): Promise<void> {
  const v = await must(ctx.rest.get<VersionInfo>('/version'), 'getting the server version');
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.gitVersion ?? '');
  if (!m) fail(`cannot parse server gitVersion ${JSON.stringify(v.gitVersion)}`);
  const have = [Number(m[1]), Number(m[2]), Number(m[3])];
  const want = [major, minor, patch];
  for (let i = 0; i < 3; i++) {
    if (have[i] > want[i]) return;
    if (have[i] < want[i]) ctx.skip(`server version ${v.gitVersion} is older than v${major}.${minor}.${patch}`);
  }
}

/** resourceversion.CompareResourceVersion(a, b) < 0, for the numeric versions etcd-style servers hand out. */
export function resourceVersionLess(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

/** apimachineryutils.HaveValidResourceVersion (newer upstream): the resourceVersion is a non-negative integer. */
export function validResourceVersion(rv: string | undefined): boolean {
  return !!rv && /^\d+$/.test(rv);
}
