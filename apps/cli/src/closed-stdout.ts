/**
 * `trimod segment < many.txt | head -1`: once `head` has read its line it closes the pipe, and
 * the next write to stdout fails with EPIPE. That is the reader saying "enough", not an error,
 * so the command stops quietly with status 0 instead of printing a stack trace. A closed stderr
 * is ignored for the same reason (there is nobody left to tell).
 */
export function exitQuietlyOnClosedOutput(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw err;
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}
