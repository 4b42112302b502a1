/**
 * Stop when the process that started us is gone. npm and npx run a command through a
 * shell (`sh -c …`) and forward SIGINT/SIGTERM only to that shell, which dies of it and
 * leaves its child running: without this, killing `npm start`, `npm run mock` or
 * `npx vaero …` would leave the stub listening (and Prism running) on their ports.
 *
 * So, when npm or npx started us (they set npm_lifecycle_event), we watch our parent and,
 * once it has gone, send ourselves the SIGTERM the user meant for us: each command's own
 * handler then stops what it started. Outside npm nothing changes (`nohup vaero stub &`
 * keeps running after its shell exits, as a user who wrote that expects).
 */
export const PARENT_POLL_MS = 200;

export function stopWithParent(env: NodeJS.ProcessEnv = process.env): void {
  if (env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    // process.ppid is read afresh each time: an orphan is re-parented (to init or a subreaper).
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, PARENT_POLL_MS);
  timer.unref(); // the watch must not keep a finished command alive
}
