/** Waits for `work` for at most `ms`; says whether the time ran out first. */
export async function timesOut(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
